using System.Text.Json;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Simulation;

internal sealed record SimState(string Code, RegionalGroup Region, string[] Languages, double OfferProbability, double DelayMeanDays, bool Agreement);

internal sealed record SimRow(string Id, string StateCode, int Day, CapacityTerms Terms);

internal sealed record SimRequest(string Id, int Day, RelocationPriority Priority, RelocationKind Kind, int Household, bool Medical, string[] Languages,
    RegionalGroup? Region, bool Surge, string? Excluded);

/// <summary>
/// One synthetic year, fixed by its seed: the seed States with an answer behaviour each, capacity registered at the start
/// and through the year, Poisson arrivals by priority, a surge of 15 Emergency requests in 7 days (day 120) and a
/// withdrawal shock (day 250: the State with most places withdraws, five persons need re-relocation elsewhere).
/// </summary>
internal sealed class Scenario
{
    public const int Days = 365;
    public const int SurgeDay = 120;
    public const int WithdrawalDay = 250;
    public static readonly DateOnly Start = new(2027, 1, 1);

    private readonly int _seed;

    /// <summary>Every State offers and answers the next day: isolates the matching from the States' behaviour.</summary>
    public bool PerfectStates { get; init; }

    private Scenario(int seed, IReadOnlyList<SimState> states, IReadOnlyList<SimRow> rows, IReadOnlyList<SimRequest> requests, string withdrawing)
    {
        _seed = seed;
        States = states;
        Rows = rows;
        Requests = requests;
        Withdrawing = withdrawing;
        StateObjects = states.ToDictionary(s => s.Code, s => State.Register(s.Code, new StateCommand(s.Code, s.Region, s.Languages, true, true, [])), StringComparer.Ordinal);
        var agreed = (IReadOnlySet<string>)states.Where(s => s.Agreement).Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        Agreements = Enum.GetValues<RelocationKind>().ToDictionary(k => k, _ => agreed);
    }

    public IReadOnlyList<SimState> States { get; }

    public IReadOnlyList<SimRow> Rows { get; }

    public IReadOnlyList<SimRequest> Requests { get; }

    public string Withdrawing { get; }

    public Dictionary<string, State> StateObjects { get; }

    public Dictionary<RelocationKind, IReadOnlySet<string>> Agreements { get; }

    public static DateOnly Date(int day) => Start.AddDays(day);

    public static (int Window, int Due) Clock(RelocationPriority priority) => priority switch
    {
        RelocationPriority.Emergency => (1, 7),
        RelocationPriority.Urgent => (3, 42),
        _ => (14, 365),
    };

    public static int Weight(RelocationPriority priority) => priority switch
    {
        RelocationPriority.Emergency => 100,
        RelocationPriority.Urgent => 10,
        _ => 1,
    };

    /// <summary>Whether State <paramref name="state"/> would offer a place to the request, and on which day it answers: the same in every replay.</summary>
    public (bool Offer, int AnswerDay) Answer(SimRequest request, SimState state, int askedOn)
    {
        if (PerfectStates)
        {
            return (true, askedOn + 1);
        }

        var offer = Unit(request.Id, state.Code, 1) < state.OfferProbability;
        var scale = request.Priority switch { RelocationPriority.Emergency => 0.25, RelocationPriority.Urgent => 0.6, _ => 2.0 };
        var delay = 1 + (int)Math.Floor(-Math.Log(1 - Unit(request.Id, state.Code, 2)) * state.DelayMeanDays * scale);
        return (offer, askedOn + delay);
    }

    private double Unit(string a, string b, int salt)
    {
        var h = (ulong)_seed * 0x9E3779B97F4A7C15UL;
        foreach (var ch in $"{a}|{b}|{salt}")
        {
            h = (h ^ ch) * 0x100000001B3UL;
            h ^= h >> 29;
        }

        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    public static Scenario Generate(int seed, bool perfectStates = false)
    {
        var random = new Random(seed);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "states.json")));
        var states = json.RootElement.EnumerateArray().Select(e => new SimState(
            e.GetProperty("code").GetString()!,
            Enum.Parse<RegionalGroup>(e.GetProperty("region").GetString()!),
            e.GetProperty("languages").ValueKind == JsonValueKind.Array ? e.GetProperty("languages").EnumerateArray().Select(l => l.GetString()!).ToArray() : ["en"],
            0.35 + (0.55 * random.NextDouble()),
            1 + (5 * random.NextDouble()),
            random.NextDouble() < 0.3)).ToArray();

        var rows = new List<SimRow>();
        void AddRow(int day)
        {
            var state = states[random.Next(states.Length)];
            RelocationKind[] kinds = random.NextDouble() < 0.6 ? [RelocationKind.WitnessRelocation, RelocationKind.TemporaryRelocation]
                : random.Next(2) == 0 ? [RelocationKind.WitnessRelocation] : [RelocationKind.TemporaryRelocation];
            var terms = new CapacityTerms(kinds, 1 + random.Next(5), Pick(random, [1, 2, 3, 3, 4, 4, 5, 6]), state.Languages, random.NextDouble() < 0.3,
                Date(day), Date(day + 300 + random.Next(400)), random.NextDouble() < 0.5);
            rows.Add(new SimRow($"row-{rows.Count:D3}", state.Code, day, terms));
        }

        for (var i = 0; i < 25; i++)
        {
            AddRow(0);
        }

        var requests = new List<SimRequest>();
        SimRequest NewRequest(int day, RelocationPriority priority, bool surge, string? excluded)
        {
            var languages = random.NextDouble() < 0.7 ? [Pick(random, states[random.Next(states.Length)].Languages)] : Array.Empty<string>();
            return new SimRequest($"{requests.Count + 1:D4}", day, priority, random.NextDouble() < 0.6 ? RelocationKind.WitnessRelocation : RelocationKind.TemporaryRelocation,
                Pick(random, [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6]), random.NextDouble() < (surge ? 0.4 : 0.2), languages,
                random.NextDouble() < 0.3 ? (RegionalGroup)random.Next(1, 6) : null, surge, excluded);
        }

        string? withdrawing = null;
        for (var day = 0; day < Days; day++)
        {
            for (var n = Poisson(random, 2.0 / 30); n > 0; n--)
            {
                AddRow(day);
            }

            if (day == WithdrawalDay)
            {
                withdrawing = rows.Where(r => r.Day <= day).GroupBy(r => r.StateCode).OrderByDescending(g => g.Sum(r => r.Terms.Places)).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
                for (var i = 0; i < 5; i++)
                {
                    requests.Add(NewRequest(day, RelocationPriority.Urgent, surge: false, withdrawing));
                }
            }

            if (day is >= SurgeDay and < SurgeDay + 7)
            {
                for (var i = 0; i < (day - SurgeDay < 1 ? 3 : 2); i++)
                {
                    requests.Add(NewRequest(day, RelocationPriority.Emergency, surge: true, null));
                }
            }

            foreach (var (priority, rate) in new[] { (RelocationPriority.Emergency, 0.03), (RelocationPriority.Urgent, 0.08), (RelocationPriority.Normal, 0.1) })
            {
                for (var n = Poisson(random, rate); n > 0; n--)
                {
                    requests.Add(NewRequest(day, priority, surge: false, null));
                }
            }
        }

        return new Scenario(seed, states, rows, requests, withdrawing!) { PerfectStates = perfectStates };
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static int Poisson(Random random, double lambda)
    {
        var limit = Math.Exp(-lambda);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            k++;
        }

        return k;
    }
}
