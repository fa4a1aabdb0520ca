using System.Diagnostics;
using System.Globalization;
using Relocation.Domain.Relocations;
using Relocation.Simulation;

// dotnet run -c Release --project bench/Relocation.Simulation -- [--seeds 1,2,3] [--solve-bench] [--solves 20]
var seeds = Arg("--seeds", "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var invariant = CultureInfo.InvariantCulture;
if (!args.Contains("--solve-bench-only"))
{
    Console.WriteLine("| seed | policy | requests | placed | weighted | % of hindsight | surge placed ≤7 d (of 15) | time to placement p50/p90 d | escalated | Emergency late | Gini | solve p50/p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var seed in seeds)
    {
        var scenario = Scenario.Generate(seed, args.Contains("--perfect-states"));
        var hindsight = Hindsight.Solve(scenario);
        foreach (var strategy in new[] { Strategy.GreedyV1, Strategy.PlannerV2 })
        {
            var (cases, solveMs) = Replay.Run(scenario, strategy);
            var placed = cases.Where(c => c.PlacedDay is not null).ToArray();
            var weighted = placed.Sum(c => (long)Scenario.Weight(c.Request.Priority));
            var ttp = placed.Select(c => (double)(c.PlacedDay!.Value - c.Request.Day)).Order().ToArray();
            var late = cases.Count(c => c.Request.Priority == RelocationPriority.Emergency && (c.PlacedDay is not { } d || d - c.Request.Day > 7));
            var surge = cases.Count(c => c.Request.Surge && c.PlacedDay is { } d && d - c.Request.Day <= 7);
            var solve = solveMs.Count == 0 ? "—" : string.Create(invariant, $"{Pct(solveMs.Order().ToArray(), 50):0.0}/{Pct(solveMs.Order().ToArray(), 99):0.0}");
            Console.WriteLine(string.Create(invariant,
                $"| {seed} | {(strategy == Strategy.GreedyV1 ? "greedy v1" : "planner v2")} | {cases.Count} | {placed.Length} | {weighted} | {100.0 * weighted / hindsight.Weighted:0.0}% | {surge} | {Pct(ttp, 50):0}/{Pct(ttp, 90):0} | {cases.Count(c => c.Escalated)} | {late} | {Gini(scenario, placed):0.000} | {solve} |"));
        }

        var hs = scenario.Requests.Where(r => hindsight.Placed.Contains(r.Id)).ToArray();
        Console.WriteLine(string.Create(invariant,
            $"| {seed} | hindsight ({hindsight.Status}) | {scenario.Requests.Count} | {hs.Length} | {hindsight.Weighted} | 100.0% | {hs.Count(r => r.Surge)} | — | — | {scenario.Requests.Count(r => r.Priority == RelocationPriority.Emergency) - hs.Count(r => r.Priority == RelocationPriority.Emergency)} | — | {hindsight.Ms:0} (one solve) |"));
    }
}

if (args.Contains("--solve-bench") || args.Contains("--solve-bench-only"))
{
    var solves = int.Parse(Arg("--solves", "20"), invariant);
    var times = new List<double>();
    _ = Relocation.Matching.Planner.Solve(SolveBench.Instance(999, requests: 1000, states: 200, rows: 1000), SolveBench.Options); // warm-up (JIT, native load)
    for (var i = 0; i < solves; i++)
    {
        var input = SolveBench.Instance(1000 + i, requests: 1000, states: 200, rows: 1000);
        var clock = Stopwatch.StartNew();
        var plan = Relocation.Matching.Planner.Solve(input, SolveBench.Options);
        times.Add(clock.Elapsed.TotalMilliseconds);
        Console.WriteLine(string.Create(invariant, $"solve {i + 1,2}: {clock.Elapsed.TotalMilliseconds,7:0} ms (CP-SAT {plan.SolverTime.TotalMilliseconds:0} ms), {plan.Outcome}, placed {plan.Placements.Count(p => p.IsPlaced)}/1000"));
    }

    var sorted = times.Order().ToArray();
    Console.WriteLine(string.Create(invariant, $"1,000 requests x 200 States x 1,000 rows, {solves} solves: p50 {Pct(sorted, 50):0} ms, p99 {Pct(sorted, 99):0} ms, max {sorted[^1]:0} ms"));
}

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
