using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

public sealed class CaseloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(2, 1), new Needs(["fr"], false));

    // The round asks the planned State first (RoundSelection); NOR has the higher raw score but its place is planned elsewhere.
    private static RelocationCase AskedPlannedFirst()
    {
        var c = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, [new AskedState("TCD", "cap-TCD", false, 30), new AskedState("NOR", "cap-NOR", false, 1130)], Now, Now.AddHours(24));
        return c;
    }

    [Fact]
    public void From_RoundOpen_NamesTheStateAskedFirstNotTheBestScored()
    {
        var line = CaseloadEntry.From(AskedPlannedFirst());

        Assert.Equal("TCD", line.StateCode);
    }

    [Fact]
    public void From_OfferAccepted_NamesTheReceivingState()
    {
        var c = AskedPlannedFirst();
        c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 3, null, null, null), Now);
        c.RequestAcceptance("NOR", "acc-1", Now);
        c.CompleteAcceptance("acc-1", "cap-NOR", null, Now);

        Assert.Equal("NOR", CaseloadEntry.From(c).StateCode);
    }

    [Fact]
    public void From_LastRoundClosedWithoutAnOffer_NamesNoState()
    {
        var c = AskedPlannedFirst();
        c.Escalate(Now.AddHours(25));

        Assert.Null(CaseloadEntry.From(c).StateCode);
    }
}
