using Microsoft.DurableTask;
using Relocation.Domain.Fund;
using Relocation.Domain.Outbox;

namespace Relocation.Workflows.Fund;

/// <summary>
/// Folds the ledger up to the report's value date and writes both files under the report id; running it again
/// overwrites the same two blobs, so a retried step leaves one report.
/// </summary>
public sealed class BuildFundReportActivity(IFundLedger ledger, IFundReportStore store, IOutbox outbox, TimeProvider time) : TaskActivity<FundReportRequest, FundReportResult>
{
    public override async Task<FundReportResult> RunAsync(TaskActivityContext context, FundReportRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var asOf = input.AsOf ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var book = new FundBook();
        // The report job of an orchestration: the one place the whole ledger is read (docs/storage.md).
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("fund-report");
        await foreach (var posting in ledger.ReadAllAsync(CancellationToken.None))
        {
            book.Apply(posting);
        }

        var report = FundReport.From(book, asOf, time.GetUtcNow());
        await store.PutAsync(input.ReportId, new FundReportFile(FundReportFile.Csv, FundReportFile.CsvContentType, FundReportWriter.Csv(report)), CancellationToken.None);
        await store.PutAsync(input.ReportId, new FundReportFile(FundReportFile.Xlsx, FundReportFile.XlsxContentType, FundReportWriter.Xlsx(report)), CancellationToken.None);
        // Finance hears the report is ready (the monthly one comes on its own); one message per report id.
        await outbox.AddAsync(
            new OutboxMessage($"fund-report-{input.ReportId}-ready", "FundReportReady", Recipients.Finance,
                $"Special Fund report as of {asOf:yyyy-MM-dd} is ready.", input.ReportId, time.GetUtcNow(), null)
            {
                Body = $"The Special Fund report {input.ReportId} as of {asOf:yyyy-MM-dd} is ready as CSV and XLSX.\n",
                Link = ConsoleLinks.FundReports,
            },
            CancellationToken.None);
        return new FundReportResult(input.ReportId, asOf, report.Sequence, [FundReportFile.Csv, FundReportFile.Xlsx]);
    }
}
