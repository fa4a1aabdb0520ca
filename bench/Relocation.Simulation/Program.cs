using System.Diagnostics;
using System.Globalization;
using Relocation.Domain.Relocations;
using Relocation.Simulation;

// dotnet run -c Release --project bench/Relocation.Simulation -- [--seeds 1,2,3] [--solve-bench] [--solves 20] [--budget 1.2] [--gap [--verbose]]
//   [--summary] [--perfect-states] [--forecast-days 120] [--history-days 180] [--urgent-forecast] [--emergency-round-size 3,4,5,all] [--protect-days 60] [--protect-last-round]
//   [--process-hindsight] [--policies greedy,reservation] [--old-tie-rule] [--oracles] [--clairvoyant]
var seeds = Arg("--seeds", "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var invariant = CultureInfo.InvariantCulture;
// The policies replayed: v1; v2 as the workflow runs it (the open set planned, States planned for others not asked); v2
// with reservation for expected Emergencies (the forecast; not in the workflow yet).
var reserve = new V2Policy(
    ForecastDays: int.Parse(Arg("--forecast-days", "120"), invariant),
    HistoryDays: int.Parse(Arg("--history-days", "180"), invariant),
    ForecastUrgent: args.Contains("--urgent-forecast"),
    EmergencyRoundSize: EmergencyRoundSize(Arg("--emergency-round-size", "3").Split(',')[0]),
    OldTieRule: args.Contains("--old-tie-rule"));
var policies = new List<(string Name, Strategy Strategy, V2Policy Policy)>
{
    ("greedy v1", Strategy.GreedyV1, V2Policy.Baseline),
    ("planner v2", Strategy.PlannerV2, new V2Policy(ForecastDays: 0)),
    (reserve.EmergencyRoundSize == 3 ? "v2 + reservation" : $"v2 + reservation, E round {Arg("--emergency-round-size", "3").Split(',')[0]}", Strategy.PlannerV2, reserve),
    ("v2 + protection", Strategy.PlannerV2, new V2Policy(ForecastDays: 0, HistoryDays: int.Parse(Arg("--history-days", "180"), invariant), ProtectDays: int.Parse(Arg("--protect-days", "60"), invariant), ProtectLastRound: args.Contains("--protect-last-round"))),
};
if (args.Contains("--oracles"))
{
    // Not policies: v2 + reservation told what no real planner knows, to split the gap to the hindsight optimum.
    policies.Add(("v2 + res, answers known", Strategy.PlannerV2, reserve with { AnswerOracle = true }));
    policies.Add(("v2, arrivals known", Strategy.PlannerV2, reserve with { ArrivalOracle = true }));
    policies.Add(("v2, both known", Strategy.PlannerV2, reserve with { AnswerOracle = true, ArrivalOracle = true }));
}

if (args.Contains("--clairvoyant"))
{
    // Not a policy: the replay's process (rounds, windows, answers only inside their round) driven by the process-bound
    // hindsight's own solution. What it reaches is what the process allows a planner that knows the whole future.
    policies.Add(("clairvoyant", Strategy.Clairvoyant, reserve));
}

// Asking more States of an Emergency is a process change, open to v1 as much as to v2: each size other than 3 is replayed
// for v1 too (rows "greedy v1, E round N"); one size after another share a seed's scenario and hindsight.
var roundSizes = Arg("--emergency-round-size", "3").Split(',');
foreach (var size in roundSizes.Where(s => s != "3").Reverse())
{
    policies.Insert(1, ($"greedy v1, E round {size}", Strategy.GreedyV1, V2Policy.Baseline with { EmergencyRoundSize = EmergencyRoundSize(size) }));
}

foreach (var size in roundSizes.Skip(1))
{
    policies.Add(($"v2 + reservation, E round {size}", Strategy.PlannerV2, reserve with { EmergencyRoundSize = EmergencyRoundSize(size) }));
}

if (Arg("--policies", "") is { Length: > 0 } only)
{
    // A subset, to spare the shared CPU: names containing any of the given words (greedy v1 is always kept: the baseline).
    var words = only.Split(',');
    policies = [.. policies.Where((p, i) => i == 0 || words.Any(w => p.Name.Contains(w, StringComparison.OrdinalIgnoreCase)))];
}

var processHindsight = args.Contains("--process-hindsight");
if (args.Contains("--summary"))
{
    // Many seeds, one line each: % of hindsight (weighted) and surge placed per policy; then the means, and on how many
    // seeds each v2 places strictly more of the surge than v1.
    var sums = new double[policies.Count];
    var wins = new int[policies.Count];
    var losses = new int[policies.Count];
    var boundSums = new double[policies.Count];
    var byPriority = new int[policies.Count, 3];
    foreach (var seed in seeds)
    {
        var scenario = Scenario.Generate(seed, args.Contains("--perfect-states"));
        var hindsight = Hindsight.Solve(scenario);
        // With --process-hindsight, each policy's % of the hindsight held to the replay's timing too, after the issue's.
        var boundSolve = processHindsight || args.Contains("--clairvoyant") ? Hindsight.Solve(scenario, processBound: true) : default;
        var bound = boundSolve.Weighted;
        var results = policies.Select(p => Replay.Run(scenario, p.Strategy, p.Policy, boundSolve.Placed).Cases).ToArray();
        double W(List<SimCase> cs) => 100.0 * cs.Where(c => c.PlacedDay is not null).Sum(c => Scenario.Weight(c.Request.Priority)) / hindsight.Weighted;
        double B(List<SimCase> cs) => 100.0 * cs.Where(c => c.PlacedDay is not null).Sum(c => Scenario.Weight(c.Request.Priority)) / bound;
        int S(List<SimCase> cs) => cs.Count(c => c.Request.Surge && c.PlacedDay is { } d && d - c.Request.Day <= 7);
        for (var i = 0; i < policies.Count; i++)
        {
            sums[i] += W(results[i]);
            boundSums[i] += processHindsight ? B(results[i]) : 0;
            wins[i] += S(results[i]) > S(results[0]) ? 1 : 0;
            losses[i] += S(results[i]) < S(results[0]) ? 1 : 0;
            foreach (var c in results[i].Where(c => c.PlacedDay is not null))
            {
                byPriority[i, (int)c.Request.Priority - 1]++;
            }
        }

        Console.WriteLine(string.Create(invariant, $"seed {seed}: {string.Join("  ", results.Select((r, i) => $"{policies[i].Name} {W(r):0.0}%{(processHindsight ? $" ({B(r):0.0}% of bound)" : "")} surge {S(r)}"))}{(processHindsight ? $"  hindsight {hindsight.Weighted}, process-bound {bound}" : "")}"));
    }

    Console.WriteLine(string.Create(invariant, $"mean % of hindsight over {seeds.Length} seeds: {string.Join(", ", policies.Select((p, i) => $"{p.Name} {sums[i] / seeds.Length:0.0}"))}; surge strictly above / below v1 on: {string.Join(", ", policies.Skip(1).Select((p, i) => $"{p.Name} {wins[i + 1]} / {losses[i + 1]}"))}"));
    if (processHindsight)
    {
        Console.WriteLine(string.Create(invariant, $"mean % of the process-bound hindsight: {string.Join(", ", policies.Select((p, i) => $"{p.Name} {boundSums[i] / seeds.Length:0.0}"))}"));
    }

    var priorities = Enum.GetValues<RelocationPriority>();
    Console.WriteLine(string.Create(invariant, $"placed over {seeds.Length} seeds ({string.Join("/", priorities)}): {string.Join(", ", policies.Select((p, i) => $"{p.Name} {string.Join("/", priorities.Select((_, k) => byPriority[i, k]))}"))}"));
    return;
}

if (!args.Contains("--solve-bench-only"))
{
    Console.WriteLine("| seed | policy | requests | placed | weighted | % of hindsight | surge placed ≤7 d (of 15) | time to placement p50/p90 d | escalated | Emergency late | Gini | solve p50/p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var seed in seeds)
    {
        var scenario = Scenario.Generate(seed, args.Contains("--perfect-states"));
        var hindsight = Hindsight.Solve(scenario, processHindsight);
        var follow = args.Contains("--clairvoyant") ? (processHindsight ? hindsight : Hindsight.Solve(scenario, processBound: true)).Placed : null;
        foreach (var (name, strategy, policy) in policies)
        {
            var (cases, solveMs) = Replay.Run(scenario, strategy, policy, follow);
            var placed = cases.Where(c => c.PlacedDay is not null).ToArray();
            var weighted = placed.Sum(c => (long)Scenario.Weight(c.Request.Priority));
            var ttp = placed.Select(c => (double)(c.PlacedDay!.Value - c.Request.Day)).Order().ToArray();
            var late = cases.Count(c => c.Request.Priority == RelocationPriority.Emergency && (c.PlacedDay is not { } d || d - c.Request.Day > 7));
            var surge = cases.Count(c => c.Request.Surge && c.PlacedDay is { } d && d - c.Request.Day <= 7);
            var solve = solveMs.Count == 0 ? "—" : string.Create(invariant, $"{Pct(solveMs.Order().ToArray(), 50):0.0}/{Pct(solveMs.Order().ToArray(), 99):0.0}");
            if (args.Contains("--gap"))
            {
                Gap.Print(scenario, cases, hindsight.Placed, $"seed {seed} {name}", args.Contains("--verbose"));
            }

            Console.WriteLine(string.Create(invariant,
                $"| {seed} | {name} | {cases.Count} | {placed.Length} | {weighted} | {100.0 * weighted / hindsight.Weighted:0.0}% | {surge} | {Pct(ttp, 50):0}/{Pct(ttp, 90):0} | {cases.Count(c => c.Escalated)} | {late} | {Gini(scenario, placed):0.000} | {solve} |"));
        }

        var hs = scenario.Requests.Where(r => hindsight.Placed.ContainsKey(r.Id)).ToArray();
        Console.WriteLine(string.Create(invariant,
            $"| {seed} | hindsight ({hindsight.Status}) | {scenario.Requests.Count} | {hs.Length} | {hindsight.Weighted} | 100.0% | {hs.Count(r => r.Surge)} | — | — | {scenario.Requests.Count(r => r.Priority == RelocationPriority.Emergency) - hs.Count(r => r.Priority == RelocationPriority.Emergency)} | — | {hindsight.Ms:0} (one solve) |"));
    }
}

if (args.Contains("--solve-bench") || args.Contains("--solve-bench-only"))
{
    var solves = int.Parse(Arg("--solves", "20"), invariant);
    var times = new List<double>();
    var options = SolveBench.Options with { WallClockSeconds = double.Parse(Arg("--budget", "1.2"), invariant) };
    _ = Relocation.Matching.Planner.Solve(SolveBench.Instance(999, requests: 1000, states: 200, rows: 1000), options); // warm-up (JIT, native load)
    for (var i = 0; i < solves; i++)
    {
        var input = SolveBench.Instance(1000 + i, requests: 1000, states: 200, rows: 1000);
        var clock = Stopwatch.StartNew();
        var plan = Relocation.Matching.Planner.Solve(input, options);
        times.Add(clock.Elapsed.TotalMilliseconds);
        Console.WriteLine(string.Create(invariant, $"solve {i + 1,2}: {clock.Elapsed.TotalMilliseconds,7:0} ms (CP-SAT {plan.SolverTime.TotalMilliseconds:0} ms), {plan.Outcome}, placed {plan.Placements.Count(p => p.IsPlaced)}/1000"));
    }

    var sorted = times.Order().ToArray();
    Console.WriteLine(string.Create(invariant, $"1,000 requests x 200 States x 1,000 rows, {solves} solves: p50 {Pct(sorted, 50):0} ms, p99 {Pct(sorted, 99):0} ms, max {sorted[^1]:0} ms"));
}

int EmergencyRoundSize(string size) => size is "all" ? V2Policy.AllFeasible : int.Parse(size, invariant);

string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

static double Pct(double[] sorted, int p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

// Gini of placements per offered place across the States that offered any place in the year.
static double Gini(Scenario scenario, SimCase[] placed)
{
    var offered = scenario.Rows.GroupBy(r => r.StateCode).ToDictionary(g => g.Key, g => (double)g.Sum(r => r.Terms.Places));
    var ratios = offered.Select(o => placed.Count(c => c.PlacedState == o.Key) / o.Value).Order().ToArray();
    var sum = ratios.Sum();
    if (sum == 0)
    {
        return 0;
    }

    var n = ratios.Length;
    var weighted = ratios.Select((x, i) => (i + 1) * x).Sum();
    return (2 * weighted / (n * sum)) - ((n + 1.0) / n);
}
