using System.Globalization;
using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>Month-end revaluation of outstanding pledges over HTTP (own host): unrealised, reversible by correction.</summary>
public sealed class FundRevaluationTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer);
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly M0 = new(Today.Year, Today.Month, 1);

    [Fact]
    public async Task Revaluation_OutstandingPledge_UnrealisedUntilSettledAndReversibleUntilThen()
    {
        using (var state = await host.SendAsync(HttpMethod.Put, "states/CHE", TestTokens.For(Roles.RegistryAdmin), new StateInputBuilder().BuildBody()))
        {
            Assert.True(state.IsSuccessStatusCode);
        }

        var m1 = M0.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using (var rates = await host.SendAsync(HttpMethod.Put, $"fund/rates/{m1}", Finance, new { rates = new Dictionary<string, decimal> { ["CHF"] = 1.05m } }))
        {
            Assert.Equal(HttpStatusCode.OK, rates.StatusCode);
        }

        // CHF 10,000 pledged at 10,400 EUR; at last month's 1.05 it is carried at 10,500 EUR: +100 unrealised.
        var pledge = await PostAsync("pledges", new { donorStateCode = "CHE", amount = new { value = 10_000m, currency = "CHF" }, eurValue = 10_400m, date = Iso(M0.AddMonths(-2)) }, "p");
        var revaluation = await PostAsync("revaluations", new { month = m1 }, "v1");
        var line = Assert.Single(revaluation.GetProperty("revaluations").EnumerateArray());
        Assert.Equal((pledge.GetProperty("id").GetString(), 100m), (line.GetProperty("pledgeId").GetString(), line.GetProperty("adjustment").GetDecimal()));
        Assert.Equal((10_500m, 100m), await FiguresAsync());

        // Reversed by correction: back to the booked value. Revalued again, then settled: the realised difference is against 10,500.
        await PostAsync($"postings/{revaluation.GetProperty("id").GetString()}/correction", new { eurValue = 100m, date = Iso(Today) }, "v1-c");
        Assert.Equal((10_400m, 0m), await FiguresAsync());
        var again = await PostAsync("revaluations", new { month = m1 }, "v2");
        var receipt = await PostAsync("receipts", new { donorStateCode = "CHE", pledgeId = pledge.GetProperty("id").GetString(), amount = new { value = 10_000m, currency = "CHF" }, eurValue = 10_450m, date = Iso(Today) }, "r");
        Assert.Equal(-50m, receipt.GetProperty("exchangeGainLoss").GetDecimal());
        Assert.Equal((0m, 100m), await FiguresAsync());

        // Once its pledge is settled a revaluation is no longer reversible; nothing outstanding, nothing to revalue; a month not ended, no rates: 400.
        await RefusedAsync($"postings/{again.GetProperty("id").GetString()}/correction", new { eurValue = 100m, date = Iso(Today) }, HttpStatusCode.Conflict);
        await RefusedAsync("revaluations", new { month = m1 }, HttpStatusCode.Conflict);
        await RefusedAsync("revaluations", new { month = M0.ToString("yyyy-MM", CultureInfo.InvariantCulture) }, HttpStatusCode.BadRequest);
        await RefusedAsync("revaluations", new { month = "2010-01" }, HttpStatusCode.BadRequest);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<(decimal PledgedOutstanding, decimal Unrealised)> FiguresAsync()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "fund/balance", Finance);
        var balance = await LocalHostFixture.JsonAsync(response);
        return (balance.GetProperty("pledgedOutstanding").GetDecimal(), balance.GetProperty("unrealisedExchangeGainLoss").GetDecimal());
    }

    private async Task<JsonElement> PostAsync(string route, object body, string key)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, $"reval-{key}");
        var json = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST fund/{route}: {(int)response.StatusCode} {json.GetRawText()}");
        return json;
    }

    private async Task RefusedAsync(string route, object body, HttpStatusCode expected)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, Guid.NewGuid().ToString("N"));
        Assert.True(response.StatusCode == expected, $"POST fund/{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
