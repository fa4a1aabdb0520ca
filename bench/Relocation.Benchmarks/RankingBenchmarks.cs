using BenchmarkDotNet.Attributes;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;

namespace Relocation.Benchmarks;

/// <summary>Ranking a request against 200 States and 1,000 capacity rows, as at the start of every round.</summary>
[MemoryDiagnoser]
public class RankingBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly RankingRequest _request = new(RelocationKind.TemporaryRelocation, 3, true, ["fr", "en"], new DateOnly(2026, 12, 5), RegionalGroup.African);
    private Capacity[] _capacities = [];
    private Dictionary<string, State> _states = [];
    private HashSet<string> _withAgreement = [];
    private HashSet<string> _asked = [];

    [Params(1000)]
    public int CapacityRows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var codes = AllCountryCodes().Take(200).ToArray();
        var regions = Enum.GetValues<RegionalGroup>();
        string[] languages = ["fr", "en", "es", "ar", "pt", "sw", "ru", "de"];
        _states = codes.ToDictionary(c => c, c => State.Register(c, new StateCommand(c, regions[random.Next(regions.Length)], [languages[random.Next(languages.Length)]], true, true, [])));
        _capacities = Enumerable.Range(0, CapacityRows).Select(i =>
        {
            var terms = CapacityTerms.From(new CapacityCommand(
                [RelocationKind.TemporaryRelocation, (RelocationKind)random.Next(1, 5)],
                random.Next(1, 12), random.Next(1, 8), [languages[random.Next(languages.Length)]], random.Next(3) > 0,
                new DateOnly(2026, 1, 1).AddDays(random.Next(400)), new DateOnly(2027, 6, 1).AddDays(random.Next(400)), random.Next(2) == 0));
            return Capacity.Register($"c{i:D31}", codes[random.Next(codes.Length)], terms, Now.AddDays(-random.Next(200)));
        }).ToArray();
        _withAgreement = codes.Where((_, i) => i % 7 == 0).ToHashSet();
        _asked = codes.Where((_, i) => i % 11 == 0).ToHashSet();
    }

    [Benchmark]
    public int RankAndSelectRound()
    {
        var ranked = CandidateRanker.Rank(_request, _capacities, _states, _withAgreement, _asked, Now);
        return CandidateRanker.SelectRound(ranked, 1, 5).Count;
    }

    private static IEnumerable<string> AllCountryCodes()
    {
        for (var a = 'A'; a <= 'Z'; a++)
        {
            for (var b = 'A'; b <= 'Z'; b++)
            {
                for (var c = 'A'; c <= 'Z'; c++)
                {
                    var code = $"{a}{b}{c}";
                    if (IsoCodes.IsCountry(code))
                    {
                        yield return code;
                    }
                }
            }
        }
    }
}
