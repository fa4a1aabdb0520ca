using System.Globalization;
using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>
/// Issue 15 over HTTP on its own host: pledges settled in their own currency with the exchange difference booked (the
/// Canada scenario and its mirror), monthly rates, the donor register and write-offs, against a hand-computed table.
/// </summary>
public sealed class FundCurrencyTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer, name: "Finance officer");
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly M0 = new(Today.Year, Today.Month, 1);
    private static readonly DateOnly M1 = M0.AddMonths(-1);
    private static readonly DateOnly M2 = M0.AddMonths(-2);

    [Fact]
    public async Task CanadaScenarioAndMirror_SettledInCurrency_GainAndLossBookedAndBalanceMatchesHandTable()
    {
        using (var state = await host.SendAsync(HttpMethod.Put, "states/CAN", Admin, new StateInputBuilder().BuildBody()))
        {
            Assert.True(state.IsSuccessStatusCode);
        }

        await PutAsync("fund/donors/CA-FOUNDATION", new { name = "A Canadian foundation", kind = "Foundation", country = "CAN" }, HttpStatusCode.Created);
        await PutAsync("fund/donors/CAN", new { name = "Canada", kind = "State" }, HttpStatusCode.Created);
        await PutAsync($"fund/rates/{Month(M2)}", new { rates = new Dictionary<string, decimal> { ["CAD"] = 0.67m } }, HttpStatusCode.OK);
        await PutAsync($"fund/rates/{Month(M1)}", new { rates = new Dictionary<string, decimal> { ["CAD"] = 0.68m } }, HttpStatusCode.OK);
        await PutAsync($"fund/rates/{Month(M0)}", new { rates = new Dictionary<string, decimal> { ["CAD"] = 0.66m } }, HttpStatusCode.OK);

        // Canada pledges CAD 50,000 recorded at 33,500 EUR; pays the full CAD 50,000 when it is worth 34,000 EUR (no eurValue: the month's 0.68).
        var pledge = await PostAsync("pledges", new { donorStateCode = "CAN", amount = Cad(50_000m), eurValue = 33_500m, date = Iso(M2), dueDate = Iso(M1) }, "can-p");
        var receipt = await PostAsync("receipts", new { donorStateCode = "CAN", pledgeId = Id(pledge), amount = Cad(50_000m), date = Iso(M1) }, "can-r");
        Assert.Equal(34_000m, receipt.GetProperty("eurValue").GetDecimal());
        Assert.Equal(500m, receipt.GetProperty("exchangeGainLoss").GetDecimal());
        Assert.Equal(
            new[] { ("Cash", 34_000m), ("Receivable:CAN", -33_500m), ("ExchangeGainLoss:CAN", -500m) },
            receipt.GetProperty("entries").EnumerateArray().Select(e => (e.GetProperty("account").GetString()!, e.GetProperty("eurValue").GetDecimal())));

        // The mirror: a foundation (donorId) pledges CAD 10,000 at 6,700 EUR and pays when it is worth 6,600 EUR.
        var mirror = await PostAsync("pledges", new { donorId = "CA-FOUNDATION", amount = Cad(10_000m), eurValue = 6_700m, date = Iso(M2) }, "fdn-p");
        var mirrorReceipt = await PostAsync("receipts", new { donorId = "CA-FOUNDATION", pledgeId = Id(mirror), amount = Cad(10_000m), date = Iso(M0) }, "fdn-r");
        Assert.Equal(-100m, mirrorReceipt.GetProperty("exchangeGainLoss").GetDecimal());
        Assert.Equal("CA-FOUNDATION", mirrorReceipt.GetProperty("donorId").GetString());
        Assert.False(mirrorReceipt.TryGetProperty("donorStateCode", out _));

        // A pledge at the month's rate (CAD 1,000 × 0.67 = 670 EUR), partly paid (CAD 400 = 272 EUR), the rest written off (398 EUR).
        var small = await PostAsync("pledges", new { donorStateCode = "CAN", amount = Cad(1_000m), date = Iso(M2) }, "small-p");
        Assert.Equal(670m, small.GetProperty("eurValue").GetDecimal());
        await PostAsync("receipts", new { donorStateCode = "CAN", pledgeId = Id(small), amount = Cad(400m), date = Iso(M1) }, "small-r");
        var before = await BalanceAsync();

        // Refusals write nothing: beyond the outstanding CAD 600, another currency, no rate and no eurValue, an unknown donor.
        await RefusedAsync("receipts", new { donorStateCode = "CAN", pledgeId = Id(small), amount = Cad(600.01m), date = Iso(M1) }, HttpStatusCode.Conflict, null);
        await RefusedAsync("receipts", new { donorStateCode = "CAN", pledgeId = Id(small), amount = new { value = 100m, currency = "USD" }, eurValue = 90m, date = Iso(M1) }, HttpStatusCode.BadRequest, "amount.currency");
        await RefusedAsync("pledges", new { donorStateCode = "CAN", amount = new { value = 100m, currency = "USD" }, date = Iso(M1) }, HttpStatusCode.BadRequest, "eurValue");
        await RefusedAsync("pledges", new { donorId = "NO-SUCH-DONOR", amount = Cad(100m), eurValue = 67m, date = Iso(M1) }, HttpStatusCode.BadRequest, "donorId");
        Assert.Equal(before.GetRawText(), (await BalanceAsync()).GetRawText());

        var writeOff = await PostAsync($"pledges/{Id(small)}/write-off", new { date = Iso(M0), reason = "Will not be paid" }, "small-w");
        Assert.Equal(398m, writeOff.GetProperty("eurValue").GetDecimal());
        Assert.Equal(600m, writeOff.GetProperty("amount").GetProperty("value").GetDecimal());
        await RefusedAsync($"pledges/{Id(small)}/write-off", new { date = Iso(M0), reason = "Again" }, HttpStatusCode.Conflict, null);

        // The hand-computed table.
        var balance = await BalanceAsync();
        Assert.Equal(40_872m, balance.GetProperty("cash").GetDecimal());
        Assert.Equal(0m, balance.GetProperty("pledgedOutstanding").GetDecimal());
        Assert.Equal(40_872m, balance.GetProperty("available").GetDecimal());
        Assert.Equal(400m, balance.GetProperty("exchangeGainLoss").GetDecimal());
        Assert.Equal(398m, balance.GetProperty("writtenOff").GetDecimal());
        var donors = balance.GetProperty("byDonor").EnumerateArray().ToDictionary(d => d.GetProperty("donorId").GetString()!);
        Assert.Equal((34_170m, 34_272m, 0m, 500m, 398m), Line(donors["CAN"]));
        Assert.Equal("CAN", donors["CAN"].GetProperty("stateCode").GetString());
        Assert.Equal((6_700m, 6_600m, 0m, -100m, 0m), Line(donors["CA-FOUNDATION"]));

        // The ledger sums to zero, posting by posting and as a whole.
        var total = 0m;
        foreach (var id in new[] { Id(pledge), Id(receipt), Id(mirror), Id(mirrorReceipt), Id(small), Id(writeOff) })
        {
            using var response = await host.SendAsync(HttpMethod.Get, $"fund/postings/{id}", Finance);
            var posting = await LocalHostFixture.JsonAsync(response);
            var sum = posting.GetProperty("entries").EnumerateArray().Sum(e => e.GetProperty("eurValue").GetDecimal());
            Assert.Equal(0m, sum);
            total += sum;
        }

        Assert.Equal(0m, total);
    }

    [Theory]
    [InlineData("2026-13", "{\"rates\":{\"CAD\":0.68}}", "month")]
    [InlineData("2026-05", "{\"rates\":{}}", "rates")]
    [InlineData("2026-05", "{\"rates\":{\"XYZ\":0.68}}", "rates")]
    [InlineData("2026-05", "{\"rates\":{\"CAD\":-1}}", "rates")]
    [InlineData("2026-05", "{\"rates\":{\"EUR\":1}}", "rates")]
    public async Task PutRates_Invalid_Is400NamingTheField(string month, string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"fund/rates/{month}", Finance, body);
        var problem = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Theory]
    [InlineData("CA-FDN", "{\"name\":\"x\",\"kind\":\"State\"}", "kind")]
    [InlineData("CAN", "{\"name\":\"x\",\"kind\":\"Foundation\"}", "kind")]
    [InlineData("CA-FDN", "{\"name\":\"x\",\"kind\":\"Foundation\",\"country\":\"XX\"}", "country")]
    [InlineData("CA-FDN", "{\"kind\":\"Foundation\"}", "name")]
    [InlineData("A:B", "{\"name\":\"x\",\"kind\":\"Foundation\"}", "id")]
    public async Task PutDonor_Invalid_Is400NamingTheField(string id, string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"fund/donors/{Uri.EscapeDataString(id)}", Finance, body);
        var problem = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    private static (decimal, decimal, decimal, decimal, decimal) Line(JsonElement d) => (
        d.GetProperty("pledged").GetDecimal(), d.GetProperty("received").GetDecimal(), d.GetProperty("outstanding").GetDecimal(),
        d.GetProperty("exchangeGainLoss").GetDecimal(), d.GetProperty("writtenOff").GetDecimal());

    private static object Cad(decimal value) => new { value, currency = "CAD" };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string Id(JsonElement posting) => posting.GetProperty("id").GetString()!;

    private async Task PutAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await host.SendAsync(HttpMethod.Put, path, Finance, body);
        Assert.True(response.StatusCode == expected, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonElement> PostAsync(string route, object body, string key)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, $"fx-e2e-{key}");
        var json = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST fund/{route}: {(int)response.StatusCode} {json.GetRawText()}");
        return json;
    }

    private async Task RefusedAsync(string route, object body, HttpStatusCode expected, string? field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, Guid.NewGuid().ToString("N"));
        var problem = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == expected, $"POST fund/{route}: {(int)response.StatusCode} {problem.GetRawText()}");
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        }
    }

    private async Task<JsonElement> BalanceAsync()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "fund/balance", Finance);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await LocalHostFixture.JsonAsync(response);
    }
}
