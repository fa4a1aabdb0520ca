using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

/// <summary>
/// Every detail a case writes on its timeline, and every refused acceptance's reason, carries a code (and arguments)
/// beside its English text, so a client can word it in its own language.
/// </summary>
public sealed class CaseDetailTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(2, 1), new Needs(["fr"], false));

    // Made only by the acceptance saga in Workflows (the capacity or the Fund refused, the status moved meanwhile): their
    // factories are checked below.
    private static readonly CaseDetailCode[] SagaOnly = [CaseDetailCode.RefusedStatusChanged, CaseDetailCode.RefusedCannotHold, CaseDetailCode.RefusedFundShort];

    [Fact]
    public void Log_EveryStepOfEveryPath_HasACodeAndTogetherEveryCodeIsUsed()
    {
        RelocationCase[] cases = [Placed(), CancelledWhileAccepting(), EscalatedWhileAccepting(), .. WithdrawnAndReRelocated(), ReRelocatedByReview()];
        var entries = cases.SelectMany(c => c.Timeline).ToArray();

        Assert.All(entries, e => Assert.True(e.Explanation is not null, $"{e.What}: '{e.Detail}' has no code"));
        var used = entries.Select(e => Enum.Parse<CaseDetailCode>(e.Explanation!.Code)).ToHashSet();
        Assert.Equal(Enum.GetValues<CaseDetailCode>().Except(SagaOnly).Order(), used.Order());
    }

    [Fact]
    public void RefuseAcceptance_Refusal_TheEnglishReasonAndItsCodeOnTheOutcomeAndTheTimeline()
    {
        var c = Offered("NOR");
        c.RequestAcceptance("NOR", "a1", Now);

        c.RefuseAcceptance("a1", AcceptanceRefusal.NoCost("NOR"), Now);

        var outcome = c.State.LastOutcome!;
        Assert.Equal("NOR's place needs Special Fund support but its offer gives no estimated cost.", outcome.Reason);
        Assert.Equal(new CaseExplanation("RefusedNoCost", new Dictionary<string, string> { ["state"] = "NOR" }), outcome.Explanation, ExplanationComparer.Instance);
        var logged = c.Timeline[^1];
        Assert.Equal(("AcceptanceRefused", outcome.Reason), (logged.What, logged.Detail));
        Assert.Same(outcome.Explanation, logged.Explanation);
    }

    [Fact]
    public void RefuseAcceptance_ReasonFromAnOlderHistory_NoCode()
    {
        var c = Offered("NOR");
        c.RequestAcceptance("NOR", "a1", Now);

        c.RefuseAcceptance("a1", "no money", Now);

        Assert.Null(c.State.LastOutcome!.Explanation);
        Assert.Null(c.Timeline[^1].Explanation);
    }

    [Fact]
    public void AcceptanceRefusal_SagasReasons_EnglishAsBeforeAndTheirArguments()
    {
        var hold = AcceptanceRefusal.CannotHold("NOR", 3, "Only 2 place(s) free.");
        var fund = AcceptanceRefusal.FundShort(123456, "Available is 100.00 EUR.");
        var status = AcceptanceRefusal.StatusChanged(RelocationStatus.Cancelled);

        Assert.Equal("NOR cannot hold 3 place(s) any more: Only 2 place(s) free.", hold.Reason);
        Assert.Equal(("RefusedCannotHold", "NOR", "3"), (hold.Explanation.Code, hold.Explanation.Args!["state"], hold.Explanation.Args["places"]));
        Assert.Equal("The Special Fund cannot cover 1234.56 EUR: Available is 100.00 EUR.", fund.Reason);
        Assert.Equal(("RefusedFundShort", "1234.56"), (fund.Explanation.Code, fund.Explanation.Args!["amount"]));
        Assert.Equal("The request became Cancelled meanwhile.", status.Reason);
        Assert.Equal(("RefusedStatusChanged", "Cancelled"), (status.Explanation.Code, status.Explanation.Args!["status"]));
    }

    [Fact]
    public void Of_DatesTimesAndEnums_InvariantTextAsTheEnglishShowsThem()
    {
        var e = CaseExplanation.Of(CaseDetailCode.RoundSent, ("round", 2), ("deadline", new DateTimeOffset(2026, 12, 1, 9, 5, 0, TimeSpan.FromHours(2))), ("on", Today), ("priority", RelocationPriority.Urgent));

        Assert.Equal("RoundSent", e.Code);
        Assert.Equal(("2", "2026-12-01 07:05", "2026-11-28", "Urgent"), (e.Args!["round"], e.Args["deadline"], e.Args["on"], e.Args["priority"]));
    }

    [Fact]
    public void Equals_SameCodeAndArgumentsInAnotherDictionary_Equal()
    {
        var written = CaseExplanation.Of(CaseDetailCode.RoundSent, ("round", 1), ("states", "NOR"));
        var readBack = new CaseExplanation("RoundSent", new Dictionary<string, string>(StringComparer.Ordinal) { ["states"] = "NOR", ["round"] = "1" });

        Assert.Equal(written, readBack);
        Assert.Equal(written.GetHashCode(), readBack.GetHashCode());
        Assert.NotEqual(written, readBack with { Args = new Dictionary<string, string> { ["round"] = "2", ["states"] = "NOR" } });
        Assert.Equal(new CaseExplanation("Submitted"), new CaseExplanation("Submitted", new Dictionary<string, string>()));
    }

    private static RelocationCase Offered(string state, string id = "r1", DateOnly? consentOn = null)
    {
        var c = RelocationCase.Submit(id, Facts, Now, "Vwu.Officer", consentOn ?? Today);
        c.StartRound(1, [new AskedState(state, $"cap-{state}", false, 1000)], Now, Now.AddHours(24));
        c.RecordResponse(state, new ResponseCommand(state, OfferDecision.Offer, 3, null, null, null), Now);
        return c;
    }

    private static RelocationCase Accepted(string id, string? commitmentId = null)
    {
        var c = Offered("NOR", id);
        c.RequestAcceptance("NOR", "a1", Now);
        c.CompleteAcceptance("a1", "cap-NOR", commitmentId, Now);
        c.StartPlacementClock(Now.AddDays(7), Now);
        return c;
    }

    private static RelocationCase Arrived(string id)
    {
        var c = Accepted(id);
        c.RecordTravel(TravelStep.Planned, TravelDocuments.Issued, Now);
        c.RecordTravel(TravelStep.Departed, null, Now);
        c.Arrive(Today, Now);
        c.StartReviewClock(Now.AddDays(180), Now);
        return c;
    }

    private static RelocationCase Placed()
    {
        var c = Offered("NOR");
        c.RequestAcceptance("NOR", "a0", Now);
        c.RefuseAcceptance("a0", AcceptanceRefusal.NoCost("NOR"), Now);
        var placed = Arrived("r2");
        placed.RecordReview(ReviewOutcome.Extend, Today, Today.AddDays(30), null, Now);
        placed.AnswerExtension("NOR", ExtensionDecision.Refuse, Now);
        placed.RecordReview(ReviewOutcome.Extend, Today, Today.AddDays(60), null, Now);
        placed.AnswerExtension("NOR", ExtensionDecision.Confirm, Now);
        placed.RecordReview(ReviewOutcome.End, Today, null, null, Now);
        return RelocationCase.Rehydrate("r2", placed.Facts, placed.State, placed.Rounds, placed.Offers, [.. c.Timeline, .. placed.Timeline], null);
    }

    private static RelocationCase CancelledWhileAccepting()
    {
        var c = RelocationCase.Submit("r3", Facts, Now, "Vwu.Officer");
        c.RecordConsent(Today, Now);
        c.StartRound(1, [], Now, Now.AddHours(24));
        c.SendRound(1, [new AskedState("SWE", "cap-SWE", false, 1000)], Now, Now.AddHours(24));
        c.RecordResponse("SWE", new ResponseCommand("SWE", OfferDecision.Offer, 3, null, null, null), Now);
        c.RequestAcceptance("SWE", "b1", Now);
        c.Cancel("The person found another way.", Now);
        return c;
    }

    private static RelocationCase EscalatedWhileAccepting()
    {
        var c = Offered("NOR", "r4");
        c.RequestAcceptance("NOR", "c1", Now);
        c.Escalate(Now);
        return c;
    }

    private static RelocationCase[] WithdrawnAndReRelocated()
    {
        var c = Accepted("r5", "fund-1");
        c.MarkOverdue(Now);
        c.Withdraw("NOR", "no longer safe", Today, "r6", Now);
        return [c, RelocationCase.ReRelocate("r6", c, "NOR", RelocationPriority.Urgent, Now)];
    }

    private static RelocationCase ReRelocatedByReview()
    {
        var c = Arrived("r7");
        c.RecordReview(ReviewOutcome.ReRelocate, Today, null, "r8", Now);
        return c;
    }

    private sealed class ExplanationComparer : IEqualityComparer<CaseExplanation?>
    {
        public static ExplanationComparer Instance { get; } = new();

        public bool Equals(CaseExplanation? x, CaseExplanation? y) =>
            x?.Code == y?.Code && (x?.Args ?? new Dictionary<string, string>()).OrderBy(a => a.Key).SequenceEqual((y?.Args ?? new Dictionary<string, string>()).OrderBy(a => a.Key));

        public int GetHashCode(CaseExplanation? obj) => obj?.Code.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
