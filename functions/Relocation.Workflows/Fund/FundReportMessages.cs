namespace Relocation.Workflows.Fund;

/// <summary>Input of <see cref="FundReportOrchestrator"/>: the report id (also the instance id) and an optional value date.</summary>
public sealed record FundReportRequest(string ReportId, DateOnly? AsOf);

/// <summary>What a finished report produced: only ids, dates and formats.</summary>
public sealed record FundReportResult(string ReportId, DateOnly AsOf, long Sequence, IReadOnlyList<string> Formats);
