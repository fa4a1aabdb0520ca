using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Workflows.Relocations;

namespace Relocation.Functions.Workflows;

/// <summary>
/// Every minute (and at start): schedules the orchestration of any case left <c>Submitted</c> past its grace period
/// without one, because its request died between the case row and the schedule. See docs/durability.md.
/// </summary>
public sealed class UnscheduledCaseSweeperFunction(UnscheduledCaseSweeper sweeper)
{
    public const string Name = "UnscheduledCaseSweeper";

    [Function(Name)]
    public Task Run([TimerTrigger("0 * * * * *", RunOnStartup = true)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return sweeper.SweepAsync(client, context.CancellationToken);
    }
}
