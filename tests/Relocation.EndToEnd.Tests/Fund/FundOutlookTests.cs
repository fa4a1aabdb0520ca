using System.Globalization;
using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>A host whose runway threshold (48 months) the scenario below falls under.</summary>
public sealed class FundWarningHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string> { ["Fund__RunwayWarningMonths"] = "48" };
}

/// <summary>The runway forecast, its warning in finance's inbox, and a donor statement over HTTP, against hand-computed figures.</summary>
public sealed class FundOutlookTests(FundWarningHostFixture host) : IClassFixture<FundWarningHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer, name: "Finance officer");
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task ForecastAndStatement_SyntheticHistory_MatchHandComputationAndNameNoCase()
    {
        using (var state = await host.SendAsync(HttpMethod.Put, "states/NOR", TestTokens.For(Roles.RegistryAdmin), new StateInputBuilder().BuildBody()))
        {
            Assert.True(state.IsSuccessStatusCode);
        }

        // Norway pledges NOK 100,000 (8,600 EUR, due in 60 days), pays NOK 40,000 (3,500 EUR), and gives 5,000 EUR
        // earmarked for witness relocation; a relocation commits 4,000 from that earmark and 3,000 is paid to a State.
        var pledge = await PostAsync("pledges", new { donorStateCode = "NOR", amount = new { value = 100_000m, currency = "NOK" }, eurValue = 8_600m, date = Day(-90), dueDate = Day(60) }, "p");
        await PostAsync("receipts", new { donorStateCode = "NOR", pledgeId = Id(pledge), amount = new { value = 40_000m, currency = "NOK" }, eurValue = 3_500m, date = Day(-80) }, "r1");
        await PostAsync("receipts", new { donorStateCode = "NOR", amount = new { value = 5_000m, currency = "EUR" }, eurValue = 5_000m, earmark = "WitnessRelocation", date = Day(-70) }, "r2");
        var relocation = await RelocationScenario.OpenCaseAsync(host, "0421");
        var commitment = await PostAsync("commitments", new { relocationId = relocation, eurValue = 4_000m, purpose = "WitnessRelocation", date = Day(-60) }, "c");
        await PostAsync("disbursements", new { commitmentId = Id(commitment), eurValue = 3_000m, payee = "MLI", date = Day(-30) }, "d");

        // Cash 5,500, committed 1,000, available 4,500; 3,000 paid in 12 months = 250 a month; 18 months of runway;
        // ⌊18 × 30.4375⌋ = 547 days. Expected: NOK 60,000 still owed, booked at 5,100 EUR.
        var forecast = await GetJsonAsync("fund/forecast");
        Assert.Equal(4_500m, forecast.GetProperty("available").GetDecimal());
        Assert.Equal(1_000m, forecast.GetProperty("committedOutstanding").GetDecimal());
        Assert.Equal(250m, forecast.GetProperty("averageMonthlyDisbursement").GetDecimal());
        Assert.Equal(18m, forecast.GetProperty("runwayMonths").GetDecimal());
        Assert.Equal(Iso(Today.AddDays(547)), forecast.GetProperty("runsOutOn").GetString());
        var expected = Assert.Single(forecast.GetProperty("expectedReceipts").EnumerateArray());
        Assert.Equal((60_000m, "NOK", 5_100m, Day(60)), (expected.GetProperty("amount").GetProperty("value").GetDecimal(), expected.GetProperty("amount").GetProperty("currency").GetString(), expected.GetProperty("eurValue").GetDecimal(), expected.GetProperty("dueDate").GetString()));

        // Under the 48-month threshold: one warning in finance's inbox, however often the forecast is asked for.
        await GetJsonAsync("fund/forecast");
        var inbox = await GetJsonAsync("inbox");
        Assert.Single(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "FundRunwayLow");

        // The statement reconciles to the ledger to the cent and names no relocation, pseudonym or receiving State.
        var statement = await GetJsonAsync($"fund/donors/NOR/statement?from={Day(-365)}&to={Iso(Today)}");
        var balance = await GetJsonAsync($"fund/balance?asOf={Iso(Today)}");
        var line = balance.GetProperty("byDonor").EnumerateArray().Single(d => d.GetProperty("donorId").GetString() == "NOR");
        Assert.Equal(8_600m, statement.GetProperty("pledged").GetDecimal());
        Assert.Equal(8_500m, statement.GetProperty("received").GetDecimal());
        Assert.Equal(5_000m, statement.GetProperty("receivedUnpledged").GetDecimal());
        Assert.Equal(line.GetProperty("outstanding").GetDecimal(), statement.GetProperty("closingOutstanding").GetDecimal());
        Assert.Equal(5_100m, statement.GetProperty("closingOutstanding").GetDecimal());
        Assert.Equal(line.GetProperty("pledged").GetDecimal(), statement.GetProperty("pledged").GetDecimal());
        Assert.Equal(line.GetProperty("received").GetDecimal(), statement.GetProperty("received").GetDecimal());
        var earmark = Assert.Single(statement.GetProperty("earmarks").EnumerateArray());
        Assert.Equal(("WitnessRelocation", 5_000m, 2_000m), (earmark.GetProperty("earmark").GetString(), earmark.GetProperty("received").GetDecimal(), earmark.GetProperty("fundCashRemaining").GetDecimal()));

        using var csvResponse = await host.SendAsync(HttpMethod.Get, $"fund/donors/NOR/statement?from={Day(-365)}&format=csv", Finance);
        var csv = await csvResponse.Content.ReadAsStringAsync();
        using var xlsxResponse = await host.SendAsync(HttpMethod.Get, $"fund/donors/NOR/statement?from={Day(-365)}&format=xlsx", Finance);
        var xlsx = await xlsxResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, xlsxResponse.StatusCode);
        Assert.Contains("Summary,,closingOutstanding,,EUR,,5100.00", csv.Split('\n').Select(l => l.TrimEnd('\r')));
        using (var workbook = new XLWorkbook(new MemoryStream(xlsx)))
        {
            var summary = workbook.Worksheet("Summary");
            var row = Enumerable.Range(2, 10).Single(r => summary.Cell(r, 1).GetString() == "closingOutstanding");
            Assert.Equal(5_100m, summary.Cell(row, 2).GetValue<decimal>());
        }

        foreach (var text in new[] { statement.GetRawText(), csv })
        {
            Assert.DoesNotContain("W-0421", text, StringComparison.Ordinal);
            Assert.DoesNotContain(relocation, text, StringComparison.Ordinal);
            Assert.DoesNotContain("MLI", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Id(commitment), text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("fund/donors/NO-SUCH/statement", HttpStatusCode.NotFound)]
    [InlineData("fund/donors/NOR/statement?format=pdf", HttpStatusCode.BadRequest)]
    [InlineData("fund/donors/NOR/statement?from=2026-05-01&to=2026-04-01", HttpStatusCode.BadRequest)]
    public async Task Statement_BadRequest_ProblemWithoutDetails(string path, HttpStatusCode status)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, Finance);

        Assert.Equal(status, response.StatusCode);
    }

    private static string Day(int offset) => Iso(Today.AddDays(offset));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Id(JsonElement posting) => posting.GetProperty("id").GetString()!;

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, Finance);
        var json = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {json.GetRawText()}");
        return json;
    }

    private async Task<JsonElement> PostAsync(string route, object body, string key)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"fund/{route}", Finance, body, $"outlook-{key}");
        var json = await LocalHostFixture.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST fund/{route}: {(int)response.StatusCode} {json.GetRawText()}");
        return json;
    }
}
