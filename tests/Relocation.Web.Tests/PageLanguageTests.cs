using System.Net;
using Bunit;
using Relocation.Web.Components;
using Relocation.Web.Pages;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

/// <summary>
/// Enum values and problems in a French console: the pages that showed a wire name (a region, a kind, an agreement
/// type, a statistics column) or the server's English problem detail now read in French.
/// </summary>
public sealed class PageLanguageTests
{
    [Fact]
    public void States_French_RegionInFrench()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, """[{"code":"NOR","name":"Norway","region":"WesternEuropeanOther","languages":["no","en"],"romeStatuteParty":true,"apicParty":true,"focalPoints":[]}]""");

        var page = ctx.Render<States>();

        page.WaitForAssertion(() => Assert.Contains("États d'Europe occidentale et autres États", page.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("WesternEuropeanOther", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Statistics_French_ColumnsAndTypesAndRegionsInFrench()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, """
            {"year":2026,"total":{"signed":1,"enteredIntoForce":0,"suspended":0,"terminated":0,"expired":0,"inForceAtEnd":1},
             "byTypeAndArrangement":[{"type":"WitnessRelocation","arrangement":"Framework","signed":1,"enteredIntoForce":0,"suspended":0,"terminated":0,"expired":0,"inForceAtEnd":1}],
             "byRegion":[{"region":"African","signed":1,"enteredIntoForce":0,"suspended":0,"terminated":0,"expired":0,"inForceAtEnd":1}]}
            """);

        var page = ctx.Render<Statistics>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table[data-test=statistics]").Count));
        var tables = page.FindAll("table[data-test=statistics]");
        Assert.Equal(["Type", "Modalité", "Signés", "Entrés en vigueur", "Suspendus", "Dénoncés", "Expirés", "En vigueur en fin d'année"], tables[0].QuerySelectorAll("th").Select(h => h.TextContent));
        Assert.Equal(["Réinstallation de témoins", "Accord-cadre", "1"], tables[0].QuerySelectorAll("td").Take(3).Select(d => d.TextContent));
        Assert.Equal("Groupe régional", tables[1].QuerySelector("th")!.TextContent);
        Assert.Equal("États d'Afrique", tables[1].QuerySelector("td")!.TextContent);
    }

    [Fact]
    public void Capacity_French_KindsInFrench()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Domain.Security.Roles.StateFocalPoint, "NOR", "NOR");
        ctx.Text.Use("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, """
            [{"id":"c1","stateCode":"NOR","kinds":["WitnessRelocation","InterimRelease"],"places":4,"held":0,"used":0,"free":4,"maxHouseholdSize":4,"languages":["en"],
              "medicalCare":true,"availableFrom":"2026-01-01","availableUntil":"2027-01-01","needsFundSupport":false,"registeredAt":"2026-11-01T00:00:00Z",
              "confirmedAt":"2026-11-01T00:00:00Z","stale":false,"version":"1"}]
            """);

        var page = ctx.Render<Capacity>();

        page.WaitForAssertion(() => Assert.Contains("Réinstallation de témoin, Mise en liberté provisoire", page.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemBanner_French_StatusWordsThenTheServersDetailMarkedEnglish()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        var problem = new Problem(409, "Conflict.", "The relocation is Cancelled; it cannot be cancelled.", null);

        var banner = ctx.Render<ProblemBanner>(p => p.Add(b => b.Problem, problem));

        Assert.Equal("Cette action n'est pas possible dans l'état actuel.", banner.Find("[data-test=problem-message]").TextContent);
        Assert.Equal("The relocation is Cancelled; it cannot be cancelled.", banner.Find("[data-test=problem-english] [lang=en]").TextContent);
        Assert.StartsWith("Impossible pour le moment", banner.Find("strong").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemBanner_English_TheServersDetailAlone()
    {
        using var ctx = new ConsoleTestContext();
        var banner = ctx.Render<ProblemBanner>(p => p.Add(b => b.Problem, new Problem(409, "Conflict.", "The relocation is Cancelled; it cannot be cancelled.", null)));

        Assert.Equal("The relocation is Cancelled; it cannot be cancelled.", banner.Find("[data-test=problem-message]").TextContent);
        Assert.Empty(banner.FindAll("[data-test=problem-english]"));
    }
}
