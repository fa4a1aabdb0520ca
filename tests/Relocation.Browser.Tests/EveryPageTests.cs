using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Relocation.Domain.Security;

namespace Relocation.Browser.Tests;

/// <summary>Every other screen of every role, at 1280 and 390 px: it renders, nothing overflows the viewport, axe finds nothing serious, a screenshot is kept.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EveryPageTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task EveryScreen_AtWidth_RendersAccessibly(int width)
    {
        var nor = await ConsolePage.SignInAsync(fixture, Roles.StateFocalPoint, "NOR", "en", "nor", width);
        await Visit(nor, "capacity", "Capacity", "[data-test=reconfirm]");
        await nor.Page.Locator("[data-test=reconfirm]").First.ClickAsync();
        await Assertions.Expect(nor.Page.Locator("[data-test=notice]")).ToContainTextAsync("reconfirmed");
        await Visit(nor, "offers", "Offer requests", "h1");
        await nor.CloseAsync();

        var finance = await ConsolePage.SignInAsync(fixture, Roles.FinanceOfficer, null, "en", "finance", width);
        await Visit(finance, "postings", "Postings", "[data-test=post]");
        await finance.Page.Locator("[data-test=post]").ClickAsync();
        await Assertions.Expect(finance.Page.Locator("#p-donor-error")).ToBeVisibleAsync();
        await Visit(finance, "reports", "Reports", "[data-test=generate]");
        await finance.Page.Locator("[data-test=generate]").ClickAsync();
        await Assertions.Expect(finance.Page.Locator("[data-test=report-done]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await finance.CheckAsync("report-done");
        var download = await finance.Page.RunAndWaitForDownloadAsync(() => finance.Page.Locator("[data-test=download-csv]").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        await finance.CloseAsync();

        var admin = await ConsolePage.SignInAsync(fixture, Roles.RegistryAdmin, null, "en", "admin", width);
        await Visit(admin, "agreements", "Agreements", "[data-test=agreement-link]");
        await admin.Page.Locator("[data-test=agreement-link]").First.ClickAsync();
        await admin.Page.Locator("[data-test=agreement-status]").WaitForAsync();
        var events = await admin.Page.Locator("[data-test=event]").EvaluateAllAsync<string[]>("b => b.map(x => x.dataset.event)");
        Assert.Equal(["Suspended", "Terminated"], events);
        await admin.CheckAsync("agreement");
        await Visit(admin, "states", "States", "text=Norway");
        await Visit(admin, "statistics", "Statistics", "[data-test=statistics]");
        await admin.CloseAsync();

        var auditor = await ConsolePage.SignInAsync(fixture, Roles.Auditor, null, "en", "auditor", width);
        await Visit(auditor, "audit", "Audit log", "[data-test=search]");
        // Every sign-in and screen above was audited, so the log shows entries (an answer-shape mismatch once showed 0).
        await Assertions.Expect(auditor.Page.Locator("[data-test=audit] tbody tr").Filter(new() { HasTextRegex = new Regex(@"\d{3}") }).First).ToBeVisibleAsync();
        await auditor.CloseAsync();
    }

    private static async Task Visit(ConsolePage tab, string nav, string heading, string ready)
    {
        await tab.GoAsync(nav);
        await tab.HeadingAsync(heading);
        await tab.Page.Locator(ready).First.WaitForAsync();
        var overflow = await tab.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
        Assert.False(overflow, $"{nav} is wider than the viewport");
        await tab.CheckAsync(nav);
    }
}
