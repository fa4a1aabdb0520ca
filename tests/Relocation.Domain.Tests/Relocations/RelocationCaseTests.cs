using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

public sealed class RelocationCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(2, 1), new Needs(["fr"], false));

    private static RelocationCase Waiting(params string[] asked)
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, asked.Select(s => new AskedState(s, $"cap-{s}", false, 1000)).ToArray(), Now, Now.AddHours(24));
        return c;
    }

    private static ResponseCommand Offer(string state, decimal? cost = null, string currency = "EUR") =>
        new(state, OfferDecision.Offer, 3, null, cost is null ? null : new MoneyFields(cost, currency), null);

    private static ResponseCommand Decline(string state) => new(state, OfferDecision.Decline, null, null, null, "full");

    [Theory]
    [InlineData(RelocationPriority.Emergency, 7)]
    [InlineData(RelocationPriority.Urgent, 42)]
    [InlineData(RelocationPriority.Normal, 365)]
    public void Submit_Priority_SetsRelocationDueFromTheTable(RelocationPriority priority, int days)
    {
        var c = RelocationCase.Submit("r1", Facts with { Priority = priority }, Now, "Vwu.Officer");

        Assert.Equal(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(days), c.State.RelocationDueOn);
        Assert.Equal(RelocationStatus.Submitted, c.Status);
        Assert.Equal(3, PriorityClock.For(priority).Rounds);
    }

    [Fact]
    public void StartRound_SameRoundTwice_ChangesNothing()
    {
        var c = Waiting("NOR");
        var timeline = c.Timeline.Count;

        c.StartRound(1, [new AskedState("SWE", "x", false, 1)], Now, Now.AddHours(1));

        Assert.Single(c.Rounds);
        Assert.Equal("NOR", Assert.Single(c.Rounds[0].Asked).StateCode);
        Assert.Equal(timeline, c.Timeline.Count);
    }

    [Fact]
    public void StartRound_NextRound_ClosesThePreviousOne()
    {
        var c = Waiting("NOR");

        c.StartRound(2, [new AskedState("SWE", "x", false, 1)], Now.AddHours(25), Now.AddHours(49));

        Assert.NotNull(c.Rounds[0].ClosedAt);
        Assert.Null(c.Rounds[1].ClosedAt);
    }

    [Fact]
    public void RecordResponse_StateNotAsked_IsForbiddenAndLeavesTheCaseUnchanged()
    {
        var c = Waiting("NOR");
        var steps = c.Timeline.Count;

        Assert.Throws<ForbiddenException>(() => c.RecordResponse("FIN", Offer("FIN"), Now));

        Assert.Equal(steps, c.Timeline.Count);
        Assert.Empty(c.Offers);
    }

    [Fact]
    public void RecordResponse_Duplicate_IsConflictAndLeavesTheCaseUnchanged()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        var steps = c.Timeline.Count;

        var ex = Assert.Throws<ConflictException>(() => c.RecordResponse("NOR", Decline("NOR"), Now));

        Assert.Contains("already answered", ex.Message, StringComparison.Ordinal);
        Assert.Single(c.Offers);
        Assert.Equal(steps, c.Timeline.Count);
    }

    [Fact]
    public void RecordResponse_AfterItsRoundClosed_IsConflict()
    {
        var c = Waiting("NOR");
        c.StartRound(2, [new AskedState("SWE", "x", false, 1)], Now.AddHours(25), Now.AddHours(49));

        var ex = Assert.Throws<ConflictException>(() => c.RecordResponse("NOR", Offer("NOR"), Now.AddHours(26)));

        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
        Assert.Empty(c.Offers);
    }

    [Theory]
    [InlineData("USD", 100, "estimatedCost.currency")]
    [InlineData("EUR", -1, "estimatedCost.value")]
    [InlineData("EUR", 10.123, "estimatedCost.value")]
    public void RecordResponse_BadEstimatedCost_NamesTheField(string currency, double amount, string field)
    {
        var c = Waiting("NOR");

        var ex = Assert.Throws<DomainValidationException>(() => c.RecordResponse("NOR", Offer("NOR", (decimal)amount, currency), Now));

        Assert.Contains(field, ex.Errors.Keys);
        Assert.Empty(c.Offers);
    }

    [Fact]
    public void RecordResponse_NoteTooLong_NamesTheField()
    {
        var c = Waiting("NOR");

        var ex = Assert.Throws<DomainValidationException>(() => c.RecordResponse("NOR", Decline("NOR") with { Note = new string('x', 501) }, Now));

        Assert.Contains("note", ex.Errors.Keys);
    }

    [Fact]
    public void RecordResponse_OfferInEuros_KeepsCostInMinorUnits()
    {
        var c = Waiting("NOR");

        var offer = c.RecordResponse("NOR", Offer("NOR", 4200.50m), Now);

        Assert.Equal(420050, offer.EstimatedCostEurMinor);
        Assert.Equal(1, offer.Round);
    }

    [Fact]
    public void AllDeclined_EveryAskedStateDeclined_IsTrueOnlyThen()
    {
        var c = Waiting("NOR", "SWE");
        c.RecordResponse("NOR", Decline("NOR"), Now);
        Assert.False(c.AllDeclined(1));

        c.RecordResponse("SWE", Decline("SWE"), Now);

        Assert.True(c.AllDeclined(1));
    }

    [Fact]
    public void RequestAcceptance_StateThatDidNotOffer_IsConflictAndLeavesTheCaseUnchanged()
    {
        var c = Waiting("NOR", "SWE");
        c.RecordResponse("SWE", Decline("SWE"), Now);
        var steps = c.Timeline.Count;

        Assert.Throws<ConflictException>(() => c.RequestAcceptance("SWE", "a1", Now));

        Assert.Null(c.State.PendingAcceptance);
        Assert.Equal(steps, c.Timeline.Count);
    }

    [Fact]
    public void RequestAcceptance_WhileAnotherIsPending_IsConflict()
    {
        var c = Waiting("NOR", "SWE");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RecordResponse("SWE", Offer("SWE"), Now);
        c.RequestAcceptance("NOR", "a1", Now);

        Assert.Throws<ConflictException>(() => c.RequestAcceptance("SWE", "a2", Now));
        c.RequestAcceptance("NOR", "a1", Now);

        Assert.Equal("a1", c.State.PendingAcceptance!.RequestId);
    }

    [Fact]
    public void CompleteAcceptance_Pending_AcceptsAndClosesTheRound()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);

        c.CompleteAcceptance("a1", "cap-NOR", "fund-1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", "fund-1", Now);

        Assert.Equal(RelocationStatus.OfferAccepted, c.Status);
        Assert.Equal(new AcceptedOffer("NOR", "cap-NOR", "fund-1", Now), c.State.Accepted);
        Assert.NotNull(c.Rounds[0].ClosedAt);
        Assert.Single(c.Timeline, t => t.What == "OfferAccepted");
        Assert.Throws<ConflictException>(() => c.RequestAcceptance("NOR", "a2", Now));
    }

    [Fact]
    public void RefuseAcceptance_Pending_KeepsWaitingWithTheReason()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);

        c.RefuseAcceptance("a1", "not enough money", Now);

        Assert.Equal(RelocationStatus.AwaitingOffers, c.Status);
        Assert.Null(c.State.PendingAcceptance);
        Assert.Equal(new AcceptanceOutcome("a1", false, "not enough money", "NOR"), c.State.LastOutcome);
    }

    [Fact]
    public void Arrive_BeforeAcceptance_IsConflict()
    {
        var c = Waiting("NOR");

        Assert.Throws<ConflictException>(() => c.Arrive(DateOnly.FromDateTime(Now.UtcDateTime), Now));
    }

    [Fact]
    public void Arrive_InTheFuture_NamesTheField()
    {
        var c = Accepted();

        var ex = Assert.Throws<DomainValidationException>(() => c.Arrive(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(1), Now));

        Assert.Contains("arrivedOn", ex.Errors.Keys);
    }

    [Fact]
    public void Arrive_AfterAcceptance_IsRelocated()
    {
        var c = Accepted();

        c.Arrive(DateOnly.FromDateTime(Now.UtcDateTime), Now);

        Assert.Equal(RelocationStatus.Relocated, c.Status);
        Assert.Throws<ConflictException>(() => c.Cancel("late", Now));
    }

    [Fact]
    public void Cancel_Twice_IsConflict()
    {
        var c = Waiting("NOR");
        c.Cancel("threat gone", Now);

        Assert.Throws<ConflictException>(() => c.Cancel("again", Now));
        Assert.Throws<ConflictException>(() => c.RecordResponse("NOR", Offer("NOR"), Now));
        Assert.Equal(RelocationStatus.Cancelled, c.Status);
    }

    [Fact]
    public void CancelledBeforeAnyRound_CancelledWhileSubmitted_TrueAndItsStepsCanBeMarkedAppliedOnce()
    {
        var c = RelocationCase.Submit("r1", Facts with { Priority = RelocationPriority.Normal }, Now, "Vwu.Officer");
        Assert.False(c.CancelledBeforeAnyRound);

        c.Cancel("threat gone", Now);
        var step = Assert.Single(c.PendingSteps);

        Assert.True(c.CancelledBeforeAnyRound);
        Assert.True(c.CompleteStep(step.Sequence));
        Assert.False(c.CompleteStep(step.Sequence));
        Assert.Empty(c.PendingSteps);
    }

    [Fact]
    public void CancelledBeforeAnyRound_CancelledAfterARound_False()
    {
        var c = Waiting("NOR");

        c.Cancel("threat gone", Now);

        Assert.False(c.CancelledBeforeAnyRound);
    }

    [Fact]
    public void Escalate_AfterAcceptance_ChangesNothing()
    {
        var c = Accepted();

        c.Escalate(Now);

        Assert.Equal(RelocationStatus.OfferAccepted, c.Status);
    }

    [Fact]
    public void Escalate_WithAcceptancePending_RefusesIt()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);

        c.Escalate(Now);

        Assert.Equal(RelocationStatus.Escalated, c.Status);
        Assert.Null(c.State.PendingAcceptance);
        Assert.False(c.State.LastOutcome!.Accepted);
    }

    [Fact]
    public void Timeline_NeverCarriesProtectedDetails_OnlyFacts()
    {
        var c = Accepted();
        c.Arrive(DateOnly.FromDateTime(Now.UtcDateTime), Now);

        Assert.All(c.Timeline, t => Assert.False(string.IsNullOrEmpty(t.What)));
        Assert.Equal(["Submitted", "ConsentRecorded", "RoundStarted", "OfferReceived", "AcceptanceRequested", "RoundClosed", "OfferAccepted", "Arrived"], c.Timeline.Select(t => t.What));
    }

    private static RelocationCase Accepted()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", null, Now);
        return c;
    }

    // ---- issue 14 ----

    [Theory]
    [InlineData(RelocationPriority.Normal, true)]
    [InlineData(RelocationPriority.Urgent, true)]
    [InlineData(RelocationPriority.Emergency, false)]
    public void AwaitsConsent_NoConsent_OnlyNormalAndUrgentWait(RelocationPriority priority, bool waits)
    {
        var c = RelocationCase.Submit("r1", Facts with { Priority = priority }, Now, "Vwu.Officer");

        Assert.Equal(waits, c.AwaitsConsent);
        c.RecordConsent(DateOnly.FromDateTime(Now.UtcDateTime), Now);
        Assert.False(c.AwaitsConsent);
        Assert.Equal(waits ? [CaseStepKind.Consent] : [], c.PendingSteps.Select(s => s.Kind));
    }

    [Fact]
    public void RequestAcceptance_NoConsent_IsConflictAndRecordsNoStep()
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer");
        c.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1000)], Now, Now.AddHours(24));
        c.RecordResponse("NOR", Offer("NOR"), Now);

        var ex = Assert.Throws<ConflictException>(() => c.RequestAcceptance("NOR", "a1", Now));

        Assert.Contains("consent", ex.Message, StringComparison.Ordinal);
        Assert.Empty(c.PendingSteps);
        Assert.Null(c.State.PendingAcceptance);
    }

    [Fact]
    public void MarkOverdue_AcceptedThenArrived_OverdueThenRelocated()
    {
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", null, Now);
        c.StartPlacementClock(Now.AddDays(7), Now);

        Assert.True(c.MarkOverdue(Now.AddDays(7)));
        Assert.False(c.MarkOverdue(Now.AddDays(7)));
        Assert.Equal(RelocationStatus.Overdue, c.Status);
        c.Arrive(DateOnly.FromDateTime(Now.UtcDateTime), Now.AddDays(8));
        Assert.Equal(RelocationStatus.Relocated, c.Status);
    }

    [Fact]
    public void Withdraw_OtherStateThenReceivingState_ForbiddenThenWithdrawnWithOneStep()
    {
        var c = Waiting("NOR", "SWE");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", null, Now);
        c.CompleteStep(1);

        Assert.Throws<ForbiddenException>(() => c.Withdraw("SWE", "no", DateOnly.FromDateTime(Now.UtcDateTime), "n1", Now));
        c.Withdraw("NOR", "closed", DateOnly.FromDateTime(Now.UtcDateTime), "n1", Now);
        c.Withdraw("NOR", "closed", DateOnly.FromDateTime(Now.UtcDateTime), "n1", Now);

        Assert.Equal(RelocationStatus.Withdrawn, c.Status);
        Assert.Equal([CaseStepKind.Withdrawal], c.PendingSteps.Select(s => s.Kind));
        var next = RelocationCase.ReRelocate("n1", c, "NOR", RelocationPriority.Emergency, Now);
        Assert.Equal(["NOR"], next.State.ExcludedStates);
        Assert.Equal("r1", next.State.LinkedFrom);
        Assert.Equal(RelocationPriority.Emergency, next.Facts.Priority);
        Assert.Throws<ConflictException>(() => c.Cancel("late", Now));
    }

    [Fact]
    public void SendRound_RoundThatAskedNobody_SentOnceNeverChangedAfter()
    {
        var c = RelocationCase.Submit("r-send", new RelocationFacts("ICC-01/04-01/06", "W-0001", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent,
            new Household(1, 0), new Needs([], false)), Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, [], Now, Now.AddHours(72));

        var sent = c.SendRound(1, [new AskedState("NOR", "cap-NOR", false, 1)], Now.AddHours(1), Now.AddHours(73));
        var again = c.SendRound(1, [new AskedState("SWE", "cap-SWE", false, 1)], Now.AddHours(2), Now.AddHours(74));

        Assert.Equal(["NOR"], sent.Asked.Select(a => a.StateCode));
        Assert.Equal(sent, again);
        Assert.Equal(Now.AddHours(73), c.CurrentRound!.Deadline);
    }

    [Theory]
    [InlineData(-3, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(30, true)]
    public void WithdrawalReleaseAt_EffectiveOnRelativeToToday_AtOnceWhenTodayOrPastElseStartOfThatDay(int days, bool waits)
    {
        var effectiveOn = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(days);
        var c = Waiting("NOR");
        c.RecordResponse("NOR", Offer("NOR"), Now);
        c.RequestAcceptance("NOR", "a1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", null, Now);
        c.Withdraw("NOR", "closed", effectiveOn, "n1", Now);

        var at = c.WithdrawalReleaseAt(Now);

        Assert.Equal(waits ? new DateTimeOffset(effectiveOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null, at);
        Assert.Equal(Now, c.State.WithdrawnAt);
        // On the day itself (midnight UTC passed) it is due at once.
        Assert.Null(c.WithdrawalReleaseAt(new DateTimeOffset(effectiveOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
    }

    [Fact]
    public void EnsureTakesCommitments_OpenThenCancelled_AcceptedThen409CaseClosedToCommitments()
    {
        var c = Waiting("NOR");
        c.EnsureTakesCommitments();
        c.Cancel("moved", Now);

        var refused = Assert.Throws<ConflictException>(c.EnsureTakesCommitments);

        Assert.False(c.TakesCommitments);
        Assert.Equal(("CaseClosedToCommitments", "Cancelled"), (refused.Code, refused.Args!["status"]));
    }

    [Fact]
    public void TakesCommitments_EachStatus_OnlyWhileAWorkflowPathStillReleasesThem()
    {
        var open = Enum.GetValues<RelocationStatus>().Where(s => RelocationCaseOf(s).TakesCommitments).Order().ToArray();

        Assert.Equal([RelocationStatus.Submitted, RelocationStatus.AwaitingOffers, RelocationStatus.OfferAccepted, RelocationStatus.Relocated,
            RelocationStatus.Escalated, RelocationStatus.Overdue], open);
    }

    private static RelocationCase RelocationCaseOf(RelocationStatus status)
    {
        var c = Waiting("NOR");
        var state = c.State with { Status = status };
        return RelocationCase.Rehydrate(c.Id, c.Facts, state, c.Rounds, c.Offers, c.Timeline, c.Version);
    }
}
