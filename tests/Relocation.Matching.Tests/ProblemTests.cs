using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Testing.Builders;
using static Relocation.Matching.Tests.Instances;

namespace Relocation.Matching.Tests;

public sealed class ProblemTests
{
    private static readonly string[] Codes = ["NOR", "SWE", "MLI", "FRA", "ARG", "KEN"];
    private static readonly string[] Spoken = ["en", "fr", "ar", "sw", "es"];

    /// <summary>
    /// A random instance from one seed with languages, regions, agreements, stale rows and exclusions: every term of the
    /// fit and every hard filter varies. <paramref name="rowLanguages"/> more distinct row languages than the bit masks hold
    /// (over 64) exercises the fallback that compares names.
    /// </summary>
    private static PlanningInput Instance(int seed, int rowLanguages = 0)
    {
        var random = new Random(seed);
        var kinds = new[] { RelocationKind.TemporaryRelocation, RelocationKind.WitnessRelocation };
        var capacities = Enumerable.Range(0, random.Next(1, 12)).Select(i =>
        {
            string[] languages = rowLanguages > 0 ? [$"x{random.Next(rowLanguages)}", Spoken[random.Next(Spoken.Length)]] : [Spoken[random.Next(Spoken.Length)]];
            var capacity = Capacity.Register($"c{i}", Codes[random.Next(Codes.Length)], new CapacityTerms([kinds[random.Next(2)]], random.Next(1, 6), random.Next(1, 7),
                languages, random.Next(3) == 0, Due.AddDays(random.Next(-5, 3)), Due.AddDays(random.Next(-2, 30)), random.Next(2) == 0), Now.AddDays(-random.Next(0, 200)));
            if (random.Next(4) == 0)
            {
                capacity.Hold("earlier", 1);
            }

            return capacity;
        }).ToArray();
        var requests = Enumerable.Range(0, random.Next(1, 10)).Select(i => new PlanRequest($"r{i}", $"W-{i}", (RelocationPriority)random.Next(1, 4),
            new RankingRequest(kinds[random.Next(2)], random.Next(1, 7), random.Next(4) == 0,
                Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(6) == 0 ? "qu" : Spoken[random.Next(Spoken.Length)]).ToArray(), Due,
                random.Next(2) == 0 ? (RegionalGroup)random.Next(1, 6) : null),
            Now.AddMinutes(random.Next(100)), random.Next(5) == 0 ? new Dictionary<string, string> { [Codes[random.Next(Codes.Length)]] = "withdrew from this person" } : null)).ToArray();
        var states = Codes.ToDictionary(c => c, c => State.Register(c, new StateInputBuilder().With(s => s with
        {
            Languages = [Spoken[random.Next(Spoken.Length)]],
            Region = (RegionalGroup)random.Next(1, 6),
        }).Build()), StringComparer.Ordinal);
        var agreed = (IReadOnlySet<string>)Codes.Where(_ => random.Next(3) == 0).ToHashSet(StringComparer.Ordinal);
        return new PlanningInput(requests, capacities, states, new Dictionary<RelocationKind, IReadOnlySet<string>> { [kinds[random.Next(2)]] = agreed }, Now);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70)]
    public void From_FixedSeeds_PrecomputedFiltersAndFitEqualTheExplainedOnes(int rowLanguages)
    {
        // The precomputed matrix (row facts, bit masks) must say what the explanations say, pair by pair: the model is
        // built from one and the reader is shown the other.
        var pairs = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var problem = Problem.From(Instance(seed, rowLanguages));
            for (var r = 0; r < problem.Requests.Length; r++)
            {
                for (var c = 0; c < problem.Capacities.Length; c++)
                {
                    Assert.Equal(problem.HardFilter(r, c) is null, problem.Feasible[r].Contains(c));
                    Assert.Equal(problem.Passes(r, c), problem.Feasible[r].Contains(c));
                    if (problem.Feasible[r].Contains(c))
                    {
                        Assert.Equal(problem.Fit(r, c, []), problem.FitOf(r, c));
                        pairs++;
                    }
                }
            }
        }

        Assert.True(pairs > 500, $"only {pairs} feasible pairs: the instances do not exercise the fit");
    }
}
