using System.Globalization;
using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using CsvHelper;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>The Special Fund over HTTP on the local host: the acceptance scenario, end to end.</summary>
public sealed class FundTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer, name: "Finance officer");
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly DateOnly D0 = Today.AddDays(-30);

    [Fact]
    public async Task Fund_AcceptanceScenario_BalancesAndReportsMatch()
    {
        await RegisterStateAsync("NLD");
        await RegisterStateAsync("JPN");

        // Pledges: 100,000 EUR from the Netherlands, 50,000 USD (46,000 EUR) from Japan.
        var nld = await PostAsync("pledges", new { donorStateCode = "NLD", amount = new { value = 100_000m, currency = "EUR" }, eurValue = 100_000m, date = Day(0) }, "p-nld");
        var jpn = await PostAsync("pledges", new { donorStateCode = "JPN", amount = new { value = 50_000m, currency = "USD" }, eurValue = 46_000m, date = Day(1), reference = "Note verbale" }, "p-jpn");

        // Part of each is received.
        var nldReceiptBody = new { donorStateCode = "NLD", pledgeId = Id(nld), amount = new { value = 60_000m, currency = "EUR" }, eurValue = 60_000m, date = Day(10) };
        var nldReceipt = await PostAsync("receipts", nldReceiptBody, "r-nld");
        await PostAsync("receipts", new { donorStateCode = "JPN", pledgeId = Id(jpn), amount = new { value = 20_000m, currency = "USD" }, eurValue = 18_400m, date = Day(20) }, "r-jpn");
        var afterReceipts = await BalanceAsync(null);

        // The same receipt again with the same key: the same answer, nothing new.
        var replay = await PostAsync("receipts", nldReceiptBody, "r-nld");
        Assert.Equal(Id(nldReceipt), Id(replay));
        Assert.Equal(afterReceipts.GetProperty("sequence").GetInt64(), (await BalanceAsync(null)).GetProperty("sequence").GetInt64());

        // A receipt beyond what Japan still owes on its pledge (27,600 EUR): 409, nothing written.
        using (var over = await SendAsync("receipts", new { donorStateCode = "JPN", pledgeId = Id(jpn), amount = new { value = 30_001m, currency = "USD" }, eurValue = 27_600.01m, date = Day(21) }, "r-jpn-over"))
        {
            Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        }

        Assert.Equal(afterReceipts.GetRawText(), (await BalanceAsync(null)).GetRawText());

        // Commit for a relocation (a real, open case); more than is available is refused.
        var firstCase = await RelocationScenario.OpenCaseAsync(host, "9001");
        var secondCase = await RelocationScenario.OpenCaseAsync(host, "9002");
        var commitment = await PostAsync("commitments", new { relocationId = firstCase, eurValue = 50_000m, date = Day(30) }, "c-1");
        using (var overCommit = await SendAsync("commitments", new { relocationId = secondCase, eurValue = 28_400.01m, date = Day(30) }, "c-2"))
        {
            Assert.Equal(HttpStatusCode.Conflict, overCommit.StatusCode);
        }

        // Disburse against it; beyond what remains is refused.
        await PostAsync("disbursements", new { commitmentId = Id(commitment), eurValue = 20_000m, payee = "Relocation service provider", date = Day(30) }, "d-1");
        using (var overDisburse = await SendAsync("disbursements", new { commitmentId = Id(commitment), eurValue = 30_000.01m, payee = "Relocation service provider", date = Day(30) }, "d-2"))
        {
            Assert.Equal(HttpStatusCode.Conflict, overDisburse.StatusCode);
        }

        // Now: received 78,400; paid 20,000; 30,000 still committed; 40,000 + 27,600 pledged outstanding.
        var now = await BalanceAsync(null);
        Assert.Equal(58_400m, now.GetProperty("cash").GetDecimal());
        Assert.Equal(30_000m, now.GetProperty("committed").GetDecimal());
        Assert.Equal(28_400m, now.GetProperty("available").GetDecimal());
        Assert.Equal(67_600m, now.GetProperty("pledgedOutstanding").GetDecimal());
        var nldLine = now.GetProperty("byDonor").EnumerateArray().Single(d => d.GetProperty("stateCode").GetString() == "NLD");
        Assert.Equal((100_000m, 60_000m, 40_000m), (nldLine.GetProperty("pledged").GetDecimal(), nldLine.GetProperty("received").GetDecimal(), nldLine.GetProperty("outstanding").GetDecimal()));

        // As of day 15: only the Dutch receipt, nothing committed yet.
        var earlier = await BalanceAsync(D0.AddDays(15));
        Assert.Equal(60_000m, earlier.GetProperty("cash").GetDecimal());
        Assert.Equal(0m, earlier.GetProperty("committed").GetDecimal());
        Assert.Equal(60_000m, earlier.GetProperty("available").GetDecimal());
        Assert.Equal(86_000m, earlier.GetProperty("pledgedOutstanding").GetDecimal());

        // A report whose totals match the balance, as CSV and as a workbook.
        var (csv, xlsx) = await GenerateReportAsync();
        var csvSummary = ParseCsvSummary(csv);
        var xlsxSummary = ParseXlsxSummary(xlsx);
        foreach (var measure in new[] { "cash", "committed", "available", "pledgedOutstanding" })
        {
            Assert.Equal(now.GetProperty(measure).GetDecimal(), csvSummary[measure]);
            Assert.Equal(now.GetProperty(measure).GetDecimal(), xlsxSummary[measure]);
        }
    }

    [Theory]
    [InlineData("{\"donorStateCode\":\"XXX\",\"amount\":{\"value\":10,\"currency\":\"EUR\"},\"eurValue\":10,\"date\":\"2026-01-05\"}", "donorStateCode")]
    [InlineData("{\"donorStateCode\":\"NOR\",\"amount\":{\"value\":10.001,\"currency\":\"EUR\"},\"eurValue\":10,\"date\":\"2026-01-05\"}", "amount.value")]
    [InlineData("{\"donorStateCode\":\"NOR\",\"amount\":{\"value\":10,\"currency\":\"JPY\"},\"eurValue\":-1,\"date\":\"2026-01-05\"}", "eurValue")]
    [InlineData("{\"donorStateCode\":\"NOR\",\"amount\":{\"value\":1e30,\"currency\":\"EUR\"},\"eurValue\":10,\"date\":\"2026-01-05\"}", "amount.value")]
    [InlineData("{\"donorStateCode\":\"NOR\",\"amount\":{\"value\":10,\"currency\":\"EUR\"},\"eurValue\":10,\"date\":\"2999-01-05\"}", "date")]
    public async Task PostReceipt_InvalidField_Is400NamingIt(string body, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "fund/receipts", Finance, body, Guid.NewGuid().ToString("N"));
        var problem = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Theory]
    [InlineData(Roles.RegistryAdmin)]
    [InlineData(Roles.VwuOfficer)]
    [InlineData(Roles.Auditor)]
    public async Task FundRoutes_OtherRoles_Are403(string role)
    {
        var token = TestTokens.For(role);
        using var balance = await host.SendAsync(HttpMethod.Get, "fund/balance", token);
        using var pledge = await host.SendAsync(HttpMethod.Post, "fund/pledges", token, new { donorStateCode = "NOR", amount = new { value = 1m, currency = "EUR" }, eurValue = 1m, date = Day(0) }, Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.Forbidden, balance.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, pledge.StatusCode);
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

    private async Task<JsonElement> BalanceAsync(DateOnly? asOf)
    {
        var query = asOf is null ? string.Empty : $"?asOf={asOf:yyyy-MM-dd}";
        using var response = await host.SendAsync(HttpMethod.Get, $"fund/balance{query}", Finance);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await LocalHostFixture.JsonAsync(response);
    }

    private async Task<(string Csv, byte[] Xlsx)> GenerateReportAsync()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "fund/reports", Finance, new { }, "fund-e2e-report");
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var statusUrl = (await LocalHostFixture.JsonAsync(created)).GetProperty("statusUrl").GetString()!;

        JsonElement status = default;
        for (var i = 0; i < 600; i++)
        {
            using var poll = await host.SendAsync(HttpMethod.Get, statusUrl["/api/".Length..], Finance);
            status = await LocalHostFixture.JsonAsync(poll);
            if (status.GetProperty("status").GetString() is "Completed" or "Failed")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("Completed", status.GetProperty("status").GetString());
        using var csv = await host.SendAsync(HttpMethod.Get, status.GetProperty("csvUrl").GetString()!["/api/".Length..], Finance);
        using var xlsx = await host.SendAsync(HttpMethod.Get, status.GetProperty("xlsxUrl").GetString()!["/api/".Length..], Finance);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        return (await csv.Content.ReadAsStringAsync(), await xlsx.Content.ReadAsByteArrayAsync());
    }

    private static Dictionary<string, decimal> ParseCsvSummary(string text)
    {
        var summary = new Dictionary<string, decimal>(StringComparer.Ordinal);
        using var reader = CsvReader.FromText(text, CsvReaderOptions.Default);
        while (reader.Read())
        {
            if (reader.GetString("section") == "Summary")
            {
                summary[reader.GetString("measure")] = decimal.Parse(reader.GetString("eur"), CultureInfo.InvariantCulture);
            }
        }

        return summary;
    }

    private static Dictionary<string, decimal> ParseXlsxSummary(byte[] content)
    {
        using var stream = new MemoryStream(content);
        using var workbook = new XLWorkbook(stream);
        var sheet = workbook.Worksheet("Summary");
        var summary = new Dictionary<string, decimal>(StringComparer.Ordinal);
        for (var row = 2; !sheet.Cell(row, 1).IsEmpty(); row++)
        {
            summary[sheet.Cell(row, 1).GetString()] = sheet.Cell(row, 2).GetValue<decimal>();
        }

        return summary;
    }
}
