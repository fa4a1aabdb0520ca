using Azure.Data.Tables;
using Relocation.LocalHost.Engine;
using Relocation.Workflows.Agreements;
using Relocation.Workflows.Relocations;

namespace Relocation.Testing.Faults;

/// <summary>
/// How the fault harness tells a step the storage emulator's own loss made unrecoverable from one our protocol left
/// behind, read from the task hub's instance and history tables and its queues. Its own class, so its rule is tested on
/// shapes built in a real task hub (<c>EmulatorLossesTests</c>), not only on the rare run where a storage kill produces one:
/// a change that sets aside more than the emulator's losses would hide a real lost step from the harness.
/// </summary>
public sealed class EmulatorLosses(string connectionString, string taskHubName = DurableEngine.TaskHubName)
{
    /// <summary>The steps the harness waits for (the pending-step index).</summary>
    public const string PendingStepsTable = "PendingSteps";

    /// <summary>
    /// Why the emulator, not the product, lost step <paramref name="stepKey"/>; null when it did not (the step is then
    /// the harness's finding). Azurite saves its queue and table databases separately, every 5 s, so an ungraceful kill
    /// keeps each as it was at its own last save: the engine's history and instance rows (table) can be newer than its
    /// messages (queue). Two shapes follow, both with the step recorded before <paramref name="lastStorageKill"/>:
    /// <list type="bullet">
    /// <item>the orchestration is still <c>Pending</c>: its instance row was kept and its start message lost, so nothing
    /// ever starts it;</item>
    /// <item>the orchestration is <c>Running</c> and its current execution's history, saved before the kill, waits on an
    /// activity (<c>TaskScheduled</c>) or a durable timer (<c>TimerCreated</c>, also a retry's back-off) that never
    /// completed, and no message naming the instance is left in the task hub's work-item queue (for an activity) or the
    /// timer is past due by more than a minute: the message that would wake it was lost. Raised events then queue
    /// behind the awaited task for ever.</item>
    /// </list>
    /// Azure Storage does not lose an acknowledged message, and a host killed between the engine's writes leaves the
    /// message (it is enqueued before the history is saved, and the inbound message is deleted last), so these are counted
    /// with the emulator's losses, not as ours, each with its evidence in the report.
    /// </summary>
    public async Task<string?> LostByEmulatorAsync(string stepKey, DateTimeOffset lastStorageKill)
    {
        var steps = new TableClient(connectionString, PendingStepsTable);
        var step = await steps.GetEntityIfExistsAsync<TableEntity>("Pending", stepKey);
        if (!step.HasValue || step.Value!.GetDateTimeOffset("RecordedAt") is not { } recordedAt || recordedAt >= lastStorageKill)
        {
            return null;
        }

        var status = await InstanceStatusAsync(stepKey);
        if (status == "Pending")
        {
            return $"step {stepKey}: recorded {recordedAt:HH:mm:ss.fff}, before a storage kill; its orchestration never started (Pending, its start message gone with the emulator's unsaved queue writes)";
        }

        return status == "Running" && InstanceIdOf(stepKey) is { } instanceId && await LostWakeUpAsync(instanceId, lastStorageKill) is { } lostWakeUp
            ? $"step {stepKey}: recorded {recordedAt:HH:mm:ss.fff}, before a storage kill; its orchestration (Running) waits on {lostWakeUp}"
            : null;
    }

    /// <summary>
    /// What the instance's current execution waits on that nothing will deliver, if anything: an activity scheduled
    /// before <paramref name="storageKill"/>, not completed, with no message naming the instance in the work-item
    /// queue; or a timer created before it and due over a minute ago, not fired.
    /// </summary>
    public async Task<string?> LostWakeUpAsync(string instanceId, DateTimeOffset storageKill)
    {
        var instances = new TableClient(connectionString, taskHubName + "Instances");
        var instance = await instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty);
        if (!instance.HasValue || instance.Value!.GetString("ExecutionId") is not { } executionId)
        {
            return null;
        }

        var history = new TableClient(connectionString, taskHubName + "History");
        var events = new List<TableEntity>();
        await foreach (var row in history.QueryAsync<TableEntity>(r => r.PartitionKey == instanceId))
        {
            if (row.GetString("ExecutionId") == executionId)
            {
                events.Add(row);
            }
        }

        var completed = events.Where(e => e.GetString("EventType") is "TaskCompleted" or "TaskFailed").Select(e => e.GetInt32("TaskScheduledId")).ToHashSet();
        var fired = events.Where(e => e.GetString("EventType") == "TimerFired").Select(e => e.GetInt32("TimerId")).ToHashSet();
        var savedBeforeKill = events.Where(e => e.Timestamp < storageKill).ToList();
        var openTask = savedBeforeKill.FirstOrDefault(e => e.GetString("EventType") == "TaskScheduled" && !completed.Contains(e.GetInt32("EventId")));
        if (openTask is not null && (await QueuedForAsync(instanceId)).Where(q => q.Queue.EndsWith("-workitems", StringComparison.Ordinal)).All(q => q.Naming == 0))
        {
            return $"activity {openTask.GetString("Name")} #{openTask.GetInt32("EventId")} scheduled {openTask.Timestamp:HH:mm:ss.fff}, never completed, no message for it in the work-item queue";
        }

        var openTimer = savedBeforeKill.FirstOrDefault(e => e.GetString("EventType") == "TimerCreated" && !fired.Contains(e.GetInt32("EventId"))
            && e.GetDateTime("FireAt") is { } fireAt && fireAt < DateTime.UtcNow.AddMinutes(-1));
        return openTimer is null ? null
            : $"timer #{openTimer.GetInt32("EventId")} created {openTimer.Timestamp:HH:mm:ss.fff}, due {openTimer.GetDateTime("FireAt"):HH:mm:ss.fff}, never fired";
    }

    /// <summary>The orchestration instance a step key names (<c>workflow|id|step</c>), or null for a key of another shape.</summary>
    public static string? InstanceIdOf(string stepKey)
    {
        ArgumentNullException.ThrowIfNull(stepKey);
        var parts = stepKey.Split('|');
        return parts.Length != 3 ? null
            : parts[0] == Domain.Steps.StepWorkflows.Agreement ? AgreementInstance.IdFor(parts[1]) : RelocationInstance.IdFor(parts[1]);
    }

    /// <summary>The last history events of an instance's current execution: type, name, event id, and the row's time.</summary>
    public async Task<string> HistoryTailAsync(string instanceId)
    {
        try
        {
            var history = new TableClient(connectionString, taskHubName + "History");
            var rows = new List<TableEntity>();
            await foreach (var row in history.QueryAsync<TableEntity>(r => r.PartitionKey == instanceId))
            {
                rows.Add(row);
            }

            var tail = rows.Where(r => r.RowKey != "sentinel").OrderBy(r => r.RowKey, StringComparer.Ordinal).TakeLast(8)
                .Select(r => $"{r.GetString("EventType")}{(r.GetString("Name") is { Length: > 0 } name ? " " + name : string.Empty)}" +
                             $"#{r.GetInt32("EventId") ?? r.GetInt32("TaskScheduledId") ?? -1}@{r.Timestamp:HH:mm:ss.fff}");
            return $"{rows.Count} rows, … {string.Join(" → ", tail)}";
        }
        catch (Azure.RequestFailedException e)
        {
            return $"unreadable ({e.Status})";
        }
    }

    /// <summary>
    /// Per task hub queue, how many of its visible messages name the instance and how many were peeked (up to 32, not
    /// taken); -1 for a queue that could not be read.
    /// </summary>
    public async Task<IReadOnlyList<(string Queue, int Naming, int Peeked)>> QueuedForAsync(string instanceId)
    {
        var found = new List<(string, int, int)>();
        var service = new Azure.Storage.Queues.QueueServiceClient(connectionString);
        await foreach (var queue in service.GetQueuesAsync(prefix: taskHubName.ToLowerInvariant()))
        {
            try
            {
                var peeked = await service.GetQueueClient(queue.Name).PeekMessagesAsync(32);
                found.Add((queue.Name, peeked.Value.Count(m => Names(m.Body.ToString(), instanceId)), peeked.Value.Length));
            }
            catch (Azure.RequestFailedException)
            {
                found.Add((queue.Name, -1, -1));
            }
        }

        return found;

        // The engine's messages are JSON, base64-encoded or not depending on its queue client's options.
        static bool Names(string body, string instanceId)
        {
            if (body.Contains(instanceId, StringComparison.Ordinal))
            {
                return true;
            }

            var buffer = new byte[body.Length];
            return Convert.TryFromBase64String(body, buffer, out var written)
                && System.Text.Encoding.UTF8.GetString(buffer, 0, written).Contains(instanceId, StringComparison.Ordinal);
        }
    }

    /// <summary>The runtime status of a step's orchestration, read from the engine's instance table (one point read).</summary>
    public async Task<string?> InstanceStatusAsync(string stepKey)
    {
        if (InstanceIdOf(stepKey) is not { } instanceId)
        {
            return null;
        }

        var instances = new TableClient(connectionString, taskHubName + "Instances");
        try
        {
            var row = await instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty);
            return row.HasValue ? row.Value!.GetString("RuntimeStatus") : null;
        }
        catch (Azure.RequestFailedException)
        {
            return null;
        }
    }
}
