using System.Globalization;

namespace Relocation.Domain.Relocations.Ranking;

/// <summary>
/// What a reason for a candidate's place says, as a code a client can put in its own language; the English text stays
/// the API's reason, so every code here is made next to the text it stands for.
/// </summary>
public enum CandidateReasonCode
{
    AgreementInForce = 1,
    NoAgreement,
    SpeaksLanguages,
    NoLanguageNeeded,
    NoSharedLanguage,
    SameRegion,
    OtherRegion,
    CapacityStale,
    CapacityFresh,
    NeedsFundSupport,
    NoFundSupportNeeded,
    PlacesFree,

    /// <summary>Matching's plan places this relocation with this State (arg <c>priority</c>).</summary>
    PlanPlanned,

    /// <summary>The State is ranked but not in matching's plan.</summary>
    PlanNotInPlan,

    /// <summary>Matching's plan excludes the State: a hard filter fails on every one of its capacities.</summary>
    PlanHardFilter,

    /// <summary>Matching's plan excludes the State: its free places are planned for other requests.</summary>
    PlanTakenByOthers,

    /// <summary>Matching's plan excludes the State: the Special Fund's money is planned for other placements.</summary>
    PlanFundExhausted,

    /// <summary>Matching's plan excludes the State: the planned State is better (or chosen by the tie rules).</summary>
    PlanOutranked,

    /// <summary>Matching's plan excludes the State: its places are kept for expected higher-priority demand.</summary>
    PlanReserved,

    /// <summary>The State's offer was accepted: it receives the person (arg <c>round</c>).</summary>
    Receiving,

    /// <summary>The case's latest round asked this State (args <c>round</c>, <c>position</c>: 1 is asked first).</summary>
    AskedInRound,

    /// <summary>Asked before (args <c>round</c>, <c>score</c> when asked) but no capacity of it fits the register now.</summary>
    NoLongerRanked,
}

/// <summary>One reason for a candidate's place: its code, its arguments (invariant text) and the API's English text.</summary>
public sealed record CandidateReason(CandidateReasonCode Code, string Text, IReadOnlyDictionary<string, string>? Args = null)
{
    public static CandidateReason Of(CandidateReasonCode code, string text) => new(code, text);

    public static CandidateReason Of(CandidateReasonCode code, string text, params (string Name, object Value)[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new(code, text, args.ToDictionary(a => a.Name, a => Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal));
    }

    /// <summary>The line matching's plan adds for the State it places this relocation with.</summary>
    public static CandidateReason Planned(RelocationPriority priority) =>
        Of(CandidateReasonCode.PlanPlanned, $"plan: planned for this relocation ({priority})", ("priority", priority));

    /// <summary>The line for a ranked State that matching's plan neither places nor excludes.</summary>
    public static CandidateReason NotInPlan { get; } = Of(CandidateReasonCode.PlanNotInPlan, "plan: not in the plan");

    /// <summary>The line for the receiving State.</summary>
    public static CandidateReason Receiving(int round) =>
        Of(CandidateReasonCode.Receiving, $"receiving State: its offer (round {round}) was accepted", ("round", round));

    /// <summary>The line for a State the latest round asked, <paramref name="position"/> 1 being the one asked first (the planned one).</summary>
    public static CandidateReason AskedInRound(int round, int position) =>
        Of(CandidateReasonCode.AskedInRound, $"asked in round {round} (position {position})", ("round", round), ("position", position));

    /// <summary>The only line of a State asked before that no longer ranks (its places now held or used, say).</summary>
    public static CandidateReason NoLongerRanked(int round, int score) =>
        Of(CandidateReasonCode.NoLongerRanked, $"asked in round {round} with score {score}; no capacity of it fits today's register (places held or used count as taken)",
            ("round", round), ("score", score));

    /// <summary>The line for a State matching's plan excludes, with the plan's English reason.</summary>
    public static CandidateReason Excluded(CandidateReasonCode code, string reason) => Of(code, $"plan: {reason}");
}
