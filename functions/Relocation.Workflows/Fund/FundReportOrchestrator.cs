using Microsoft.DurableTask;

namespace Relocation.Workflows.Fund;

/// <summary>One per report (instance id = report id): builds the CSV and the workbook and stores them in Blob Storage.</summary>
public sealed class FundReportOrchestrator : TaskOrchestrator<FundReportRequest, FundReportResult>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30)));

    public override async Task<FundReportResult> RunAsync(TaskOrchestrationContext context, FundReportRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new { step = "building" });
        var result = await context.CallActivityAsync<FundReportResult>(nameof(BuildFundReportActivity), input, Retry);
        context.SetCustomStatus(new { step = "stored" });
        return result;
    }
}
