using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Domain.Tests.Relocations;

/// <summary>
/// The relocation statistics on 40 synthetic cases (35 of 2026, 5 of 2025), against a table computed by hand:
/// group A, 20 Emergency temporary relocations: first offer after i hours, placed after 2i hours (i = 1…20), 1 round
/// for i ≤ 15 and 2 after, 3 withdrawn; NOR answers after i hours, MLI answers (after 5 h) only for i &gt; 10.
/// Group B, 12 Urgent witness relocations: an offer after 10j hours for j ≤ 6, placed for j ≤ 4, escalated for j ≥ 7;
/// BRA answers (after 2 h) for j ≤ 3. Group C, 3 Normal acquitted-person relocations asking JPN, no answer.
/// Group D, 5 cases of 2025 (POL): outside the year.
/// </summary>
public sealed class RelocationStatisticsTests
{
    private static readonly DateTimeOffset Start = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, RegionalGroup> Regions = new(StringComparer.Ordinal)
    {
        ["NOR"] = RegionalGroup.WesternEuropeanOther, ["MLI"] = RegionalGroup.African, ["BRA"] = RegionalGroup.LatinAmericanCaribbean,
        ["JPN"] = RegionalGroup.AsiaPacific, ["POL"] = RegionalGroup.EasternEuropean,
    };

    private static IEnumerable<StatsLine> FortyCases()
    {
        for (var i = 1; i <= 20; i++)
        {
            var at = Start.AddDays(i);
            yield return new StatsLine($"a{i}", RelocationPriority.Emergency, RelocationKind.TemporaryRelocation, at, at.AddHours(i), at.AddHours(2 * i),
                i <= 15 ? 1 : 2, false, i <= 3,
                [new StatsResponse("NOR", at, at.AddHours(i)), new StatsResponse("MLI", at, i > 10 ? at.AddHours(5) : null)]);
        }

        for (var j = 1; j <= 12; j++)
        {
            var at = Start.AddDays(30 + j);
            yield return new StatsLine($"b{j}", RelocationPriority.Urgent, RelocationKind.WitnessRelocation, at, j <= 6 ? at.AddHours(10 * j) : null,
                j <= 4 ? at.AddHours(100) : null, j <= 4 ? 1 : 3, j >= 7, false, [new StatsResponse("BRA", at, j <= 3 ? at.AddHours(2) : null)]);
        }

        for (var k = 1; k <= 3; k++)
        {
            var at = Start.AddDays(60 + k);
            yield return new StatsLine($"c{k}", RelocationPriority.Normal, RelocationKind.AcquittedPersonRelocation, at, null, null, 1, false, false,
                [new StatsResponse("JPN", at, null)]);
        }

        for (var d = 1; d <= 5; d++)
        {
            var at = Start.AddYears(-1).AddDays(d);
            yield return new StatsLine($"d{d}", RelocationPriority.Emergency, RelocationKind.TemporaryRelocation, at, at.AddHours(1), at.AddHours(2), 1, true, true,
                [new StatsResponse("POL", at, at.AddHours(1))]);
        }
    }

    [Fact]
    public void Compute_FortySyntheticCases_MatchesTheHandComputedTableWithSmallCellsSuppressed()
    {
        var cases = FortyCases().ToArray();
        Assert.Equal(40, cases.Length);

        var report = RelocationStatistics.Compute(2026, cases, Regions);

        Assert.Equal(("35", "6", "<5"), (report.Requests, report.Escalations, report.Withdrawals));
        Assert.Equal(
            [
                new PriorityKindRow(RelocationPriority.Emergency, RelocationKind.TemporaryRelocation, "20", new Spread("10", "18"), new Spread("20", "36"), "1", "0", "<5"),
                new PriorityKindRow(RelocationPriority.Urgent, RelocationKind.WitnessRelocation, "12", new Spread("30", "60"), new Spread("<5", "<5"), "<5", "6", "0"),
                new PriorityKindRow(RelocationPriority.Normal, RelocationKind.AcquittedPersonRelocation, "<5", new Spread(null, null), new Spread(null, null), null, "0", "0"),
            ],
            report.ByPriorityAndKind);
        Assert.Equal(
            [
                new RegionRow("African", "20", "50", "5"),
                new RegionRow("AsiaPacific", "<5", "<5", null),
                new RegionRow("LatinAmericanCaribbean", "12", "25", "<5"),
                new RegionRow("WesternEuropeanOther", "20", "100", "10"),
            ],
            report.ByRegion);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "<5")]
    [InlineData(4, "<5")]
    [InlineData(5, "5")]
    public void Count_SmallCell_Suppressed(int n, string expected) => Assert.Equal(expected, RelocationStatistics.Count(n));

    [Fact]
    public void From_Case_CarriesNoPseudonymOrReference()
    {
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(1, 0), new Needs(["fr"], false));
        var c = RelocationCase.Submit("r1", facts, Start, "Vwu.Officer", DateOnly.FromDateTime(Start.UtcDateTime));
        c.StartRound(1, [new AskedState("NOR", "cap", false, 1)], Start, Start.AddHours(24));
        c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 1, null, null, null), Start.AddHours(3));

        var line = StatsLine.From(c);

        Assert.Equal(Start.AddHours(3), line.FirstOfferAt);
        Assert.Equal(Start.AddHours(3), Assert.Single(line.Responses).AnsweredAt);
        var json = System.Text.Json.JsonSerializer.Serialize(line);
        Assert.DoesNotContain("W-0421", json, StringComparison.Ordinal);
        Assert.DoesNotContain("ICC-01", json, StringComparison.Ordinal);
    }
}
