using Relocation.Domain.Capacities;
using Relocation.Domain.States;

namespace Relocation.Domain.Relocations.Ranking;

/// <summary>What ranking needs to know of a request: no identity, no location.</summary>
public sealed record RankingRequest(RelocationKind Kind, int HouseholdSize, bool NeedsMedicalCare, IReadOnlyList<string> Languages, DateOnly RelocationDueOn, RegionalGroup? PreferredRegion = null);

/// <summary>
/// A ranked State, with the capacity that makes it one and every reason for its place: <paramref name="Reasons"/> in
/// English, <paramref name="Explanations"/> the same reasons in the same order as codes (none for a candidate made elsewhere).
/// </summary>
public sealed record Candidate(string StateCode, string CapacityId, int Score, bool HasAgreement, bool NeedsFundSupport, IReadOnlyList<string> Reasons, IReadOnlyList<CandidateReason>? Explanations = null);

/// <summary>
/// Ranks States for a relocation from their registered capacity. Pure and deterministic: the same inputs always give the
/// same order. Hard filters exclude a capacity; preferences add to its score; each State is represented by its best capacity.
/// </summary>
public static class CandidateRanker
{
    public const int AgreementWeight = 1000;
    public const int LanguageWeight = 100;
    public const int RegionWeight = 50;
    public const int FreshWeight = 30;
    public const int NoFundSupportWeight = 20;

    public static IReadOnlyList<Candidate> Rank(
        RankingRequest request,
        IEnumerable<Capacity> capacities,
        IReadOnlyDictionary<string, State> states,
        IReadOnlySet<string> statesWithAgreementInForce,
        IReadOnlySet<string> alreadyAsked,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(capacities);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(statesWithAgreementInForce);
        ArgumentNullException.ThrowIfNull(alreadyAsked);

        var best = new Dictionary<string, (Candidate Candidate, int Free)>(StringComparer.Ordinal);
        foreach (var capacity in capacities)
        {
            if (!Fits(request, capacity, alreadyAsked))
            {
                continue;
            }

            var candidate = Score(request, capacity, states.GetValueOrDefault(capacity.StateCode), statesWithAgreementInForce.Contains(capacity.StateCode), now);
            if (!best.TryGetValue(capacity.StateCode, out var current) || Better(candidate, capacity.Free, current.Candidate, current.Free))
            {
                best[capacity.StateCode] = (candidate, capacity.Free);
            }
        }

        return best.Values
            .OrderByDescending(c => c.Candidate.Score)
            .ThenByDescending(c => c.Free)
            .ThenBy(c => c.Candidate.StateCode, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .ToArray();
    }

    /// <summary>
    /// Which States a round asks: round 1 the best <paramref name="roundSize"/> with an agreement in force (the best
    /// overall when none has one: an emergency never waits for paperwork); later rounds the next best, with or without.
    /// </summary>
    public static IReadOnlyList<Candidate> SelectRound(IReadOnlyList<Candidate> ranked, int round, int roundSize)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        if (round == 1)
        {
            var withAgreement = ranked.Where(c => c.HasAgreement).Take(roundSize).ToArray();
            return withAgreement.Length > 0 ? withAgreement : ranked.Take(roundSize).ToArray();
        }

        return ranked.Take(roundSize).ToArray();
    }

    /// <summary>The hard filters; a capacity that fails one is not a candidate at all.</summary>
    public static bool Fits(RankingRequest request, Capacity capacity, IReadOnlySet<string> alreadyAsked)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(capacity);
        ArgumentNullException.ThrowIfNull(alreadyAsked);
        var terms = capacity.Terms;
        return terms.Kinds.Contains(request.Kind)
            && capacity.Free >= request.HouseholdSize
            && terms.MaxHouseholdSize >= request.HouseholdSize
            && (!request.NeedsMedicalCare || terms.MedicalCare)
            // The place must be open by the date the person must be moved, and still open then.
            && terms.AvailableFrom <= request.RelocationDueOn
            && terms.AvailableUntil >= request.RelocationDueOn
            && !alreadyAsked.Contains(capacity.StateCode);
    }

    private static Candidate Score(RankingRequest request, Capacity capacity, State? state, bool hasAgreement, DateTimeOffset now)
    {
        var reasons = new List<CandidateReason>();
        var score = 0;
        if (hasAgreement)
        {
            score += AgreementWeight;
            reasons.Add(CandidateReason.Of(CandidateReasonCode.AgreementInForce, "agreement of the right type in force"));
        }
        else
        {
            reasons.Add(CandidateReason.Of(CandidateReasonCode.NoAgreement, "no agreement in force: ad hoc request"));
        }

        var shared = request.Languages.Where(l => capacity.Terms.Languages.Contains(l) || (state?.Languages.Contains(l) ?? false)).ToArray();
        if (request.Languages.Count == 0 || shared.Length > 0)
        {
            score += LanguageWeight;
            reasons.Add(shared.Length > 0
                ? CandidateReason.Of(CandidateReasonCode.SpeaksLanguages, $"speaks {string.Join(", ", shared)}", ("languages", string.Join(", ", shared)))
                : CandidateReason.Of(CandidateReasonCode.NoLanguageNeeded, "no language needed"));
        }
        else
        {
            reasons.Add(CandidateReason.Of(CandidateReasonCode.NoSharedLanguage, "no shared language"));
        }

        if (request.PreferredRegion is { } region)
        {
            if (state?.Region == region)
            {
                score += RegionWeight;
                reasons.Add(CandidateReason.Of(CandidateReasonCode.SameRegion, $"same regional group ({region})", ("region", region)));
            }
            else
            {
                reasons.Add(CandidateReason.Of(CandidateReasonCode.OtherRegion, "other regional group"));
            }
        }

        if (capacity.IsStale(now))
        {
            var confirmedOn = capacity.ConfirmedAt.ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture);
            reasons.Add(CandidateReason.Of(CandidateReasonCode.CapacityStale, $"capacity not reconfirmed since {confirmedOn} (stale)", ("confirmedOn", confirmedOn)));
        }
        else
        {
            score += FreshWeight;
            reasons.Add(CandidateReason.Of(CandidateReasonCode.CapacityFresh, "capacity reconfirmed within 90 days"));
        }

        if (capacity.Terms.NeedsFundSupport)
        {
            reasons.Add(CandidateReason.Of(CandidateReasonCode.NeedsFundSupport, "needs Special Fund support"));
        }
        else
        {
            score += NoFundSupportWeight;
            reasons.Add(CandidateReason.Of(CandidateReasonCode.NoFundSupportNeeded, "no Special Fund support needed"));
        }

        reasons.Add(CandidateReason.Of(
            CandidateReasonCode.PlacesFree,
            $"{capacity.Free} place(s) free for a household of {request.HouseholdSize}",
            ("free", capacity.Free),
            ("householdSize", request.HouseholdSize)));
        return new Candidate(capacity.StateCode, capacity.Id, score, hasAgreement, capacity.Terms.NeedsFundSupport, reasons.Select(r => r.Text).ToArray(), reasons);
    }

    private static bool Better(Candidate candidate, int free, Candidate current, int currentFree) =>
        candidate.Score > current.Score
        || (candidate.Score == current.Score && free > currentFree)
        || (candidate.Score == current.Score && free == currentFree && string.CompareOrdinal(candidate.CapacityId, current.CapacityId) < 0);
}
