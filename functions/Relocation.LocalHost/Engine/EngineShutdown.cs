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
            await worker.StopAsync(cancellationToken);
        }

        try
        {
            await orchestrationService.StopAsync(isForced: false).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException)
        {
            LogSlowStop(logger);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The orchestration service took more than 5 s to stop; leases will expire on their own.")]
    private static partial void LogSlowStop(ILogger logger);
}
