using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Domain.Tests.Relocations;

public sealed class CandidateReasonTests
{
    [Fact]
    public void Planned_Priority_TheHandlersEnglishLineWithThePriorityAsArgument()
    {
        var reason = CandidateReason.Planned(RelocationPriority.Emergency);

        Assert.Equal(CandidateReasonCode.PlanPlanned, reason.Code);
        Assert.Equal("plan: planned for this relocation (Emergency)", reason.Text);
        Assert.Equal("Emergency", reason.Args!["priority"]);
    }

    [Fact]
    public void NotInPlan_Always_TheHandlersEnglishLineWithoutArguments()
    {
        Assert.Equal(CandidateReasonCode.PlanNotInPlan, CandidateReason.NotInPlan.Code);
        Assert.Equal("plan: not in the plan", CandidateReason.NotInPlan.Text);
        Assert.Null(CandidateReason.NotInPlan.Args);
    }
}
