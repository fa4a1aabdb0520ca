using DurableTask.Core;
using Microsoft.DurableTask.Worker.Hosting;

namespace Relocation.LocalHost.Engine;

/// <summary>
/// Stops the Durable Task worker before Kestrel stops. Otherwise Kestrel waits for the worker's open gRPC stream while
/// the worker, stopped later, keeps reconnecting: a Ctrl+C took the full 30 s shutdown timeout at 100% CPU.
/// Then stops the orchestration service, which releases its partition leases so a restart takes them at once.
/// </summary>
internal sealed partial class EngineShutdown(IServiceProvider services, IOrchestrationService orchestrationService, ILogger<EngineShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in services.GetServices<IHostedService>().OfType<DurableTaskWorker>())
        {
            try
            {
                await worker.StopAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStopFailed(logger, "worker", ex.GetType().Name);
            }
        }

        try
        {
            await orchestrationService.StopAsync(isForced: false).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            if ((orchestrationService as WiderOrchestrationService)?.StopFailure is { } failure)
            {
                LogStopFailed(logger, "orchestration service", failure.GetType().Name);
            }
        }
        catch (TimeoutException)
        {
            LogSlowStop(logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Storage stopped first (Azurite killed, or stopped before us): the Azure Storage provider's lease manager
            // then fails inside StopAsync (a NullReferenceException in AppLeaseManager.StopAsync). Nothing is lost by
            // not stopping cleanly: the leases expire and the next start takes them back.
            LogStopFailed(logger, "orchestration service", ex.GetType().Name);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The {Part} did not stop cleanly ({Error}); its leases will expire on their own.")]
    private static partial void LogStopFailed(ILogger logger, string part, string error);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The orchestration service took more than 5 s to stop; leases will expire on their own.")]
    private static partial void LogSlowStop(ILogger logger);
}
