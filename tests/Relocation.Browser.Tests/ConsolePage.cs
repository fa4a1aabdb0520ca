using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Relocation.Browser.Tests;

/// <summary>One signed-in tab: signs in through /signin, switches language, and checks every page it shows (screenshot, axe, protected details).</summary>
internal sealed class ConsolePage(ConsoleFixture fixture, IBrowserContext context, IPage page, string language, string who)
{
    private readonly List<string> _console = [];

    public IPage Page => page;

    public IReadOnlyList<string> ConsoleMessages => _console;

    public static async Task<ConsolePage> SignInAsync(ConsoleFixture fixture, string role, string? state, string language, string who, int width = 1280)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var console = new ConsolePage(fixture, context, page, language, who);
        page.Console += (_, m) => console._console.Add(m.Text);
        await page.GotoAsync(fixture.BaseUrl + "signin");
        await page.Locator("[data-test=role]").WaitForAsync();
        await console.CheckAsync("signin");
        await page.Locator("[data-test=role]").SelectOptionAsync(role);
        if (state is not null)
        {
            await page.Locator("[data-test=state]").FillAsync(state);
        }

        await page.Locator("[data-test=signin]").ClickAsync();
        await page.Locator("[data-test=who]").WaitForAsync();
        if (language != "en")
        {
            await page.Locator("[data-test=language]").SelectOptionAsync(language);
            await page.Locator($"main[lang={language}]").WaitForAsync();
        }

        return console;
    }

    /// <summary>Client-side navigation through the header menu: a reload would sign out (the token lives in memory only).</summary>
    public async Task GoAsync(string nav) => await page.Locator($"[data-test=nav-{nav}]").ClickAsync();

    public async Task HeadingAsync(string text) =>
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(text);

    /// <summary>A screenshot kept as a test artifact, and axe: no serious or critical finding.</summary>
    public async Task CheckAsync(string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.Artifacts, $"{language}-{who}-{name}-{page.ViewportSize?.Width}.png"), FullPage = true });
        var axe = await page.RunAxe();
        var bad = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
        Assert.True(bad.Length == 0, $"{name}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
    }

    /// <summary>Everything the browser keeps for this tab: web storage, cookies, the address and the title.</summary>
    public async Task<string> BrowserStateAsync() =>
        await page.EvaluateAsync<string>("() => JSON.stringify(Object.entries(localStorage)) + JSON.stringify(Object.entries(sessionStorage)) + document.cookie + location.href + document.title")
        + string.Join("\n", (await context.CookiesAsync()).Select(c => c.Value));

    public async Task CloseAsync() => await context.CloseAsync();

    public ConsoleFixture Fixture => fixture;
}
