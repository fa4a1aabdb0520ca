using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Matching;

namespace Relocation.Simulation;

/// <summary>A large synthetic open set for the solve-time benchmark: far more than the Court has ever had open at once.</summary>
internal static class SolveBench
{
    public static readonly PlannerOptions Options = new() { Workers = 1, DeterministicSeconds = 5, WallClockSeconds = 1.2, MaxPairs = 10_000, Explain = false, ExtraParameters = Environment.GetEnvironmentVariable("PLANNER_PARAMS") ?? string.Empty };

    private static readonly string[] Languages = ["en", "fr", "ar", "sw", "es", "pt", "ru", "ln"];

    public static PlanningInput Instance(int seed, int requests, int states, int rows)
    {
        var random = new Random(seed);
        var now = new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var codes = Enumerable.Range(0, states).Select(i => $"S{i:D3}").ToArray();
        var capacities = Enumerable.Range(0, rows).Select(i =>
        {
            RelocationKind[] kinds = random.NextDouble() < 0.6 ? [RelocationKind.WitnessRelocation, RelocationKind.TemporaryRelocation] : [(RelocationKind)random.Next(1, 5)];
            return Capacity.Register($"row-{i:D4}", codes[random.Next(states)], new CapacityTerms(kinds, 1 + random.Next(6), 1 + random.Next(6),
                [Languages[random.Next(Languages.Length)]], random.NextDouble() < 0.3, today.AddDays(-random.Next(60)), today.AddDays(30 + random.Next(700)),
                random.NextDouble() < 0.5), now.AddDays(-random.Next(120)));
        }).ToArray();
        var agreed = (IReadOnlySet<string>)codes.Where(_ => random.NextDouble() < 0.3).ToHashSet(StringComparer.Ordinal);
        var open = Enumerable.Range(0, requests).Select(i =>
        {
            var priority = (RelocationPriority)(1 + random.Next(3));
            var due = today.AddDays(priority switch { RelocationPriority.Emergency => 7, RelocationPriority.Urgent => 42, _ => 365 });
            return new PlanRequest($"r{i:D4}", $"W-{i:D4}", priority,
                new RankingRequest(random.NextDouble() < 0.6 ? RelocationKind.WitnessRelocation : RelocationKind.TemporaryRelocation, 1 + random.Next(5),
                    random.NextDouble() < 0.2, random.NextDouble() < 0.7 ? [Languages[random.Next(Languages.Length)]] : [], due,
                    random.NextDouble() < 0.3 ? (RegionalGroup)random.Next(1, 6) : null),
                now.AddMinutes(-random.Next(100_000)));
        }).ToArray();
        return new PlanningInput(open, capacities, new Dictionary<string, State>(), Enum.GetValues<RelocationKind>().ToDictionary(k => k, _ => agreed), now,
            FundAvailableEurMinor: 40_000_000, EstimatedCostEurMinor: capacities.ToDictionary(c => c.Id, _ => (long)random.Next(5, 60) * 100_000));
    }
}
