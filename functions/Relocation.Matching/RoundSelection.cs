using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Matching;

/// <summary>
/// Which States a round asks once the open set is planned: the State planned for this request first (on the planned
/// capacity row), then the v1 ranking's next best — but never a State whose places (or the Fund's money) are planned for
/// another open request, so that two requests do not compete for one place. When the plan places the request nowhere and
/// every ranked State is planned for others, the round asks nobody and the next one re-plans.
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
            return CandidateRanker.SelectRound(rest, round, roundSize);
        }

        return [planned with { CapacityId = placement.CapacityId! }, .. CandidateRanker.SelectRound(rest, round, roundSize - 1)];
    }
}
