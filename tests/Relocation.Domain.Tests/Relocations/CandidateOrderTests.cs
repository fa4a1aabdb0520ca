using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Domain.Tests.Relocations;

public sealed class CandidateOrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(2, 1), new Needs(["fr"], false));

    // v1's order, by raw score: NOR first, TCD (planned and asked first by the round) fourth.
    private static readonly Candidate[] Ranked = [Of("NOR", 1130), Of("SWE", 1120), Of("FIN", 1110), Of("TCD", 1100), Of("MLI", 30)];

    private static Candidate Of(string state, int score) => new(state, $"cap-{state}", score, true, false, [$"score {score}"]);

    private static RelocationCase Asked(params string[] states)
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, states.Select(s => new AskedState(s, $"cap-{s}", false, 1000)).ToArray(), Now, Now.AddHours(24));
        return c;
    }

    private static string[] Codes(IReadOnlyList<OrderedCandidate> order) => order.Select(o => o.Candidate.StateCode).ToArray();

    [Fact]
    public void Arrange_PlannedStateAskedFirstButScoredFourth_AskedStatesFirstInTheOrderAsked()
    {
        var order = CandidateOrder.Arrange(Ranked, Asked("TCD", "SWE"), "TCD");

        Assert.Equal(["TCD", "SWE", "NOR", "FIN", "MLI"], Codes(order));
        Assert.Equal([CandidateStanding.Asked, CandidateStanding.Asked, CandidateStanding.Ranked, CandidateStanding.Ranked, CandidateStanding.Ranked], order.Select(o => o.Standing));
        Assert.Equal(1, order[0].AskedInRound);
        Assert.Null(order[2].AskedInRound);
    }

    [Fact]
    public void Arrange_NoRoundYet_PlannedStateFirstThenByScore()
    {
        var waiting = RelocationCase.Submit("r1", Facts with { Priority = RelocationPriority.Normal }, Now, "Vwu.Officer");

        var order = CandidateOrder.Arrange(Ranked, waiting, "FIN");

        Assert.Equal(["FIN", "NOR", "SWE", "TCD", "MLI"], Codes(order));
        Assert.Equal(CandidateStanding.Planned, order[0].Standing);
    }

    [Fact]
    public void Arrange_PlannedStateNotAskedByTheOpenRound_ComesAfterTheAskedOnes()
    {
        var order = CandidateOrder.Arrange(Ranked, Asked("TCD"), "MLI");

        Assert.Equal(["TCD", "MLI", "NOR", "SWE", "FIN"], Codes(order));
        Assert.Equal(CandidateStanding.Planned, order[1].Standing);
    }

    [Fact]
    public void Arrange_OfferAcceptedAndStateNoLongerRanked_ReceivingStateFirstFromItsRound()
    {
        var c = Asked("SWE", "TCD");
        c.RecordResponse("TCD", new ResponseCommand("TCD", OfferDecision.Offer, 3, null, null, null), Now);
        c.RequestAcceptance("TCD", "acc-1", Now);
        c.CompleteAcceptance("acc-1", "cap-TCD", null, Now);
        var withoutTcd = Ranked.Where(r => r.StateCode != "TCD").ToArray();

        var order = CandidateOrder.Arrange(withoutTcd, c, "NOR");

        Assert.Equal(["TCD", "SWE", "NOR", "FIN", "MLI"], Codes(order));
        Assert.Equal(CandidateStanding.Receiving, order[0].Standing);
        Assert.Equal(1000, order[0].Candidate.Score);
        Assert.Equal(CandidateReasonCode.NoLongerRanked, Assert.Single(order[0].Candidate.Explanations!).Code);
    }

    [Fact]
    public void Arrange_StateAskedInAnEarlierRound_KeepsItsScorePlaceAndNamesTheRound()
    {
        var c = Asked("NOR");
        c.StartRound(2, [new AskedState("TCD", "cap-TCD", false, 1100)], Now.AddHours(25), Now.AddHours(49));

        var order = CandidateOrder.Arrange(Ranked, c, "TCD");

        Assert.Equal(["TCD", "NOR", "SWE", "FIN", "MLI"], Codes(order));
        Assert.Equal(2, order[0].AskedInRound);
        Assert.Equal((CandidateStanding.Ranked, (int?)1), (order[1].Standing, order[1].AskedInRound));
    }
}
