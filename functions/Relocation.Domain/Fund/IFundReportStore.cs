namespace Relocation.Domain.Fund;

/// <summary>A generated report file: <c>csv</c> or <c>xlsx</c>.</summary>
public sealed record FundReportFile(string Format, string ContentType, byte[] Content)
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";
    public const string CsvContentType = "text/csv; charset=utf-8";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>Where fund reports are kept (Blob Storage).</summary>
public interface IFundReportStore
{
    Task PutAsync(string reportId, FundReportFile file, CancellationToken cancellationToken);

    Task<FundReportFile?> GetAsync(string reportId, string format, CancellationToken cancellationToken);
}
