using System.Globalization;
using ClosedXML.Excel;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Relocation.Domain.Fund;
using Relocation.Workflows.Fund;

namespace Relocation.Workflows.Tests.Fund;

public sealed class FundReportTests
{
    private static readonly DateOnly Day = new(2026, 5, 10);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 6, 0, 0, TimeSpan.Zero);

    private static FundBook Book()
    {
        var book = new FundBook();
        var pledge = book.Post(FundCommands.Pledge(new PledgeCommand("NOR", new MoneyFields(1000m, "NOK"), 86m, null, Day, null), Day), "p", Now).Posting;
        book.Post(FundCommands.Receipt(new ReceiptCommand("NOR", pledge.Id, new MoneyFields(500m, "NOK"), 43.5m, null, Day, null), Day), "r", Now);
        var commitment = book.Post(FundCommands.Commitment(new CommitmentCommand("R-7", 40m, Day, null), Day), "c", Now).Posting;
        book.Post(FundCommands.Disbursement(new DisbursementCommand(commitment.Id, 15.25m, "Provider", Day, null), Day), "d", Now);
        return book;
    }

    [Fact]
    public void Csv_Report_SummaryMatchesBalance()
    {
        var report = FundReport.From(Book(), Day, Now);

        var lines = System.Text.Encoding.UTF8.GetString(FundReportWriter.Csv(report)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

        Assert.Equal("section,subject,measure,eur", lines[0]);
        Assert.Contains("Summary,,cash,28.25", lines);
        Assert.Contains("Summary,,committed,24.75", lines);
        Assert.Contains("Summary,,available,3.50", lines);
        Assert.Contains("Summary,,pledgedOutstanding,42.50", lines);
        Assert.Contains("Relocation,R-7,disbursed,15.25", lines);
    }

    [Fact]
    public void Xlsx_Report_SheetsCarryTheSameTotals()
    {
        var report = FundReport.From(Book(), Day, Now);

        using var workbook = new XLWorkbook(new MemoryStream(FundReportWriter.Xlsx(report)));

        Assert.Equal(["Summary", "Donors", "Years", "Relocations"], workbook.Worksheets.Select(w => w.Name));
        Assert.Equal(28.25m, workbook.Worksheet("Summary").Cell(2, 2).GetValue<decimal>());
        Assert.Equal("NOR", workbook.Worksheet("Donors").Cell(2, 1).GetString());
        Assert.Equal(43.5m, workbook.Worksheet("Donors").Cell(2, 3).GetValue<decimal>());
    }

    [Fact]
    public void From_AsOfBeforeEverything_EmptyReport()
    {
        var report = FundReport.From(Book(), Day.AddDays(-1), Now);

        Assert.Equal(0, report.Balance.Cash);
        Assert.Empty(report.Relocations);
    }

    [Theory]
    [InlineData("2026-05-31T23:00:00Z", "2026-06-01T06:00:00Z")]
    [InlineData("2026-06-01T06:00:00Z", "2026-07-01T06:00:00Z")]
    [InlineData("2026-12-15T00:00:00Z", "2027-01-01T06:00:00Z")]
    public void NextMonthlyRun_AnyTime_FirstOfNextDueMonthAtSix(string now, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), FundReportInstance.NextMonthlyRun(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Orchestrator_Report_BuildsAndStoresBothFormats()
    {
        var book = Book();
        var ledger = new Mock<IFundLedger>();
        ledger.Setup(l => l.ReadAllAsync(It.IsAny<CancellationToken>())).Returns(() => Each(book.Postings));
        var store = new Mock<IFundReportStore>();
        var outbox = new Relocation.Testing.Fakes.InMemoryOutbox();
        await using var host = await TestHosts.StartAsync(
            r => r.AddOrchestrator<FundReportOrchestrator>().AddActivity<BuildFundReportActivity>(),
            new DurableTaskTestHostOptions { ConfigureServices = s => s.AddSingleton(ledger.Object).AddSingleton(store.Object).AddSingleton<Relocation.Domain.Outbox.IOutbox>(outbox).AddSingleton(TimeProvider.System) });

        var id = FundReportInstance.MonthlyReportId(Now);
        await FundReportInstance.StartAsync(host.Client, new FundReportRequest(id, Day), CancellationToken.None);
        var done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["csv", "xlsx"], done.ReadOutputAs<FundReportResult>()!.Formats);
        store.Verify(s => s.PutAsync(id, It.Is<FundReportFile>(f => f.Format == "csv"), It.IsAny<CancellationToken>()), Times.Once);
        store.Verify(s => s.PutAsync(id, It.Is<FundReportFile>(f => f.Format == "xlsx"), It.IsAny<CancellationToken>()), Times.Once);
        var ready = Assert.Single(outbox.Messages);
        Assert.Equal(("FundReportReady", "Finance.Officer", id), (ready.Kind, ready.Recipient, ready.RelatedId));
    }

    private static async IAsyncEnumerable<Posting> Each(IEnumerable<Posting> postings)
    {
        foreach (var posting in postings)
        {
            await Task.Yield();
            yield return posting;
        }
    }
}
