using DurableTask.Core;

namespace Relocation.LocalHost.Engine;

/// <summary>
/// Forwards everything to an orchestration service but reports wider concurrency limits. The in-memory service fixes
/// them at the core count (2 here), and a dispatcher at its limit sleeps 500 ms before looking again: a fan-out of
/// 20 activities took 5 s instead of 46 ms.
/// </summary>
public sealed class WiderOrchestrationService(IOrchestrationService inner, int maxOrchestrations, int maxActivities) : IOrchestrationService
{
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => maxOrchestrations;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => maxActivities;

    private readonly Lock _stopLock = new();
    private Task? _starting;
    private Task? _stopping;

    /// <summary>
    /// Starts the inner service once. A stop asked for meanwhile waits for this start to finish (see
    /// <see cref="StopOnceAsync"/>); a start that still fails once a stop was asked for is recorded, not thrown: the
    /// sidecar starts the service from an async-void ApplicationStarted callback, where an exception ends the process
    /// (seen as a NullReferenceException in AppLeaseManager.RestartAppLeaseStarterTask on a Ctrl+C right after start-up).
    /// </summary>
    public Task StartAsync()
    {
        lock (_stopLock)
        {
            return _starting ??= StartOnceAsync();
        }
    }

    private async Task StartOnceAsync()
    {
        try
        {
            await inner.StartAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && Volatile.Read(ref _stopping) is not null)
        {
            StopFailure = ex;
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    /// <summary>
    /// Stops the inner service once, whoever asks first, and never throws. The sidecar stops it from an async-void
    /// ApplicationStopping callback, where any exception ends the process as unhandled; and the Azure Storage
    /// provider's StopAsync throws a NullReferenceException (in its lease manager) on Ctrl+C, on SIGTERM and when
    /// storage is already gone. Nothing is lost by that: its leases expire and the next start takes them back.
    /// </summary>
    public Task StopAsync(bool isForced)
    {
        lock (_stopLock)
        {
            return _stopping ??= StopOnceAsync(isForced);
        }
    }

    /// <summary>What the one stop threw, if anything, for the engine's shutdown to log.</summary>
    public Exception? StopFailure { get; private set; }

    private async Task StopOnceAsync(bool isForced)
    {
        try
        {
            // Never in the middle of a start: the provider's lease manager, stopped half-started, fails in its start task.
            if (Volatile.Read(ref _starting) is { } starting)
            {
                await starting;
            }

            await inner.StopAsync(isForced);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            StopFailure = ex;
        }
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages,
            continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
}
