using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Storage;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>A host whose recent closed caseload keeps 3 lines, so a page of 50 crosses into the archive.</summary>
public sealed class SmallRecentCaseloadHostFixture : LocalHostFixture
{
    public const int RecentSize = 3;

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Caseload__RecentSize"] = RecentSize.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary><c>GET /api/relocations</c> over years of closed cases: the newest from the recent table, the rest from the archive, one listing.</summary>
public sealed class CaseloadHistoryTests(SmallRecentCaseloadHostFixture host) : IClassFixture<SmallRecentCaseloadHostFixture>
{
    [Fact]
    public async Task ListRelocations_ClosedCasesPastTheRecentTable_PagesThroughEveryOneNewestFirstOnce()
    {
        // 55 cases closed over the years, written through the repositories as the application writes them.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataStorage"] = host.Azurite.ConnectionString,
            ["Caseload:RecentSize"] = SmallRecentCaseloadHostFixture.RecentSize.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddRelocationStorage(configuration);
        await using var provider = services.BuildServiceProvider();
        var relocations = provider.GetRequiredService<IRelocationRepository>();
        var now = DateTimeOffset.UtcNow;
        var written = new List<string>();
        for (var i = 0; i < 55; i++)
        {
            var at = now.AddDays(-10 * (i + 1));
            var c = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts($"ICC-01/04-01/{i:D2}", $"H-{i:D3}", RelocationKind.TemporaryRelocation,
                RelocationPriority.Urgent, new Household(1, 0), new Needs(["en"], false)), at, "Vwu.Officer", DateOnly.FromDateTime(at.UtcDateTime));
            c.Cancel("Closed years ago", at.AddDays(2));
            await relocations.AddAsync(c, CancellationToken.None);
            written.Add(c.Id); // newest submission first
        }

        var seen = new List<string>();
        var pageSizes = new List<int>();
        string? page = null;
        do
        {
            using var response = await host.SendAsync(HttpMethod.Get, "relocations?status=Cancelled" + (page is null ? "" : $"&page={Uri.EscapeDataString(page)}"), RelocationScenario.Vwu);
            response.EnsureSuccessStatusCode();
            var answer = await LocalHostFixture.JsonAsync(response);
            var ids = answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
            seen.AddRange(ids);
            pageSizes.Add(ids.Length);
            page = answer.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (page is not null && pageSizes.Count < 10);

        Assert.Equal(written, seen);
        Assert.Equal([50, 5], pageSizes);
    }
}
