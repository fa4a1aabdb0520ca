using Microsoft.DurableTask.Client;
using Relocation.Workflows.Common;

namespace Relocation.LocalHost.Reconciler;

/// <summary>
/// The local host's reconciler: a sweep at start (steps stranded by a crash are re-raised as soon as the engine runs
/// again), then one every <see cref="StepReconcilerOptions.Period"/>. The Functions app runs the same sweep on a timer.
/// </summary>
internal sealed partial class StepReconcilerService(IServiceProvider services, StepReconciler reconciler, ILogger<StepReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("step-reconciler");
        var client = services.GetRequiredService<DurableTaskClient>();
        using var timer = new PeriodicTimer(reconciler.Options.Period);
        do
        {
            try
            {
                await reconciler.SweepAsync(client, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage or the engine not answering (Azurite stopping, a restart): the next sweep tries again.
                LogSweepFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Step reconciler sweep failed ({Error}); retrying at the next period")]
    private static partial void LogSweepFailed(ILogger logger, string error);
}
