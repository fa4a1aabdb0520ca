using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Steps;

/// <summary>A case's steps: numbered on the row as callers record them, each applied once, in order.</summary>
public sealed class CaseStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(1, 0), new Needs(["fr"], false));

    private static RelocationCase OfferedBy(string state)
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, [new AskedState(state, "cap1", false, 10)], Now, Now.AddHours(24));
        c.RecordResponse(state, new ResponseCommand(state, OfferDecision.Offer, 1, null, null, null), Now);
        return c;
    }

    [Fact]
    public void RequestAcceptanceThenCancel_TwoStepsNumberedInOrder()
    {
        var c = OfferedBy("NOR");

        c.RequestAcceptance("NOR", "req-1", Now);
        c.Cancel("no longer needed", Now);

        Assert.Equal([(1, CaseStepKind.Acceptance, "req-1"), (2, CaseStepKind.Cancellation, (string?)null)], c.PendingSteps.Select(s => (s.Sequence, s.Kind, s.RequestId)));
        Assert.Equal(2, c.LastStep!.Sequence);
    }

    [Fact]
    public void RequestAcceptance_SameRequestTwice_OneStep()
    {
        var c = OfferedBy("NOR");

        c.RequestAcceptance("NOR", "req-1", Now);
        c.RequestAcceptance("NOR", "req-1", Now);

        Assert.Single(c.PendingSteps);
    }

    [Fact]
    public void CompleteStep_Twice_SecondChangesNothing()
    {
        var c = OfferedBy("NOR");
        c.RequestAcceptance("NOR", "req-1", Now);

        var first = c.CompleteStep(1);
        var second = c.CompleteStep(1);

        Assert.True(first);
        Assert.False(second);
        Assert.Empty(c.PendingSteps);
        Assert.Equal(1, c.State.StepsApplied);
        Assert.Equal(2, c.State.NextStep);
    }

    [Fact]
    public void Cancel_Escalated_RecordsNoStep()
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer");
        c.Escalate(Now);

        c.Cancel("too late", Now);

        Assert.Empty(c.PendingSteps);
    }
}
