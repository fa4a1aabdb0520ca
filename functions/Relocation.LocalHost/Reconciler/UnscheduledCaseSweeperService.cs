using Microsoft.DurableTask.Client;
using Relocation.LocalHost.Hosting;
using Relocation.Workflows.Relocations;

namespace Relocation.LocalHost.Reconciler;

/// <summary>
/// The local host's stand-in for the Functions timer <c>UnscheduledCaseSweeper</c>: at start (a case whose request died
/// between its row and its schedule, in the process this one replaces, is scheduled as soon as its grace period is over)
/// and then every <see cref="UnscheduledCaseSweeperOptions.Period"/>. See docs/durability.md.
/// </summary>
internal sealed partial class UnscheduledCaseSweeperService(IServiceProvider services, UnscheduledCaseSweeper sweeper, TimeProvider time, ILogger<UnscheduledCaseSweeperService> logger)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "unscheduled-cases";

    protected override TimeSpan Period => sweeper.Options.Period;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var result = await sweeper.SweepAsync(services.GetRequiredService<DurableTaskClient>(), cancellationToken);
        if (result.Scheduled > 0)
        {
            LogScheduled(logger, result.Scheduled, result.Looked);
        }
    }

    [LoggerMessage(EventId = 432, Level = LogLevel.Information, Message = "Unscheduled-case sweep: {Scheduled} of {Looked} cases looked at scheduled")]
    private static partial void LogScheduled(ILogger logger, int scheduled, int looked);
}
