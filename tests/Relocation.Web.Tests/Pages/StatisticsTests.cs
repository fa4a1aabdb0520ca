using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Api.Features.Matching;
using Relocation.Api.Json;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

/// <summary>
/// The Registry's statistics page reads the three reports PRODUCT.md gives the Registry administrator; the answers are
/// serialized from the API's own types, so a renamed field fails here rather than showing an empty table.
/// </summary>
public sealed class StatisticsTests
{
    private static readonly string AgreementsReport = """{"year":2026,"byTypeAndArrangement":[],"byRegion":[]}""";

    [Fact]
    public void Show_Relocations_AsksTheRelocationsReportAndShowsItsTablesInFrench()
    {
        using var ctx = SignedIn("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, AgreementsReport);
        var report = new RelocationReport(2026, "12", "<5", "0",
            [new PriorityKindRow(RelocationPriority.Emergency, RelocationKind.WitnessRelocation, "7", new Spread("2.5", "<5"), new Spread(null, null), "1", "<5", "0")],
            [new RegionRow("African", "9", "78", "3.1")]);
        ctx.Handler.Answer(HttpStatusCode.OK, JsonSerializer.Serialize(report, ApiJson.Options));
        var page = ctx.Render<Statistics>();
        page.WaitForAssertion(() => Assert.Single(ctx.Handler.Requests));

        page.Find("#s-report").Change("Relocations");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table[data-test=statistics]").Count));
        Assert.EndsWith("api/reports/relocations?year=2026", ctx.Handler.Requests[1].Request.RequestUri!.ToString(), StringComparison.Ordinal);
        var byPriority = page.FindAll("table[data-test=statistics]")[0];
        Assert.Equal(["Extrême urgence", "Réinstallation de témoin", "7", "2.5 / <5", "– / –"], byPriority.QuerySelectorAll("td").Take(5).Select(d => d.TextContent));
        Assert.Equal("Priorité", byPriority.QuerySelector("th")!.TextContent);
        Assert.Equal(["12", "<5", "0"], page.FindAll("[data-test=statistics-totals] .value").Select(v => v.TextContent));
        Assert.Equal("États d'Afrique", page.FindAll("table[data-test=statistics]")[1].QuerySelector("td")!.TextContent);
    }

    [Fact]
    public void Show_CapacityGaps_AsksWithoutAYearAndNamesEachNeed()
    {
        using var ctx = SignedIn("en");
        ctx.Handler.Answer(HttpStatusCode.OK, AgreementsReport);
        var gaps = new CapacityGapReportDto(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), 4, 3,
            [
                new CapacityGapDto("kind", "InterimRelease", 2, 5, 1, 1, 4),
                new CapacityGapDto("medicalCare", "required", 1, 2, 0, 1, 2),
            ]);
        ctx.Handler.Answer(HttpStatusCode.OK, JsonSerializer.Serialize(gaps, ApiJson.Options));
        var page = ctx.Render<Statistics>();
        page.WaitForAssertion(() => Assert.Single(ctx.Handler.Requests));

        page.Find("#s-report").Change("CapacityGaps");
        Assert.Empty(page.FindAll("#s-year"));
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("table[data-test=statistics]")));
        Assert.EndsWith("api/reports/capacity-gaps", ctx.Handler.Requests[1].Request.RequestUri!.ToString(), StringComparison.Ordinal);
        Assert.Contains("4 requests open now; the plan places 3", page.Find("[data-test=statistics-gaps-summary]").TextContent, StringComparison.Ordinal);
        var cells = page.FindAll("table[data-test=statistics] tbody tr").Select(r => r.QuerySelectorAll("td").Take(2).Select(d => d.TextContent).ToArray()).ToArray();
        Assert.Equal(["Kind", "Interim release"], cells[0]);
        Assert.Equal(["Medical care", "Medical care required"], cells[1]);
    }

    private static ConsoleTestContext SignedIn(string language)
    {
        var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.RegistryAdmin, null, "Registry");
        ctx.Text.Use(language);
        return ctx;
    }
}
