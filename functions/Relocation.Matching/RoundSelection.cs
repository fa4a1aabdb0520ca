using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Matching;

/// <summary>
/// Which States a round asks once the open set is planned: the State planned for this request first (on the planned
/// capacity row), then the v1 ranking's next best — but never a State whose places (or the Fund's money) are planned for
/// another open request, so that two requests do not compete for one place. When the plan places the request nowhere and
/// that leaves nobody to ask, the round asks as v1 would: a round that asks nobody ends at once, and three of them
/// escalate an Emergency within minutes, while a planned placement can still fall through (a State declines, a case is
/// cancelled) and acceptance never holds more than the places registered (50 Emergencies for one State's 10 places:
/// all 50 asked, 10 held, 40 refused with the reason) — except States whose places the plan keeps for expected
/// higher-priority demand (<see cref="ExclusionKind.Reserved"/>).
/// </summary>
public static class RoundSelection
{
    public static IReadOnlyList<Candidate> Select(IReadOnlyList<Candidate> ranked, Placement placement, int round, int roundSize)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(placement);
        var blocked = placement.Excluded.Where(e => e.Blocks).Select(e => e.StateCode).ToHashSet(StringComparer.Ordinal);
        var planned = placement.StateCode is { } code ? ranked.FirstOrDefault(c => c.StateCode == code) : null;
        var rest = ranked.Where(c => c.StateCode != planned?.StateCode && !blocked.Contains(c.StateCode)).ToArray();
        if (planned is null)
        {
            // The fallback never asks a State whose places are kept for expected higher-priority demand: that would undo
            // the reservation (a forecast never keeps a place from a real request of its own priority or above).
            var reserved = placement.Excluded.Where(e => e.Kind == ExclusionKind.Reserved).Select(e => e.StateCode).ToHashSet(StringComparer.Ordinal);
            var unblocked = CandidateRanker.SelectRound(rest, round, roundSize);
            return unblocked.Count > 0 ? unblocked : CandidateRanker.SelectRound(ranked.Where(c => !reserved.Contains(c.StateCode)).ToArray(), round, roundSize);
        }

        return [planned with { CapacityId = placement.CapacityId! }, .. CandidateRanker.SelectRound(rest, round, roundSize - 1)];
    }
}
