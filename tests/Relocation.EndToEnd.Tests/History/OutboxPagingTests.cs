using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Outbox;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Storage;
using Relocation.Storage.Notifications;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.History;

/// <summary>
/// <c>GET /api/outbox?status=</c> over HTTP from the per-status index (issue 19): the answer stays the bare array
/// PRODUCT.md fixes, a page at a time, newest first, the next page named by the Link header.
/// </summary>
[Collection(QuickPassesCollection.Name)]
public sealed partial class OutboxPagingTests(QuickPassesFixture host)
{
    [Fact]
    public async Task Outbox_FailedInPagesOfTwo_LinkHeaderWalksEachDeliveryOnce()
    {
        // Five messages through the same storage code the workflows use; the host's relay gives each up after one try.
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddRelocationStorage(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataStorage"] = host.Azurite.ConnectionString }).Build())
            .BuildServiceProvider();
        var outbox = provider.GetRequiredService<IOutbox>();
        var keys = Enumerable.Range(0, 5).Select(i => $"paging-{Guid.NewGuid():N}-{i}").ToArray();
        foreach (var key in keys)
        {
            await outbox.AddAsync(new OutboxMessage(key, "Paging", Recipients.Vwu, $"Paging {key}", null, DateTimeOffset.UtcNow, null) { Body = "paging\n" }, CancellationToken.None);
        }

        var expected = keys.Select(NotificationTables.IdFor).ToHashSet(StringComparer.Ordinal);
        List<(JsonElement[] Items, string? Next)> pages = [];
        for (var i = 0; i < 120 && !expected.IsSubsetOf(pages.SelectMany(p => p.Items).Select(d => d.GetProperty("id").GetString()!)); i++)
        {
            await Task.Delay(500);
            pages = await AllPagesAsync("outbox?status=Failed");
        }

        using var bad = await host.SendAsync(HttpMethod.Get, "outbox?status=Sent&page=bm90LWEtdG9rZW4", RelocationScenario.Admin);
        var mine = pages.SelectMany(p => p.Items).Where(d => expected.Contains(d.GetProperty("id").GetString()!)).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), mine.Select(d => d.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(pages, p => Assert.InRange(p.Items.Length, 0, 2));
        Assert.All(pages.SkipLast(1), p => Assert.NotNull(p.Next));
        Assert.Null(pages[^1].Next);
        Assert.All(mine, d => Assert.Equal(("Failed", 1, "Vwu.Officer", "Paging"),
            (d.GetProperty("status").GetString(), d.GetProperty("attempts").GetInt32(), d.GetProperty("recipientRole").GetString(), d.GetProperty("kind").GetString())));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task<List<(JsonElement[] Items, string? Next)>> AllPagesAsync(string first)
    {
        var pages = new List<(JsonElement[], string?)>();
        for (var path = first; path is not null && pages.Count < 50;)
        {
            using var response = await host.SendAsync(HttpMethod.Get, path, RelocationScenario.Admin);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await host.DescribeAsync(response));
            var items = (await LocalHostFixture.JsonAsync(response)).EnumerateArray().ToArray();
            var next = response.Headers.TryGetValues("Link", out var links) && NextLink().Match(string.Join(",", links)) is { Success: true } m
                ? m.Groups["url"].Value
                : null;
            pages.Add((items, next));
            path = next is null ? null : next["/api/".Length..];
        }

        return pages;
    }

    [GeneratedRegex("<(?<url>/api/[^>]+)>;\\s*rel=\"next\"")]
    private static partial Regex NextLink();
}
