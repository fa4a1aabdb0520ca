using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Matching.Tests;

public sealed class RoundSelectionTests
{
    private static Candidate C(string state, int score, bool agreement = false) => new(state, "cap-" + state, score, agreement, false, ["r"]);

    private static Placement P(string? state, params Exclusion[] excluded) =>
        new("1", "W-1", RelocationPriority.Emergency, state, state is null ? null : "planned-" + state, 0, [], excluded);

    [Fact]
    public void Select_PlannedState_FirstOnThePlannedRowThenNextBestUnblocked()
    {
        var ranked = new[] { C("NOR", 300), C("SWE", 200), C("FIN", 100), C("DNK", 50) };
        var placement = P("FIN", new Exclusion("NOR", ExclusionKind.TakenByOthers, "its one place went to W-2, Emergency"), new Exclusion("SWE", ExclusionKind.Outranked, "x"));

        var chosen = RoundSelection.Select(ranked, placement, round: 2, roundSize: 3);

        Assert.Equal(["FIN", "SWE", "DNK"], chosen.Select(c => c.StateCode));
        Assert.Equal("planned-FIN", chosen[0].CapacityId);
    }

    [Fact]
    public void Select_NotPlacedAndEveryStateBlocked_AsksAsV1RatherThanNobody()
    {
        var chosen = RoundSelection.Select([C("NOR", 300), C("SWE", 200)], P(null, new Exclusion("NOR", ExclusionKind.TakenByOthers, "its one place went to W-2, Emergency"), new Exclusion("SWE", ExclusionKind.FundExhausted, "fund")), round: 1, roundSize: 3);

        Assert.Equal(["NOR", "SWE"], chosen.Select(c => c.StateCode));
    }

    [Fact]
    public void Select_NotPlacedAndOneStateUnblocked_AsksOnlyThatOne()
    {
        var chosen = RoundSelection.Select([C("NOR", 300), C("SWE", 200)], P(null, new Exclusion("NOR", ExclusionKind.TakenByOthers, "its one place went to W-2, Emergency")), round: 1, roundSize: 3);

        Assert.Equal(["SWE"], chosen.Select(c => c.StateCode));
    }

    [Fact]
    public void Select_NotPlacedAndOnlyReservedStatesLeft_AsksNobodyRatherThanUndoTheReservation()
    {
        var chosen = RoundSelection.Select([C("NOR", 300), C("SWE", 200)], P(null,
            new Exclusion("NOR", ExclusionKind.Reserved, "its one place kept for expected Emergency requests (forecast)"),
            new Exclusion("SWE", ExclusionKind.TakenByOthers, "its one place went to W-2, Emergency")), round: 1, roundSize: 3);

        Assert.Equal(["SWE"], chosen.Select(c => c.StateCode));
    }
}
