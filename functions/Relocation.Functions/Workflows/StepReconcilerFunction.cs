using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Workflows.Common;

namespace Relocation.Functions.Workflows;

/// <summary>
/// The reconciler in Azure: every 10 s (and at start, as the timer runs on start-up too) it re-raises every step
/// recorded on a row and not applied for a few seconds. See docs/durability.md.
/// </summary>
public sealed class StepReconcilerFunction(StepReconciler reconciler)
{
    [Function("StepReconciler")]
    public Task Run([TimerTrigger("*/10 * * * * *", RunOnStartup = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return reconciler.SweepAsync(client, context.CancellationToken);
    }
}
