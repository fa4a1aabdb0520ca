using System.Net;
using Microsoft.Playwright;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.Browser.Tests;

/// <summary>
/// One Azurite, one local host and one headless Chromium for every browser test (they run one after another in one
/// collection): Norway registered with fund-supported places and an agreement in force, and money in the Special Fund.
/// </summary>
public sealed class ConsoleFixture : LocalHostFixture, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => $"http://127.0.0.1:{Host.Port}/";

    /// <summary>Where screenshots go: kept as test artifacts next to the test results.</summary>
    public static string Artifacts { get; } = Path.Combine(RepositoryRoot(), "artifacts", "console");

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Directory.CreateDirectory(Artifacts);
        await SetUpAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in CI containers: Chromium's sandbox needs user namespaces it does not get there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await DisposeAsync();
    }

    private async Task SetUpAsync()
    {
        var admin = TestTokens.For(Roles.RegistryAdmin);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Expect(HttpMethod.Put, "states/NOR", admin, new StateInputBuilder().With(i => i with { Name = "Norway", Languages = ["en", "fr"] }).BuildBody());
        await Expect(HttpMethod.Post, "states/NOR/capacity", TestTokens.For(Roles.StateFocalPoint, "NOR"), new CapacityInputBuilder().With(i => i with
        {
            Places = 8,
            MaxHouseholdSize = 5,
            AvailableFrom = today.AddDays(-1),
            AvailableUntil = today.AddYears(1),
            NeedsFundSupport = true,
        }).BuildBody());
        var agreement = await Expect(HttpMethod.Post, "agreements", admin, new AgreementInputBuilder().BuildBody());
        var id = agreement.GetProperty("id").GetString();
        var date = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(HttpMethod.Post, $"agreements/{id}/events", admin, new { @event = "Signed", date });
        await Expect(HttpMethod.Post, $"agreements/{id}/events", admin, new { @event = "EnteredIntoForce", date });
        await Expect(HttpMethod.Post, "fund/receipts", TestTokens.For(Roles.FinanceOfficer),
            new { donorStateCode = "NOR", amount = new { value = 100000m, currency = "EUR" }, eurValue = 100000m, date });
    }

    private async Task<System.Text.Json.JsonElement> Expect(HttpMethod method, string path, string token, object body)
    {
        using var response = await SendAsync(method, path, token, body, Guid.NewGuid().ToString("N"));
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Accepted, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await JsonAsync(response);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Relocation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console in Chromium";
}
