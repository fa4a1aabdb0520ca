using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;

namespace Relocation.Matching;

/// <summary>
/// One open request as the planner sees it: the ranking's view of its needs, its priority and pseudonym (explanations
/// name other requests by pseudonym only), and the States it must not go to, each with why (already asked in an earlier
/// round, withdrew from this person).
/// </summary>
public sealed record PlanRequest(
    string Id,
    string Pseudonym,
    RelocationPriority Priority,
    RankingRequest Need,
    DateTimeOffset SubmittedAt,
    IReadOnlyDictionary<string, string>? ExcludedStates = null)
{
    /// <summary>
    /// The request can wait for a later round (it is not in its last one): with <see cref="PlanningInput.Reserves"/>, a
    /// waiting Normal or Urgent request does not take a place kept for expected Emergencies. False (the default): never held back.
    /// </summary>
    public bool MayWait { get; init; }
}

/// <summary>
/// Places of a scarce kind kept for expected Emergency demand (scarcity-aware protection): the rows with medical care
/// (when <see cref="MedicalCare"/>) taking households of at least <see cref="MinHousehold"/>; <see cref="Places"/> of
/// their free places are kept from Normal and Urgent requests that may wait (<see cref="PlanRequest.MayWait"/>). They are
/// planned later or elsewhere; in their last round they may take the place. Emergencies are never held back.
/// </summary>
public sealed record ScarceReserve(string Name, bool MedicalCare, int MinHousehold, int Places);

/// <summary>
/// Everything one plan is made from. <see cref="FundAvailableEurMinor"/> null means the Special Fund is not a constraint
/// (costs not known yet); otherwise the estimated costs of the placements on capacities that need fund support must fit in
/// it. <see cref="EstimatedCostEurMinor"/> is per capacity id and placement; a fund-supported capacity without one costs
/// <see cref="DefaultCostEurMinor"/>.
/// </summary>
public sealed record PlanningInput(
    IReadOnlyList<PlanRequest> Requests,
    IReadOnlyList<Capacity> Capacities,
    IReadOnlyDictionary<string, State> States,
    IReadOnlyDictionary<RelocationKind, IReadOnlySet<string>> StatesWithAgreementInForce,
    DateTimeOffset Now,
    long? FundAvailableEurMinor = null,
    IReadOnlyDictionary<string, long>? EstimatedCostEurMinor = null,
    long DefaultCostEurMinor = 0)
{
    /// <summary>
    /// Expected demand (forecast): requests like those that arrived recently, re-timed into the coming weeks. They take
    /// places in the plan like real requests — each just below the real requests of its priority, above every real request
    /// of a lower one — but are never placements: a place planned for one is kept (reserved) from lower priorities, so a
    /// Normal or Urgent request does not take the last medical-care place an Emergency is likely to need next month. Their
    /// count bounds the reservation. Null or empty: no reservation (docs/matching.md, "Reservation").
    /// </summary>
    public IReadOnlyList<PlanRequest>? Forecast { get; init; }

    /// <summary>Scarce places kept for expected Emergencies (<see cref="ScarceReserve"/>). Null or empty: none kept.</summary>
    public IReadOnlyList<ScarceReserve>? Reserves { get; init; }
}

/// <summary>How hard the solver may try. Deterministic by default: one worker, a fixed seed and a deterministic time budget.</summary>
public sealed record PlannerOptions
{
    public int Workers { get; init; } = 1;

    public int Seed { get; init; }

    /// <summary>CP-SAT's deterministic time (reproducible work units, about seconds), per stage.</summary>
    public double DeterministicSeconds { get; init; } = 2.0;

    /// <summary>
    /// A wall-clock cap on the whole call (input, model, both stages, plan), so a loaded machine cannot stall a round; the
    /// solver gets 90 % of it minus what the input and model took, and the greedy plan is returned when nothing is left.
    /// CP-SAT may still return a little after its limit on a CPU-starved machine (bench/README.md).
    /// </summary>
    public double WallClockSeconds { get; init; } = 5.0;

    /// <summary>Request-row pairs the model may have; above it, fewer rows per request are kept (never fewer than 5).</summary>
    public int MaxPairs { get; init; } = 20_000;

    /// <summary>More CP-SAT parameters, each starting with a comma (",cp_model_presolve:false"): for benchmarks and tuning.</summary>
    public string ExtraParameters { get; init; } = string.Empty;

    /// <summary>Feasible capacity rows kept per request, best fit first (the greedy choice is always kept).</summary>
    public int MaxRowsPerRequest { get; init; } = 40;

    /// <summary>Explanations per request and excluded State; benchmarks of very large sets turn them off.</summary>
    public bool Explain { get; init; } = true;

    /// <summary>
    /// When no constraint binds (every request's own best row has room for all who pick it, and no State's share can be
    /// lower), the optimum is known without CP-SAT, and the solver is not run (docs/matching.md). Off: always solve (tests
    /// compare the two).
    /// </summary>
    public bool SkipSolverWhenUncontended { get; init; } = true;

    /// <summary>
    /// A real request wins every tie against a forecast copy (docs/matching.md, objective). Off: one tie rank for all, as
    /// before 2026-11-30 — only for the simulation to measure what the rule changes.
    /// </summary>
    public bool RealRequestsWinTies { get; init; } = true;
}

/// <summary>How the plan was reached.</summary>
public enum PlanOutcome
{
    /// <summary>Nothing to solve: no open request.</summary>
    Trivial = 1,

    /// <summary>CP-SAT proved both stages optimal.</summary>
    Optimal,

    /// <summary>CP-SAT found a plan at least as good as greedy but did not prove it optimal in time.</summary>
    Feasible,

    /// <summary>CP-SAT found nothing better in time: the greedy v1 plan is used.</summary>
    GreedyFallback,
}

/// <summary>Why a State is not the one planned for a request.</summary>
public enum ExclusionKind
{
    /// <summary>A hard filter fails on every capacity row of the State (or it is excluded for this person).</summary>
    HardFilter = 1,

    /// <summary>It would fit, but its free places are planned for other requests.</summary>
    TakenByOthers,

    /// <summary>It would fit, but the Special Fund's available money is planned for other placements.</summary>
    FundExhausted,

    /// <summary>It fits and has room: the planned State is simply better (or equal and chosen by the tie rules).</summary>
    Outranked,

    /// <summary>It would fit, but its free places are kept for expected higher-priority demand (the forecast).</summary>
    Reserved,
}

/// <summary>A State not planned for a request, and the one reason that binds.</summary>
public sealed record Exclusion(string StateCode, ExclusionKind Kind, string Reason)
{
    /// <summary>Asking this State now would compete with another request's plan.</summary>
    public bool Blocks => Kind is ExclusionKind.TakenByOthers or ExclusionKind.FundExhausted or ExclusionKind.Reserved;

    /// <summary>The reason as a candidate's plan line: a code a client can word in its language, and the English text.</summary>
    public CandidateReason AsCandidateReason() => CandidateReason.Excluded(
        Kind switch
        {
            ExclusionKind.HardFilter => CandidateReasonCode.PlanHardFilter,
            ExclusionKind.TakenByOthers => CandidateReasonCode.PlanTakenByOthers,
            ExclusionKind.FundExhausted => CandidateReasonCode.PlanFundExhausted,
            ExclusionKind.Reserved => CandidateReasonCode.PlanReserved,
            ExclusionKind.Outranked => CandidateReasonCode.PlanOutranked,
            _ => throw new InvalidOperationException($"Exclusion kind {Kind} has no candidate reason code."),
        },
        Reason);
}

/// <summary>One request's place in the plan (or none) and why.</summary>
public sealed record Placement(
    string RequestId,
    string Pseudonym,
    RelocationPriority Priority,
    string? StateCode,
    string? CapacityId,
    int Fit,
    IReadOnlyList<string> Why,
    IReadOnlyList<Exclusion> Excluded)
{
    public bool IsPlaced => CapacityId is not null;
}

/// <summary>The plan for the whole open set.</summary>
public sealed record Plan(IReadOnlyList<Placement> Placements, PlanOutcome Outcome, long PriorityValue, long FitValue, TimeSpan SolveTime)
{
    /// <summary>Of <see cref="SolveTime"/>, the time spent inside CP-SAT (both stages).</summary>
    public TimeSpan SolverTime { get; init; }

    public Placement For(string requestId) => Placements.First(p => p.RequestId == requestId);
}
