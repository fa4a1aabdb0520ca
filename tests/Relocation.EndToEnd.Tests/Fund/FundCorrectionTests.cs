using System.Globalization;
using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>Corrections over HTTP: a reversing posting, never an edit (own host, so the acceptance figures stay exact).</summary>
public sealed class FundCorrectionTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer);
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    private static readonly DateOnly D0 = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30);

    [Fact]
    public async Task CorrectReceipt_ReversingPosting_RestoresPledgeAndKeepsOriginal()
    {
        await RegisterStateAsync("SWE");
        var pledge = await PostAsync("pledges", new { donorStateCode = "SWE", amount = new { value = 1_000m, currency = "SEK" }, eurValue = 90m, date = Day(0) }, "corr-p");
        var receipt = await PostAsync("receipts", new { donorStateCode = "SWE", pledgeId = Id(pledge), amount = new { value = 1_000m, currency = "SEK" }, eurValue = 90m, date = Day(1) }, "corr-r");
        var before = await BalanceAsync();

        var correction = await PostAsync($"postings/{Id(receipt)}/correction", new { eurValue = 90m, date = Day(30), reference = "Entered twice" }, "corr-c");
        using var again = await SendAsync($"postings/{Id(receipt)}/correction", new { eurValue = 90m, date = Day(30) }, "corr-c2");
        using var original = await host.SendAsync(HttpMethod.Get, $"fund/postings/{Id(receipt)}", Finance);
        var after = await BalanceAsync();

        Assert.Equal("Correction", correction.GetProperty("kind").GetString());
        Assert.Equal(Id(receipt), correction.GetProperty("correctsId").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(before.GetProperty("cash").GetDecimal() - 90m, after.GetProperty("cash").GetDecimal());
        Assert.Equal(before.GetProperty("pledgedOutstanding").GetDecimal() + 90m, after.GetProperty("pledgedOutstanding").GetDecimal());
    }

    private static string Day(int n) => D0.AddDays(n).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Id(JsonElement posting) => posting.GetProperty("id").GetString()!;

    private async Task RegisterStateAsync(string code)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"states/{code}", Admin, new StateInputBuilder().BuildBody());
        Assert.True(response.IsSuccessStatusCode, $"PUT states/{code}: {(int)response.StatusCode}");
    }

    private Task<HttpResponseMessage> SendAsync(string route, object body, string key) =>
        host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, $"fund-e2e-{key}");

    private async Task<JsonElement> PostAsync(string route, object body, string key)
    {
        using var response = await SendAsync(route, body, key);
        var json = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST fund/{route}: {(int)response.StatusCode} {json.GetRawText()}");
        return json;
    }

    private async Task<JsonElement> BalanceAsync()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "fund/balance", Finance);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await LocalHostFixture.JsonAsync(response);
    }
}
