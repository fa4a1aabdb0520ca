using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Workflows.Fund;

namespace Relocation.Functions.Workflows;

public static class FundReportOrchestratorFunction
{
    [Function(nameof(FundReportOrchestrator))]
    public static Task<FundReportResult> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new FundReportOrchestrator().RunAsync(context, context.GetInput<FundReportRequest>()!);
}

public sealed class BuildFundReportFunction(BuildFundReportActivity activity)
{
    [Function(nameof(BuildFundReportActivity))]
    public Task<FundReportResult> Run([ActivityTrigger] FundReportRequest input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(BuildFundReportActivity), context), input);
}

/// <summary>The monthly fund report on the schedule of the <c>Fund__MonthlyReportSchedule</c> setting (NCRONTAB, UTC).</summary>
public static class MonthlyFundReportFunction
{
    [Function("MonthlyFundReport")]
    public static Task Run([TimerTrigger("%Fund:MonthlyReportSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = DateTimeOffset.UtcNow;
        return FundReportInstance.StartAsync(client, new FundReportRequest(FundReportInstance.MonthlyReportId(now), null), context.CancellationToken);
    }
}
