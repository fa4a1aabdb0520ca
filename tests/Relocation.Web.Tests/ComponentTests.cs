using Bunit;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Web.Components;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

public sealed class CandidatesListTests
{
    [Fact]
    public void Render_RankedCandidates_ShowsEachScoreAndEveryReason()
    {
        using var ctx = new ConsoleTestContext();
        var list = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, new[]
        {
            new CandidateView(1, "NOR", 87, true, true, ["Agreement in force (WitnessRelocation)", "Speaks en", "Medical care available"]),
            new CandidateView(2, "SWE", 40, false, false, ["Ad hoc: no agreement in force"]),
        }));

        var items = list.FindAll("[data-test=candidate]");
        Assert.Equal(["NOR", "SWE"], items.Select(i => i.GetAttribute("data-state")));
        Assert.Contains("87", items[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(3, items[0].QuerySelectorAll(".reasons li").Length);
        Assert.Contains("Ad hoc: no agreement in force", items[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("agreement in force", items[0].QuerySelector(".tag")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReceivingAndPlannedStates_TaggedByTheirStanding()
    {
        using var ctx = new ConsoleTestContext();
        // As the API answers: read through JSON, so the console's model must carry `standing`.
        var candidates = System.Text.Json.JsonSerializer.Deserialize<CandidateView[]>(
            """[{"rank":1,"stateCode":"TCD","score":30,"hasAgreement":false,"asked":true,"reasons":["r"],"standing":"Receiving"},"""
            + """{"rank":2,"stateCode":"MLI","score":20,"hasAgreement":false,"asked":false,"reasons":["r"],"standing":"Planned"}]""",
            Relocation.Api.Json.ApiJson.Options);

        var list = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, candidates));

        var items = list.FindAll("[data-test=candidate]");
        Assert.NotNull(items[0].QuerySelector("[data-test=receiving]"));
        Assert.Null(items[0].QuerySelector("[data-test=planned]"));
        Assert.NotNull(items[1].QuerySelector("[data-test=planned]"));
    }

    [Fact]
    public void Render_French_ReasonsWordedFromTheirCodesAndArgumentsUnknownCodeAndMissingOneInEnglish()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        var list = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, new[]
        {
            new CandidateView(
                1,
                "NOR",
                1200,
                true,
                false,
                ["plan: planned for this relocation (Emergency)", "same regional group (WesternEuropeanOther)", "3 place(s) free for a household of 2", "a later server's reason", "an older server's reason"],
                [
                    new ExplanationView("PlanPlanned", new Dictionary<string, string> { ["priority"] = "Emergency" }),
                    new ExplanationView("SameRegion", new Dictionary<string, string> { ["region"] = "WesternEuropeanOther" }),
                    new ExplanationView("PlacesFree", new Dictionary<string, string> { ["free"] = "3", ["householdSize"] = "2" }),
                    new ExplanationView("SomethingNew"),
                ]),
        }));

        var reasons = list.FindAll(".reasons li");
        Assert.Equal(
            ["plan : prévu pour cette réinstallation (Extrême urgence)", "même groupe régional (États d'Europe occidentale et autres États)", "3 place(s) libre(s) pour un foyer de 2", "a later server's reason", "an older server's reason"],
            reasons.Select(r => r.TextContent));
        Assert.Equal("SameRegion", reasons[1].GetAttribute("data-reason"));
    }

    [Fact]
    public void Render_EnglishOrArgumentMissing_TheServersEnglishReason()
    {
        using var ctx = new ConsoleTestContext();
        CandidateView[] candidates = [new(1, "NOR", 100, false, false, ["same regional group (African)"], [new ExplanationView("SameRegion")])];

        var english = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, candidates));
        Assert.Equal("same regional group (African)", english.Find(".reasons li").TextContent);

        // French words with a placeholder the server gave no argument for would show the placeholder: English instead.
        ctx.Text.Use("fr");
        var french = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, candidates));
        Assert.Equal("same regional group (African)", french.Find(".reasons li").TextContent);
    }

    // A reason code the domain adds must get its words in both languages, so a French screen never shows English for it.
    [Fact]
    public void Reason_EveryCodeTheDomainGives_HasEnglishAndFrenchWords()
    {
        var english = new Services.Text();
        var french = new Services.Text();
        french.Use("fr");

        Assert.All(Enum.GetNames<CandidateReasonCode>(), code =>
        {
            Assert.True(english["Reason." + code] != "Reason." + code, $"no English words for {code}");
            Assert.True(french["Reason." + code] != english["Reason." + code], $"no French words for {code}");
        });
    }

    [Fact]
    public void Render_NoCandidates_SaysSo()
    {
        using var ctx = new ConsoleTestContext();
        var list = ctx.Render<CandidatesList>(p => p.Add(c => c.Candidates, Array.Empty<CandidateView>()));
        Assert.NotNull(list.Find("[data-test=no-candidates]"));
    }
}

public sealed class CountdownTests
{
    [Fact]
    public void Render_DeadlineAhead_CountsDownAsTheClockMoves()
    {
        using var ctx = new ConsoleTestContext();
        var countdown = ctx.Render<Countdown>(p => p.Add(c => c.Deadline, ctx.Clock.GetUtcNow().AddHours(2).AddMinutes(5)));
        Assert.Equal("2 h 05 min left", countdown.Find("[data-test=countdown]").TextContent);

        ctx.Clock.Advance(TimeSpan.FromMinutes(65));

        countdown.WaitForAssertion(() => Assert.Equal("1 h 00 min left", countdown.Find("[data-test=countdown]").TextContent));
        Assert.DoesNotContain("late", countdown.Find("[data-test=countdown]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DeadlinePassed_SaysHowLateInTheChosenLanguage()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        var countdown = ctx.Render<Countdown>(p => p.Add(c => c.Deadline, ctx.Clock.GetUtcNow().AddDays(-1).AddHours(-3)));
        var text = countdown.Find("[data-test=countdown]");
        Assert.Equal("en retard de 1 d 3 h", text.TextContent);
        Assert.Contains("late", text.ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnderAnHour_ShowsMinutesAndSeconds()
    {
        using var ctx = new ConsoleTestContext();
        var countdown = ctx.Render<Countdown>(p => p.Add(c => c.Deadline, ctx.Clock.GetUtcNow().AddMinutes(9).AddSeconds(7)));
        Assert.Equal("9 min 07 s left", countdown.Find("[data-test=countdown]").TextContent);
    }
}

public sealed class BalanceSeriesTests
{
    [Fact]
    public void AsOfDates_Today_GivesTwentyThreeMonthEndsThenToday()
    {
        var dates = BalanceSeries.AsOfDates(new DateOnly(2026, 11, 30));

        Assert.Equal(24, dates.Count);
        Assert.Equal(new DateOnly(2024, 12, 31), dates[0]);
        Assert.Equal(new DateOnly(2025, 2, 28), dates[2]);
        Assert.Equal(new DateOnly(2026, 10, 31), dates[22]);
        Assert.Equal(new DateOnly(2026, 11, 30), dates[23]);
        Assert.True(dates.Zip(dates.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void Lines_Points_ScaleToTheLargestValueWithZeroAtTheBottom()
    {
        var points = new[]
        {
            new BalancePoint(new DateOnly(2026, 9, 30), 0m, 0m, 0m, 500m),
            new BalancePoint(new DateOnly(2026, 10, 31), 1000m, 250m, 750m, 0m),
        };

        var lines = BalanceSeries.Lines(points).ToDictionary(l => l.Measure, l => l.Points);

        Assert.Equal($"0,{BalanceSeries.Height} {BalanceSeries.Width},0", lines["cash"]);
        Assert.Equal($"0,{BalanceSeries.Height} {BalanceSeries.Width},165", lines["committed"]);
        Assert.Equal($"0,110 {BalanceSeries.Width},{BalanceSeries.Height}", lines["pledged"]);
    }

    [Fact]
    public void Render_Chart_HasALinePerMeasureAndTheNumbersAsATable()
    {
        using var ctx = new ConsoleTestContext();
        var chart = ctx.Render<BalanceChart>(p => p.Add(c => c.Points, new[]
        {
            new BalancePoint(new DateOnly(2026, 10, 31), 1000m, 250m, 750m, 300m),
            new BalancePoint(new DateOnly(2026, 11, 30), 1200m, 250m, 950m, 100m),
        }));

        Assert.Equal(["cash", "committed", "available", "pledged"], chart.FindAll("polyline").Select(p => p.GetAttribute("data-measure")));
        var rows = chart.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("950", rows[1].TextContent, StringComparison.Ordinal);
    }
}
