using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Matching;

/// <summary>
/// Matching v2: places every open request at once on the registered capacity with one CP-SAT model, lexicographically —
/// first the priority-weighted placements (exact: one Emergency outweighs every Urgent and Normal placement together),
/// then, with that value held, fit, fairness and cost as one weighted objective whose weights also dominate each other
/// (docs/matching.md). Pure and deterministic: inputs are put in a canonical order, the solver runs with a fixed seed and a
/// deterministic time budget, and the greedy v1 plan is the hint and the fallback.
/// </summary>
public static class Planner
{
    // Fit terms, the v1 ranking's preferences over ten (v1 also scores "no fund support", which v2 counts as cost).
    public const int AgreementFit = 100;
    public const int LanguageFit = 10;
    public const int RegionFit = 5;
    public const int FreshFit = 3;
    public const int SpareMedicalFit = 30;
    public const int SpareLargeFit = 15;
    public const int LargeHousehold = 5;
    private const int MaxFit = AgreementFit + SpareMedicalFit + SpareLargeFit + LanguageFit + RegionFit + FreshFit;
    private const int FairnessScale = 100;
    private const int CostBuckets = 10;
    private const int LargeModelPairs = 5_000;
    private const double ExtractionReserve = 0.1;
    private const double MinimumStageSeconds = 0.05;

    public static Plan Solve(PlanningInput input, PlannerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new PlannerOptions();
        var clock = Stopwatch.StartNew();
        t_solverTime = TimeSpan.Zero;
        var problem = Problem.From(input);
        var greedy = Greedy(problem, byPriority: true);
        if (problem.Requests.Length == 0)
        {
            return problem.ToPlan(greedy, PlanOutcome.Trivial, clock.Elapsed, options);
        }

        var (assignment, outcome) = Optimise(problem, greedy, options, clock);
        return problem.ToPlan(assignment, outcome, clock.Elapsed, options) with { SolverTime = t_solverTime };
    }

    /// <summary>
    /// Greedy v1 over a set: each request in turn (by arrival, as production ranks them, or by priority) takes the
    /// v1-best capacity row that still has room. The baseline of the simulation and the solver's hint.
    /// </summary>
    public static Plan Greedy(PlanningInput input, bool byPriority, bool explain = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clock = Stopwatch.StartNew();
        var problem = Problem.From(input);
        return problem.ToPlan(Greedy(problem, byPriority), PlanOutcome.GreedyFallback, clock.Elapsed, new PlannerOptions(), explain);
    }

    private static int[] Greedy(Problem p, bool byPriority)
    {
        var free = p.Free.ToArray();
        var slack = p.ReserveSlack.ToArray();
        var fund = p.Fund;
        var assignment = Enumerable.Repeat(-1, p.Requests.Length).ToArray();
        var order = Enumerable.Range(0, p.Requests.Length);
        order = byPriority ? order : order.OrderBy(r => p.Requests[r].SubmittedAt).ThenBy(r => p.Requests[r].Id, StringComparer.Ordinal);
        // By arrival is v1, one request at a time: it knows no forecast.
        foreach (var r in byPriority ? order : order.Where(r => !p.IsForecast[r]))
        {
            var size = p.Requests[r].Need.HouseholdSize;
            var best = -1;
            foreach (var c in p.Feasible[r])
            {
                if (free[c] < size || (p.Cost[c] > 0 && fund is { } f && p.Cost[c] > f) || (p.Protected[r] && !p.ReserveAllows(c, size, slack)))
                {
                    continue;
                }

                if (best < 0 || GreedyBetter(p, r, c, best, free))
                {
                    best = c;
                }
            }

            if (best >= 0)
            {
                assignment[r] = best;
                free[best] -= size;
                if (p.Protected[r])
                {
                    p.TakeSlack(best, size, slack);
                }

                fund -= fund is null ? null : p.Cost[best];
            }
        }

        return assignment;
    }

    /// <summary>The v1 order: score (fit and no fund support), then more free places, then State code, then capacity id.</summary>
    private static bool GreedyBetter(Problem p, int r, int c, int best, int[] free)
    {
        var sc = (p.FitOf(r, c) * 10) + (p.Capacities[c].Terms.NeedsFundSupport ? 0 : CandidateRanker.NoFundSupportWeight);
        var sb = (p.FitOf(r, best) * 10) + (p.Capacities[best].Terms.NeedsFundSupport ? 0 : CandidateRanker.NoFundSupportWeight);
        if (sc != sb)
        {
            return sc > sb;
        }

        if (free[c] != free[best])
        {
            return free[c] > free[best];
        }

        var code = string.CompareOrdinal(p.Capacities[c].StateCode, p.Capacities[best].StateCode);
        return code != 0 ? code < 0 : string.CompareOrdinal(p.Capacities[c].Id, p.Capacities[best].Id) < 0;
    }

    private static (int[] Assignment, PlanOutcome Outcome) Optimise(Problem p, int[] greedy, PlannerOptions options, Stopwatch clock)
    {
        // Candidate pairs: each request's best feasible rows (its greedy row always among them).
        // Each pair also carries its rank in the request's list (best first), the last, tie-breaking term of the objective:
        // among equal plans the one giving each request its earlier row wins, so ties fall to the lower State code.
        var pairs = new List<(int R, int C)>();
        var tieRank = new List<int>();
        // Very large open sets keep fewer rows per request so that the model stays within the time budget.
        var maxRows = Math.Clamp(options.MaxPairs / Math.Max(1, p.Requests.Length), Math.Min(5, options.MaxRowsPerRequest), options.MaxRowsPerRequest);
        // Rows in the order that breaks equal fit: least cost, most free places, State code, then row (one sort for all).
        var rowOrder = Enumerable.Range(0, p.Capacities.Length)
            .OrderBy(c => p.Cost[c]).ThenByDescending(c => p.Free[c]).ThenBy(c => p.Capacities[c].StateCode, StringComparer.Ordinal).ThenBy(c => c)
            .ToArray();
        var rowRank = new int[p.Capacities.Length];
        for (var k = 0; k < rowOrder.Length; k++)
        {
            rowRank[rowOrder[k]] = k;
        }

        for (var r = 0; r < p.Requests.Length; r++)
        {
            // Best fit first, then the row order above: one integer key per row, sorted without allocating comparers.
            var feasible = p.Feasible[r];
            var keys = new long[feasible.Count];
            var rows = feasible.ToArray();
            for (var k = 0; k < rows.Length; k++)
            {
                keys[k] = (-(long)p.FitOf(r, rows[k]) * p.Capacities.Length) + rowRank[rows[k]];
            }

            Array.Sort(keys, rows);
            var kept = rows.Take(maxRows).ToList();
            if (greedy[r] >= 0 && !kept.Contains(greedy[r]))
            {
                kept.Add(greedy[r]);
            }

            for (var k = 0; k < kept.Count; k++)
            {
                pairs.Add((r, kept[k]));
                tieRank.Add(Math.Max(0, maxRows - k));
            }
        }

        var weights = PriorityWeights(p);
        var upperBound = Enumerable.Range(0, p.Requests.Length).Where(r => p.Feasible[r].Count > 0).Sum(r => weights[r]);
        var greedyValue = Enumerable.Range(0, p.Requests.Length).Where(r => greedy[r] >= 0).Sum(r => weights[r]);

        if (options.SkipSolverWhenUncontended && greedyValue == upperBound && Uncontended(p, pairs, tieRank) is { } known)
        {
            return (known, PlanOutcome.Optimal);
        }

        var cp = new CpModel();
        // Presolve pays off on the small open sets of real life; on very large ones it eats the whole budget before the
        // greedy hint is even loaded (measured: bench/README.md).
        var extra = pairs.Count > LargeModelPairs ? ",cp_model_presolve:false" + options.ExtraParameters : options.ExtraParameters;
        options = options with { ExtraParameters = extra };
        var x = pairs.Select((pair, i) => cp.NewBoolVar(string.Create(CultureInfo.InvariantCulture, $"x{pair.R}_{pair.C}"))).ToArray();
        foreach (var group in Enumerable.Range(0, pairs.Count).GroupBy(i => pairs[i].R))
        {
            cp.AddAtMostOne(group.Select(i => (ILiteral)x[i]));
        }

        foreach (var group in Enumerable.Range(0, pairs.Count).GroupBy(i => pairs[i].C))
        {
            var use = LinearExpr.NewBuilder();
            foreach (var i in group)
            {
                use.AddTerm(x[i], p.Requests[pairs[i].R].Need.HouseholdSize);
            }

            cp.Add(use <= p.Free[group.Key]);
        }

        if (p.Fund is { } fund)
        {
            var spend = LinearExpr.NewBuilder();
            for (var i = 0; i < pairs.Count; i++)
            {
                if (p.Cost[pairs[i].C] > 0)
                {
                    spend.AddTerm(x[i], p.Cost[pairs[i].C]);
                }
            }

            cp.Add(spend <= fund);
        }

        // Scarcity-aware protection: requests that may wait take at most the slack of each reserve's rows.
        for (var s = 0; s < p.Reserves.Length; s++)
        {
            var held = LinearExpr.NewBuilder();
            for (var i = 0; i < pairs.Count; i++)
            {
                if (p.Protected[pairs[i].R] && p.ReserveRows[s][pairs[i].C])
                {
                    held.AddTerm(x[i], p.Requests[pairs[i].R].Need.HouseholdSize);
                }
            }

            cp.Add(held <= p.ReserveSlack[s]);
        }

        var priority = LinearExpr.NewBuilder();
        for (var i = 0; i < pairs.Count; i++)
        {
            priority.AddTerm(x[i], weights[pairs[i].R]);
            cp.AddHint(x[i], greedy[pairs[i].R] == pairs[i].C);
        }

        var outcome = PlanOutcome.Optimal;
        var stageOne = greedy;
        var best = greedyValue;
        if (Remaining(options, clock) < MinimumStageSeconds)
        {
            // The budget went on reading the input and building the model (an overloaded machine): greedy, in time.
            return (greedy, PlanOutcome.GreedyFallback);
        }

        if (greedyValue < upperBound)
        {
            cp.Maximize(priority);
            var (status, values) = Run(cp, x, options, Remaining(options, clock) * 0.6);
            if (status is CpSolverStatus.Optimal or CpSolverStatus.Feasible && Assign(p, pairs, values) is var found && Value(found, weights) >= greedyValue)
            {
                stageOne = found;
                best = Value(found, weights);
                outcome = status == CpSolverStatus.Optimal ? PlanOutcome.Optimal : PlanOutcome.Feasible;
            }
            else
            {
                outcome = PlanOutcome.GreedyFallback;
            }
        }

        // Stage two: keep the placements' value, then best fit, fairest spread, least cost.
        cp.Model.Objective = null;
        cp.ClearHints();
        cp.Add(priority >= best);
        for (var i = 0; i < pairs.Count; i++)
        {
            cp.AddHint(x[i], stageOne[pairs[i].R] == pairs[i].C);
        }

        // Fairness: the largest share of its offered places any State is planned to fill (in percent), kept low.
        var load = cp.NewIntVar(0, FairnessScale, "maxLoad");
        foreach (var group in Enumerable.Range(0, pairs.Count).GroupBy(i => p.Capacities[pairs[i].C].StateCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var used = LinearExpr.NewBuilder().Add(p.AlreadyTaken[group.Key] * FairnessScale);
            foreach (var i in group)
            {
                used.AddTerm(x[i], (long)p.Requests[pairs[i].R].Need.HouseholdSize * FairnessScale);
            }

            cp.Add(used <= LinearExpr.Term(load, p.Offered[group.Key]));
        }

        // The tie rule counts real requests before forecast copies: a real request's tie rank outweighs every copy's
        // together, so a real request never loses a tie to a copy of itself (the open Emergency is its own history) and the
        // order its States are asked in does not depend on the forecast. Copies still break their own ties by rank.
        var (realTieWeight, copyTieWeight, costWeight) = options.RealRequestsWinTies ? TieWeights(p, maxRows) : (1, 1, ((long)(maxRows + 1) * p.Requests.Length) + 1);
        var fairnessWeight = (costWeight * CostBuckets * p.Requests.Length) + 1;
        var fitWeight = fairnessWeight * (FairnessScale + 1);
        var secondary = LinearExpr.NewBuilder().Add(fairnessWeight * FairnessScale).AddTerm(load, -fairnessWeight);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (r, c) = pairs[i];
            var tie = tieRank[i] * (p.IsForecast[r] ? copyTieWeight : realTieWeight);
            secondary.AddTerm(x[i], (fitWeight * p.FitOf(r, c)) + (costWeight * (CostBuckets - p.CostBucket(c))) + tie);
        }

        cp.Maximize(secondary);
        var left = Remaining(options, clock);
        if (left < MinimumStageSeconds)
        {
            return (stageOne, outcome == PlanOutcome.Optimal ? PlanOutcome.Feasible : outcome);
        }

        var (second, final) = Run(cp, x, options, left);
        if (second is CpSolverStatus.Optimal or CpSolverStatus.Feasible)
        {
            var assignment = Assign(p, pairs, final);
            if (second != CpSolverStatus.Optimal && outcome == PlanOutcome.Optimal)
            {
                outcome = PlanOutcome.Feasible;
            }

            return (assignment, outcome);
        }

        return (stageOne, outcome == PlanOutcome.Optimal ? PlanOutcome.Feasible : outcome);
    }

    /// <summary>
    /// The plan both stages would find, when it can be known without them: each request on its own best pair (best fit,
    /// then least cost bucket, then its tie rank: the per-pair terms of stage two, lexicographic by their weights), if
    /// that choice breaks no constraint (rows' free places, the fund, the reserves' slack) and its largest State share is
    /// the least any plan could have. Then every term of the objective is at its bound: stage one places every request
    /// that has a row (the greedy hint already does, so it is not run), no plan has more fit, none a lower share at that
    /// fit, none more per-pair value; and the per-pair value is unique (tie ranks differ), so CP-SAT's optimum is this
    /// plan. Null when any of it fails: the solver decides. Measured: 50 requests at once spent 450 ms of every plan in
    /// CP-SAT for a plan that needs none of it (bench/README.md, Load).
    /// </summary>
    private static int[]? Uncontended(Problem p, List<(int R, int C)> pairs, List<int> tieRank)
    {
        var chosen = Enumerable.Repeat(-1, p.Requests.Length).ToArray();
        for (var i = 0; i < pairs.Count; i++)
        {
            var r = pairs[i].R;
            if (chosen[r] < 0 || Better(i, chosen[r]))
            {
                chosen[r] = i;
            }
        }

        bool Better(int i, int j)
        {
            var (r, c) = pairs[i];
            var d = pairs[j].C;
            return p.FitOf(r, c) != p.FitOf(r, d) ? p.FitOf(r, c) > p.FitOf(r, d)
                : p.CostBucket(c) != p.CostBucket(d) ? p.CostBucket(c) < p.CostBucket(d)
                : tieRank[i] > tieRank[j];
        }

        var assignment = chosen.Select(i => i < 0 ? -1 : pairs[i].C).ToArray();
        var used = new long[p.Capacities.Length];
        var held = new long[p.Reserves.Length];
        long spend = 0;
        for (var r = 0; r < assignment.Length; r++)
        {
            if (assignment[r] is var c and >= 0)
            {
                var size = p.Requests[r].Need.HouseholdSize;
                used[c] += size;
                spend += p.Cost[c] > 0 ? p.Cost[c] : 0;
                for (var s = 0; s < p.Reserves.Length; s++)
                {
                    held[s] += p.Protected[r] && p.ReserveRows[s][c] ? size : 0;
                }
            }
        }

        if (Enumerable.Range(0, used.Length).Any(c => used[c] > p.Free[c]) || (p.Fund is { } fund && spend > fund)
            || Enumerable.Range(0, held.Length).Any(s => held[s] > p.ReserveSlack[s]))
        {
            return null;
        }

        // The largest share (percent, rounded up, as the model's integer load): of the plan, and the least any plan at
        // this fit could have — each State's share before the plan, and each request's least share among its best-fit States.
        long Share(string state, long places) =>
            p.Offered[state] > 0 ? ((places * FairnessScale) + p.Offered[state] - 1) / p.Offered[state] : places == 0 ? 0 : long.MaxValue;
        var states = pairs.Select(pair => p.Capacities[pair.C].StateCode).Distinct(StringComparer.Ordinal).ToArray();
        var planned = states.ToDictionary(s => s, s => p.AlreadyTaken[s], StringComparer.Ordinal);
        for (var r = 0; r < assignment.Length; r++)
        {
            if (assignment[r] >= 0)
            {
                planned[p.Capacities[assignment[r]].StateCode] += p.Requests[r].Need.HouseholdSize;
            }
        }

        var load = states.Select(s => Share(s, planned[s])).DefaultIfEmpty(0).Max();
        var least = states.Select(s => Share(s, p.AlreadyTaken[s])).DefaultIfEmpty(0).Max();
        var leastOf = Enumerable.Repeat(long.MaxValue, assignment.Length).ToArray();
        foreach (var (r, c) in pairs)
        {
            if (assignment[r] >= 0 && p.FitOf(r, c) == p.FitOf(r, assignment[r]))
            {
                var state = p.Capacities[c].StateCode;
                leastOf[r] = Math.Min(leastOf[r], Share(state, p.AlreadyTaken[state] + p.Requests[r].Need.HouseholdSize));
            }
        }

        least = Math.Max(least, leastOf.Where((_, r) => assignment[r] >= 0).DefaultIfEmpty(0).Max());

        return load <= FairnessScale && load == least ? assignment : null;
    }

    /// <summary>
    /// The tie term's weights: a real request's tie rank is worth more than every forecast copy's tie ranks together, and
    /// the cost weight more than the whole tie term. Should that make the objective's coefficients too large for int64
    /// (hundreds of open requests and of copies at once), the copies' ties are left to the solver (weight 0) and real
    /// requests still win every tie: their ranks alone then form the term.
    /// </summary>
    internal static (long RealTieWeight, long CopyTieWeight, long CostWeight) TieWeights(Problem p, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(p);
        var copies = p.IsForecast.Count(f => f);
        var real = p.Requests.Length - copies;
        var copiesTotal = (long)(maxRows + 1) * copies;
        var realTieWeight = copiesTotal + 1;
        var costWeight = ((long)(maxRows + 1) * real * realTieWeight) + copiesTotal + 1;
        // The objective's largest total: fit weight (cost weight × buckets × requests × fairness scale) × best fit × requests.
        const double Int64Headroom = 1e17;
        var largest = (double)costWeight * CostBuckets * p.Requests.Length * (FairnessScale + 1) * MaxFit * p.Requests.Length;
        return largest < Int64Headroom ? (realTieWeight, 1, costWeight) : (1, 0, ((long)(maxRows + 1) * real) + 1);
    }

    /// <summary>
    /// The solver's share of what is left of the wall budget. The budget covers the whole call (input, model, both stages,
    /// the plan and its explanations): a tenth of it is kept back for what comes after the solver stops — CP-SAT returning
    /// a little after its limit, reading the values, building the plan (measured: bench/README.md).
    /// </summary>
    private static double Remaining(PlannerOptions options, Stopwatch clock) => (options.WallClockSeconds * (1 - ExtractionReserve)) - clock.Elapsed.TotalSeconds;

    private static (CpSolverStatus Status, bool[] Values) Run(CpModel model, BoolVar[] x, PlannerOptions options, double wallSeconds)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return RunSolver(model, x, options, Math.Max(0.01, wallSeconds));
        }
        finally
        {
            t_solverTime += clock.Elapsed;
        }
    }

    [ThreadStatic]
    private static TimeSpan t_solverTime;

    private static (CpSolverStatus Status, bool[] Values) RunSolver(CpModel model, BoolVar[] x, PlannerOptions options, double wallSeconds)
    {
        using var solver = new CpSolver { StringParameters = SolverParameters(options, wallSeconds) };
        var status = solver.Solve(model);
        var values = status is CpSolverStatus.Optimal or CpSolverStatus.Feasible ? x.Select(v => solver.BooleanValue(v)).ToArray() : [];
        return (status, values);
    }

    /// <summary>
    /// CP-SAT's parameters for one stage. keep_all_feasible_solutions_in_presolve — OR-Tools 9.15 can abort the whole
    /// process (an uncaught std::out_of_range, absl::btree_map::at, thrown while presolve carries the solution hint
    /// through its reductions; google/or-tools issues 5091 and 5288, open) on some models with a hint. The simulation hit
    /// one; it is kept as a regression test (SolverParametersTests). Keeping every feasible solution in presolve avoids the
    /// reductions that trip it (measured on that model: symmetry_level:0, probing off or one presolve iteration do not;
    /// presolve off does, at a cost on large sets).
    /// </summary>
    internal static string SolverParameters(PlannerOptions options, double wallSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"num_workers:{options.Workers},random_seed:{options.Seed},max_deterministic_time:{options.DeterministicSeconds},max_time_in_seconds:{wallSeconds:0.###},keep_all_feasible_solutions_in_presolve:true,log_search_progress:false{options.ExtraParameters}");

    private static int[] Assign(Problem p, List<(int R, int C)> pairs, bool[] values)
    {
        var assignment = Enumerable.Repeat(-1, p.Requests.Length).ToArray();
        for (var i = 0; i < pairs.Count; i++)
        {
            if (values[i])
            {
                assignment[pairs[i].R] = pairs[i].C;
            }
        }

        return assignment;
    }

    private static long Value(int[] assignment, long[] weights) =>
        Enumerable.Range(0, assignment.Length).Where(r => assignment[r] >= 0).Sum(r => weights[r]);

    /// <summary>
    /// Lexicographic weights by level, each more than every lower level together. Levels, lowest first: forecast Normal,
    /// Normal, forecast Urgent, Urgent, forecast Emergency, Emergency. Without a forecast: Normal 1; Urgent more than all
    /// Normal together; Emergency more than all Urgent and Normal together. An expected Emergency (forecast) thus keeps a
    /// place from any real Urgent or Normal request, never from a real Emergency.
    /// </summary>
    internal static long[] PriorityWeights(Problem p)
    {
        ArgumentNullException.ThrowIfNull(p);
        static int Level(RelocationPriority priority, bool forecast) => (2 * (RelocationPriority.Normal - priority)) + (forecast ? 0 : 1);
        var levels = Enumerable.Range(0, p.Requests.Length).Select(r => Level(p.Requests[r].Priority, p.IsForecast[r])).ToArray();
        var top = Level(RelocationPriority.Emergency, forecast: false);
        var weight = new long[top + 1];
        long below = 0;
        for (var level = 0; level <= top; level++)
        {
            weight[level] = below + 1;
            below += weight[level] * levels.Count(l => l == level);
        }

        return levels.Select(l => weight[l]).ToArray();
    }
}
