using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Matching.Tests;

public sealed class ExclusionTests
{
    [Fact]
    public void AsCandidateReason_EveryKind_ItsOwnPlanCodeAndTheHandlersEnglishLine()
    {
        // The candidates' plan line is worded by a console from this code: a new kind must get its own.
        var reasons = Enum.GetValues<ExclusionKind>().Select(k => new Exclusion("NOR", k, "why " + k).AsCandidateReason()).ToArray();

        Assert.Equal(Enum.GetValues<ExclusionKind>().Length, reasons.Select(r => r.Code).Distinct().Count());
        Assert.All(reasons, r => Assert.StartsWith("Plan", r.Code.ToString(), StringComparison.Ordinal));
        Assert.Equal(Enum.GetValues<ExclusionKind>().Select(k => "plan: why " + k), reasons.Select(r => r.Text));
        Assert.Equal(CandidateReasonCode.PlanTakenByOthers, new Exclusion("NOR", ExclusionKind.TakenByOthers, "x").AsCandidateReason().Code);
    }
}
