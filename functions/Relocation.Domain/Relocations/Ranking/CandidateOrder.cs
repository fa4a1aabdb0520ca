namespace Relocation.Domain.Relocations.Ranking;

/// <summary>Where a State stands for one relocation, which sets its place in the candidates' list.</summary>
public enum CandidateStanding
{
    /// <summary>Its offer was accepted: the receiving State.</summary>
    Receiving = 1,

    /// <summary>Asked in the case's latest round (the planned State first, as the round asked them).</summary>
    Asked,

    /// <summary>Planned for this relocation by the current plan, not asked yet.</summary>
    Planned,

    /// <summary>Any other ranked State, in the v1 ranking's order.</summary>
    Ranked,
}

/// <summary>A candidate in the list's order, with its standing and the latest round that asked it (none if never asked).</summary>
public sealed record OrderedCandidate(Candidate Candidate, CandidateStanding Standing, int? AskedInRound);

/// <summary>
/// The order an officer reads the candidates in: one story with what the workflow did. The v1 ranking orders by raw score,
/// but the round asks the State matching's plan chose first (<c>RoundSelection</c>), which need not be the best-scored one
/// (that State's place may be planned for another case, or another State fits the plan better): listed by score, the State
/// actually asked showed fourth under a first one whose reason named it. So: the receiving State, then the latest round's
/// States in the order asked, then the State planned now if it was not asked, then the rest by score.
/// </summary>
public static class CandidateOrder
{
    public static IReadOnlyList<OrderedCandidate> Arrange(IReadOnlyList<Candidate> ranked, RelocationCase relocation, string? plannedStateCode)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relocation);
        var byState = ranked.DistinctBy(c => c.StateCode).ToDictionary(c => c.StateCode, StringComparer.Ordinal);
        var lastAsked = new Dictionary<string, (int Round, AskedState Asked)>(StringComparer.Ordinal);
        foreach (var round in relocation.Rounds)
        {
            foreach (var asked in round.Asked)
            {
                lastAsked[asked.StateCode] = (round.Number, asked);
            }
        }

        var order = new List<OrderedCandidate>(ranked.Count + 1);
        var listed = new HashSet<string>(StringComparer.Ordinal);

        // A State asked before keeps its place in the story even when it no longer ranks (the receiving State's places
        // are held for this very case, so it often fits nothing now): its score is the one it was asked with.
        void Add(string code, CandidateStanding standing)
        {
            var known = lastAsked.TryGetValue(code, out var a) ? a : ((int Round, AskedState Asked)?)null;
            var candidate = byState.GetValueOrDefault(code) ?? (known is { } k && standing != CandidateStanding.Ranked ? NoLongerRanked(k.Round, k.Asked) : null);
            if (candidate is not null && listed.Add(code))
            {
                order.Add(new OrderedCandidate(candidate, standing, known?.Round));
            }
        }

        if (relocation.State.Accepted is { } accepted)
        {
            Add(accepted.StateCode, CandidateStanding.Receiving);
        }

        foreach (var asked in relocation.CurrentRound?.Asked ?? [])
        {
            Add(asked.StateCode, CandidateStanding.Asked);
        }

        if (plannedStateCode is not null)
        {
            Add(plannedStateCode, CandidateStanding.Planned);
        }

        foreach (var candidate in ranked)
        {
            Add(candidate.StateCode, CandidateStanding.Ranked);
        }

        return order;
    }

    /// <summary>
    /// The line an officer reads beside a State's plan line: why it stands where it does (receiving, or asked and when),
    /// or null when its plan line says it all.
    /// </summary>
    public static CandidateReason? StandingReason(OrderedCandidate candidate, RelocationCase relocation)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(relocation);
        return candidate.Standing switch
        {
            CandidateStanding.Receiving => CandidateReason.Receiving(candidate.AskedInRound ?? 0),
            CandidateStanding.Asked when relocation.CurrentRound is { } round =>
                CandidateReason.AskedInRound(round.Number, round.Asked.Select(a => a.StateCode).ToList().IndexOf(candidate.Candidate.StateCode) + 1),
            _ => null,
        };
    }

    private static Candidate NoLongerRanked(int round, AskedState asked)
    {
        var reason = CandidateReason.NoLongerRanked(round, asked.Score);
        return new Candidate(asked.StateCode, asked.CapacityId, asked.Score, HasAgreement: false, asked.NeedsFundSupport, [reason.Text], [reason]);
    }
}
