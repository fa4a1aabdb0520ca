using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Matching;

namespace Relocation.Workflows.Relocations;

/// <summary>What planning the open set gives one case: its v1 ranking, its place in the plan, and the plan.</summary>
public sealed record CasePlan(IReadOnlyList<Candidate> Ranked, Placement Placement, Plan Plan)
{
    /// <summary>Where the plan's time went (the round-opening log prints it; the load driver reads that log).</summary>
    public PlanTimings Timings { get; init; } = PlanTimings.None;
}

/// <summary>
/// Where one plan of the open set spent its time: waiting for the plan before it (<see cref="RoundPlanBatcher"/>),
/// reading the open cases, reading the candidate snapshot, solving; how many cases it planned and for how many rounds.
/// </summary>
public sealed record PlanTimings(TimeSpan Waited, TimeSpan ReadOpen, TimeSpan ReadCandidates, TimeSpan Solve, int OpenSet, int Batch)
{
    public static readonly PlanTimings None = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, 0, 0);

    /// <summary>Making the reservation's forecast (listing and reading the past Emergencies).</summary>
    public TimeSpan Forecast { get; init; }

    /// <summary>Of <see cref="Solve"/>, the time inside CP-SAT (zero when the plan is known without it).</summary>
    public TimeSpan CpSat { get; init; }

    /// <summary>Of <see cref="Solve"/>, writing the plan's explanations (after the assignment is known).</summary>
    public TimeSpan Explain { get; init; }

    /// <summary>Ranking each subject (v1) on the snapshot, after the plan.</summary>
    public TimeSpan Rank { get; init; }
}

/// <summary>
/// Matching v2 in the workflow: plans the whole open set (every Submitted or AwaitingOffers case, read from the caseload
/// index's open partition and point-read, never a scan of the case table) on the registered capacity, and gives one case
/// its ranking and its place in that plan. Used when a round opens and by the candidates route.
/// </summary>
public sealed class RoundPlanning(
    IRelocationRepository relocations,
    ICandidateData candidates,
    ICaseloadIndex? caseload = null,
    Microsoft.Extensions.Options.IOptions<RelocationWorkflowOptions>? options = null)
{
    /// <summary>More open cases than the Court has ever had at once; beyond it the nearest deadlines are planned.</summary>
    public const int MaxOpenSet = 500;

    /// <summary>A round opening waits at most this long for the solver; the greedy plan is used after it.</summary>
    public static readonly PlannerOptions Options = new() { Workers = 1, DeterministicSeconds = 2.0, WallClockSeconds = 5.0 };

    /// <summary>The least budget a plan gets however large the open set (CP-SAT still improves on the greedy hint).</summary>
    public static readonly PlannerOptions SurgeFloor = Options with { DeterministicSeconds = 0.2, WallClockSeconds = 0.5 };

    /// <summary>Up to this many open cases a plan gets the whole <see cref="Options"/> budget.</summary>
    public const int FullBudgetOpenSet = 5;

    /// <summary>
    /// The solver's budget for a plan of <paramref name="openSet"/> cases: <see cref="Options"/> up to
    /// <see cref="FullBudgetOpenSet"/>, then shrinking as the open set grows, never below <see cref="SurgeFloor"/>.
    /// A large open set is a surge: every case in it that has no round yet is waiting for a plan, and all of them wait
    /// for this one. Measured at 50 Emergency requests at once (load 20): the first request's plan already held all 50
    /// (the others were written, Submitted) and took the whole 5 s wall cap, for a plan whose greedy hint placed every
    /// one of them; the other 49 waited those 5 s. The plan is never worse than the greedy hint in placements
    /// (docs/matching.md); the next plan, once the surge has passed, has the full budget again.
    /// </summary>
    public static PlannerOptions OptionsFor(int openSet) => openSet <= FullBudgetOpenSet
        ? Options
        : Options with
        {
            DeterministicSeconds = Math.Max(SurgeFloor.DeterministicSeconds, Options.DeterministicSeconds * FullBudgetOpenSet / openSet),
            WallClockSeconds = Math.Max(SurgeFloor.WallClockSeconds, Options.WallClockSeconds * FullBudgetOpenSet / openSet),
        };

    /// <summary>
    /// Plans the open set with <paramref name="subject"/> in it. <paramref name="opening"/>: the subject is about to open
    /// a round, so every State it asked before is excluded (and left out of its ranking); otherwise only closed rounds'.
    /// </summary>
    public async Task<CasePlan> PlanAsync(RelocationCase subject, DateTimeOffset now, bool opening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return (await PlanEachAsync([subject], now, opening, cancellationToken))[0];
    }

    /// <summary>
    /// One plan of the open set for several subjects at once (rounds opening together, see <see cref="RoundPlanBatcher"/>),
    /// and each subject's ranking and place in it, in the order given.
    /// </summary>
    public Task<IReadOnlyList<CasePlan>> PlanEachAsync(IReadOnlyList<RelocationCase> subjects, DateTimeOffset now, bool opening, CancellationToken cancellationToken) =>
        PlanEachAsync(subjects, [], now, opening, cancellationToken);

    /// <summary>
    /// The same, with <paramref name="alsoOpen"/>: cases planned before whose round is not on their row yet (nor, for a
    /// request's first round, the row itself). Each is planned as the open case it is unless its row was read.
    /// </summary>
    public async Task<IReadOnlyList<CasePlan>> PlanEachAsync(IReadOnlyList<RelocationCase> subjects, IReadOnlyCollection<RelocationCase> alsoOpen, DateTimeOffset now, bool opening,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(alsoOpen);
        var (plan, context, timings) = await PlanTimedAsync(subjects, alsoOpen, now, opening, cancellationToken);
        var ranking = System.Diagnostics.Stopwatch.StartNew();
        var plans = subjects.Select(subject =>
        {
            var asked = (opening ? subject.Rounds.SelectMany(r => r.Asked).Select(a => a.StateCode) : [])
                .Concat(subject.State.ExcludedStates ?? []).ToHashSet(StringComparer.Ordinal);
            var ranked = CandidateRanker.Rank(CaseUpdates.RankingRequestFor(subject), context.Capacities, context.States, context.StatesWithAgreementInForce[subject.Facts.Kind], asked, now);
            return new CasePlan(ranked, plan.For(subject.Id), plan) { Timings = timings };
        }).ToArray();
        var rank = ranking.Elapsed;
        return plans.Select(p => p with { Timings = p.Timings with { Rank = rank } }).ToArray();
    }

    /// <summary>The plan of every open case (and of <paramref name="subject"/>, when given), with what it was made from.</summary>
    public Task<(Plan Plan, PlanningInput Input)> PlanOpenSetAsync(RelocationCase? subject, DateTimeOffset now, bool opening, CancellationToken cancellationToken) =>
        PlanOpenSetWithAsync(subject is null ? [] : [subject], now, opening, cancellationToken);

    /// <summary>The plan of every open case and of <paramref name="subjects"/>, with what it was made from.</summary>
    public async Task<(Plan Plan, PlanningInput Input)> PlanOpenSetWithAsync(IReadOnlyList<RelocationCase> subjects, DateTimeOffset now, bool opening, CancellationToken cancellationToken)
    {
        var (plan, input, _) = await PlanTimedAsync(subjects, [], now, opening, cancellationToken);
        return (plan, input);
    }

    private async Task<(Plan Plan, PlanningInput Input, PlanTimings Timings)> PlanTimedAsync(IReadOnlyList<RelocationCase> subjects, IReadOnlyCollection<RelocationCase> alsoOpen,
        DateTimeOffset now, bool opening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The three reads need nothing of each other: side by side. One after the other they were most of a case alone's
        // plan, the forecast's listing the largest part (bench/README.md, "A case alone").
        var openRead = Timed(OpenCasesAsync(subjects, alsoOpen, now, cancellationToken));
        var dataRead = Timed(candidates.ReadAsync(cancellationToken));
        var pastRead = Timed(ClosedEmergenciesAsync(now, cancellationToken));
        await Task.WhenAll(openRead, dataRead, pastRead);
        var (open, readOpen) = await openRead;
        var (data, readCandidates) = await dataRead;
        var (closedPast, forecastRead) = await pastRead;
        var allStates = data.States.ToDictionary(s => s.Code, StringComparer.Ordinal);
        var byKind = Enum.GetValues<RelocationKind>().ToDictionary(k => k, k => data.InForce(TypeFor(k)));
        var rows = data.Capacities;
        var opened = subjects.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var requests = open.Select(c => ToPlanRequest(c, opening && opened.Contains(c.Id))).ToArray();
        var input = new PlanningInput(requests, rows, allStates, byKind, now) { Forecast = Forecast(open, closedPast, now) };
        var solveStarted = clock.Elapsed;
        var plan = Planner.Solve(input, OptionsFor(requests.Length));
        var solve = clock.Elapsed - solveStarted;
        return (plan, input, new PlanTimings(TimeSpan.Zero, readOpen, readCandidates, solve, requests.Length, subjects.Count)
        {
            Forecast = forecastRead,
            CpSat = plan.SolverTime,
            Explain = solve - plan.SolveTime,
        });
    }

    private static async Task<(T Value, TimeSpan Took)> Timed<T>(Task<T> read)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var value = await read;
        return (value, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// The reservation's expected Emergencies (<see cref="RelocationWorkflowOptions.ReserveForExpectedEmergencies"/>), made
    /// from the Emergency requests submitted in the history window: the open ones are already read, the closed ones come
    /// from <see cref="ClosedEmergenciesAsync"/>. Null when off.
    /// </summary>
    private IReadOnlyList<PlanRequest>? Forecast(List<RelocationCase> open, IReadOnlyList<PlanRequest>? closed, DateTimeOffset now)
    {
        if (options?.Value.Reservation is not { } model || caseload is null || closed is null)
        {
            return null;
        }

        var from = now.AddDays(-model.HistoryDays);
        var emergencies = open.Where(c => c.Facts.Priority == RelocationPriority.Emergency).Select(c => (c.Id, Request: ToPlanRequest(c, opening: false))).ToArray();
        // Remembered now, while open: when such a case has closed, the forecast of a later plan here needs no read of it.
        foreach (var (id, request) in emergencies)
        {
            Remember(id, request);
        }

        var past = emergencies.Select(e => e.Request).Where(r => r.SubmittedAt >= from && r.SubmittedAt < now).ToList();
        var known = open.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        past.AddRange(closed.Where(c => !known.Contains(c.Id)));
        return model.Expected(past, now, "forecast");
    }

    /// <summary>
    /// The closed Emergency requests of the forecast's history window: their caseload lines (one query of the window, see
    /// <see cref="ICaseloadIndex.ClosedLinesAsync"/>), each case point-read unless this process read it before (as a
    /// closed case here, or while it was open, in a plan's open set: so a case planned here is never read for this). What the
    /// forecast takes of a case (its id, priority, submission time and needs) never changes after its submission
    /// (<see cref="RelocationCase.Facts"/> are fixed), so a case read once is never read again; Emergencies are rare (tens a
    /// year), so the memory is a few hundred small entries at most. Null when the reservation is off.
    /// </summary>
    private async Task<IReadOnlyList<PlanRequest>?> ClosedEmergenciesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (options?.Value.Reservation is not { } model || caseload is null)
        {
            return null;
        }

        var lines = await caseload.ClosedLinesAsync(RelocationPriority.Emergency, now.AddDays(-model.HistoryDays), now, MaxOpenSet, cancellationToken);
        var result = new PlanRequest?[lines.Count];
        var missing = new List<int>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (_pastEmergencies.TryGetValue(lines[i].Id, out var known))
            {
                result[i] = known;
            }
            else
            {
                missing.Add(i);
            }
        }

        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                if (await relocations.FindAsync(lines[i].Id, ct) is { } c)
                {
                    var request = ToPlanRequest(c, opening: false);
                    result[i] = request;
                    if (c.Facts.Priority == RelocationPriority.Emergency)
                    {
                        Remember(c.Id, request);
                    }
                }
            });
        return result.OfType<PlanRequest>().ToArray();
    }

    private void Remember(string id, PlanRequest request)
    {
        if (_pastEmergencies.Count >= RememberedPast && !_pastEmergencies.ContainsKey(id))
        {
            _pastEmergencies.Clear();
        }

        _pastEmergencies.TryAdd(id, request);
    }

    /// <summary>Past Emergencies remembered for the forecast; beyond it the memory starts again (years of the Court's Emergencies).</summary>
    public const int RememberedPast = 2_000;

    /// <summary>What the forecast took of each past Emergency read (fixed at submission), by case id.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PlanRequest> _pastEmergencies = new(StringComparer.Ordinal);

    /// <summary>How many open cases are point-read at once while planning.</summary>
    public const int ParallelReads = 16;

    /// <summary>
    /// The open cases, the subjects first; each index line point-read so the facts are the case row's (an index line can
    /// lag its row: the row is the truth). The reads do not depend on each other, so they run side by side: read one
    /// after the other, 49 open cases took 433 ms of a surge's plan at load 20 (bench/README.md, Load). A case of
    /// <paramref name="alsoOpen"/> (planned before, its round or its row not written yet) is planned as given unless
    /// its row was read.
    /// </summary>
    private async Task<List<RelocationCase>> OpenCasesAsync(IReadOnlyList<RelocationCase> subjects, IReadOnlyCollection<RelocationCase> alsoOpen, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var open = subjects.ToList();
        var given = subjects.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        if (caseload is null)
        {
            return open;
        }

        var ids = (await caseload.WaitingIdsAsync(MaxOpenSet, now, cancellationToken)).Where(id => !given.Contains(id)).ToArray();
        var read = new RelocationCase?[ids.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Length), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, ct) => read[i] = await relocations.FindAsync(ids[i], ct));
        // In index order (AwaitingOffers, then Submitted; nearest deadline first), so beyond MaxOpenSet the nearest are kept.
        var rows = read.Where(c => c is { Status: RelocationStatus.AwaitingOffers or RelocationStatus.Submitted }).Select(c => c!).DistinctBy(c => c.Id).ToList();
        var seen = read.OfType<RelocationCase>().Select(c => c.Id).Concat(given).ToHashSet(StringComparer.Ordinal);
        open.AddRange(rows.Concat(alsoOpen.Where(c => !seen.Contains(c.Id)).DistinctBy(c => c.Id)).Take(Math.Max(0, MaxOpenSet - open.Count)));
        return open;
    }

    /// <summary>
    /// The subject is opening a new round, so every State it asked before is out; another case keeps the States of its
    /// open round (a round already sent is never withdrawn behind a State's back) and loses those of closed rounds.
    /// </summary>
    private static PlanRequest ToPlanRequest(RelocationCase relocation, bool opening)
    {
        var excluded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var round in relocation.Rounds.Where(r => opening || r.ClosedAt is not null))
        {
            foreach (var asked in round.Asked)
            {
                excluded.TryAdd(asked.StateCode, $"already asked in round {round.Number}");
            }
        }

        // A State that withdrew from an earlier request for this person (issue 14) is never asked again.
        foreach (var state in relocation.State.ExcludedStates ?? [])
        {
            excluded.TryAdd(state, "withdrew from an earlier request for this person");
        }

        return new PlanRequest(relocation.Id, relocation.Facts.Pseudonym, relocation.Facts.Priority, CaseUpdates.RankingRequestFor(relocation),
            relocation.State.SubmittedAt, excluded);
    }

    private static AgreementType TypeFor(RelocationKind kind) => kind switch
    {
        RelocationKind.AcquittedPersonRelocation => AgreementType.AcquittedPersonRelocation,
        RelocationKind.InterimRelease => AgreementType.InterimRelease,
        _ => AgreementType.WitnessRelocation,
    };
}

/// <summary>
/// Rounds that open together share one plan of the open set. Planning reads every open case and solves them all, so
/// a surge of N requests planned one by one read N² rows and ran N solves of up to N requests each (200 Emergency
/// requests at once kept both cores busy for minutes before the last offers went out). Here at most one plan is
/// made at a time: a round that opens while one is being made waits for the next, which plans every round that
/// waited. A round alone is planned at once, as before; each plan still holds every open case, so a round never takes
/// a place planned for another.
/// </summary>
public sealed class RoundPlanBatcher
{
    /// <summary>A case planned but never settled (its request failed before its round's write) is forgotten after this.</summary>
    public static readonly TimeSpan InFlightFor = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private List<(RelocationCase Subject, DateTimeOffset Now, TaskCompletionSource<CasePlan> Done, long Since)> _waiting = [];
    private bool _planning;

    /// <summary>
    /// Cases planned whose round is not on their row yet: the plans after theirs hold them as open cases (a request's
    /// first round is planned before its row is written, so no read would find it), until their opening settles.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RelocationCase Case, long Since)> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The round of <paramref name="relocationId"/> was written, or will not be by this opening: later plans read its row.</summary>
    public void Settle(string relocationId) => _inFlight.TryRemove(relocationId, out _);

    /// <summary>How many planned cases wait for their round's write (tests).</summary>
    public int InFlight => _inFlight.Count;

    public async Task<CasePlan> PlanAsync(RoundPlanning planning, RelocationCase subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(planning);
        ArgumentNullException.ThrowIfNull(subject);
        var done = new TaskCompletionSource<CasePlan>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _waiting.Add((subject, now, done, System.Diagnostics.Stopwatch.GetTimestamp()));
            start = !_planning;
            _planning = true;
        }

        if (start)
        {
            await PlanWhileWaitingAsync(planning);
        }

        return await done.Task;
    }

    private async Task PlanWhileWaitingAsync(RoundPlanning planning)
    {
        while (true)
        {
            List<(RelocationCase Subject, DateTimeOffset Now, TaskCompletionSource<CasePlan> Done, long Since)> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _planning = false;
                    return;
                }

                (batch, _waiting) = (_waiting, []);
            }

            // The same case twice (an activity retried while its first run still waits) is planned once.
            var subjects = batch.Select(b => b.Subject).DistinctBy(c => c.Id).ToArray();
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var (id, (_, since)) in _inFlight)
                {
                    if (System.Diagnostics.Stopwatch.GetElapsedTime(since, started) > InFlightFor)
                    {
                        _inFlight.TryRemove(id, out _);
                    }
                }

                var alsoOpen = _inFlight.Values.Select(v => v.Case).ToArray();
                var plans = (await planning.PlanEachAsync(subjects, alsoOpen, batch.Max(b => b.Now), opening: true, CancellationToken.None))
                    .Zip(subjects).ToDictionary(p => p.Second.Id, p => p.First, StringComparer.Ordinal);
                foreach (var subject in subjects)
                {
                    _inFlight[subject.Id] = (subject, System.Diagnostics.Stopwatch.GetTimestamp());
                }

                foreach (var (subject, _, done, since) in batch)
                {
                    var plan = plans[subject.Id];
                    done.TrySetResult(plan with { Timings = plan.Timings with { Waited = System.Diagnostics.Stopwatch.GetElapsedTime(since, started) } });
                }
            }
            catch (Exception ex)
            {
                // Each waiting activity fails and is retried by its orchestration.
                foreach (var (_, _, done, _) in batch)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
