using Azure.Data.Tables;
using Azure.Storage.Queues;
using Relocation.LocalHost.Engine;
using Relocation.Testing;
using Relocation.Testing.Faults;
using Relocation.Workflows.Relocations;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The fault harness's rule for what the storage emulator lost (<see cref="EmulatorLosses"/>), on shapes built in a real
/// Azurite task hub (its instance and history tables, its work-item queue, the pending-step index), with the columns
/// the Azure Storage engine writes (the last test reads them from a real orchestration). A step is set aside only when
/// the emulator's loss explains it; any looser rule would hide a lost step from the harness, and these tests fail.
/// </summary>
public sealed class EmulatorLossesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private EmulatorLosses Losses => new(azurite.ConnectionString);

    [Fact]
    public async Task LostByEmulatorAsync_ActivityScheduledNeverCompletedNoWorkItemMessage_SetAside()
    {
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));
        var kill = await AfterAsync();

        var why = await Losses.LostByEmulatorAsync(key, kill);

        Assert.NotNull(why);
        Assert.Contains("activity HoldPlaces #1", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostByEmulatorAsync_ActivityScheduledWithItsWorkItemMessage_NotSetAside()
    {
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));
        await WorkItemAsync(instance, base64: false);
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_ActivityScheduledWithItsWorkItemMessageInBase64_NotSetAside()
    {
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));
        await WorkItemAsync(instance, base64: true);
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_ActivityCompleted_NotSetAside()
    {
        var (key, instance) = await RunningStepAsync();
        var completed = Event(instance, 2, "TaskCompleted");
        completed["TaskScheduledId"] = 1;
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"), completed);
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_ActivityScheduledAfterTheStorageKill_NotSetAside()
    {
        // Scheduled after the restart: its message was sent to the new emulator, and is the engine's to deliver.
        var (key, instance) = await RunningStepAsync();
        var kill = await AfterAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_ActivityOfAnEarlierExecution_NotSetAside()
    {
        var (key, instance) = await RunningStepAsync();
        var earlier = Scheduled(instance, 1, "HoldPlaces");
        earlier["ExecutionId"] = "an-earlier-execution";
        await HistoryAsync(instance, earlier);
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_TimerOverdueByMoreThanAMinute_SetAside()
    {
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Timer(instance, 3, DateTime.UtcNow.AddMinutes(-2)));
        var kill = await AfterAsync();

        var why = await Losses.LostByEmulatorAsync(key, kill);

        Assert.NotNull(why);
        Assert.Contains("timer #3", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostByEmulatorAsync_TimerDueLessThanAMinuteAgo_NotSetAside()
    {
        // Due moments ago: the engine may still fire it (its poll and a restart take seconds); not yet a loss.
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Timer(instance, 3, DateTime.UtcNow.AddSeconds(-20)));
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_TimerOverdueButFired_NotSetAside()
    {
        var (key, instance) = await RunningStepAsync();
        var fired = Event(instance, 4, "TimerFired");
        fired["TimerId"] = 3;
        await HistoryAsync(instance, Timer(instance, 3, DateTime.UtcNow.AddMinutes(-2)), fired);
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_OrchestrationStillPending_SetAside()
    {
        var (key, _) = await StepAsync("Pending");
        var kill = await AfterAsync();

        Assert.Contains("never started", await Losses.LostByEmulatorAsync(key, kill), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostByEmulatorAsync_StepRecordedAfterTheStorageKill_NotSetAside()
    {
        // The history looks lost (saved before the kill, no message), but the step was recorded after the last kill: the
        // kill cannot have taken what it waits for.
        var (key, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));
        var kill = await AfterAsync();
        await RecordedAtAsync(key, kill.AddSeconds(1));

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task LostByEmulatorAsync_RunningWithNothingOpen_NotSetAside()
    {
        // Waiting on nothing the emulator lost (an external event, say): the step is the harness's finding, not set aside.
        var (key, instance) = await RunningStepAsync();
        var completed = Event(instance, 2, "TaskCompleted");
        completed["TaskScheduledId"] = 1;
        await HistoryAsync(instance, Scheduled(instance, 1, "TakeCaseStep"), completed, Timer(instance, 3, DateTime.UtcNow.AddHours(1)));
        var kill = await AfterAsync();

        Assert.Null(await Losses.LostByEmulatorAsync(key, kill));
    }

    [Fact]
    public async Task HistoryTailAndQueuedFor_AStuckInstance_NameItsLastEventsAndItsMessages()
    {
        var (_, instance) = await RunningStepAsync();
        await HistoryAsync(instance, Scheduled(instance, 1, "HoldPlaces"));
        await WorkItemAsync(instance, base64: true);

        var tail = await Losses.HistoryTailAsync(instance);
        var queued = await Losses.QueuedForAsync(instance);

        Assert.StartsWith("1 rows, … TaskScheduled HoldPlaces#1@", tail, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(queued, q => q.Queue.EndsWith("-workitems", StringComparison.Ordinal)).Naming);
    }

    private async Task RecordedAtAsync(string key, DateTimeOffset at) =>
        await new TableClient(azurite.ConnectionString, EmulatorLosses.PendingStepsTable).UpsertEntityAsync(new TableEntity("Pending", key) { ["RecordedAt"] = at });

    private static string HubTable(string suffix) => DurableEngine.TaskHubName + suffix;

    private async Task<(string Key, string Instance)> RunningStepAsync() => await StepAsync("Running");

    /// <summary>A step recorded now in the pending-step index, and its orchestration's instance row with that status.</summary>
    private async Task<(string Key, string Instance)> StepAsync(string status)
    {
        var caseId = Guid.NewGuid().ToString("N");
        var key = $"{Domain.Steps.StepWorkflows.Relocation}|{caseId}|1";
        var instance = RelocationInstance.IdFor(caseId);
        var steps = new TableClient(azurite.ConnectionString, EmulatorLosses.PendingStepsTable);
        await steps.CreateIfNotExistsAsync();
        await steps.UpsertEntityAsync(new TableEntity("Pending", key) { ["RecordedAt"] = DateTimeOffset.UtcNow.AddSeconds(-5) });
        var instances = new TableClient(azurite.ConnectionString, HubTable("Instances"));
        await instances.CreateIfNotExistsAsync();
        await instances.UpsertEntityAsync(new TableEntity(instance, string.Empty) { ["RuntimeStatus"] = status, ["ExecutionId"] = "execution-1" });
        return (key, instance);
    }

    private async Task HistoryAsync(string instance, params TableEntity[] events)
    {
        var history = new TableClient(azurite.ConnectionString, HubTable("History"));
        await history.CreateIfNotExistsAsync();
        foreach (var e in events)
        {
            await history.UpsertEntityAsync(e);
        }
    }

    private static TableEntity Event(string instance, int eventId, string type) =>
        new(instance, eventId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture)) { ["EventType"] = type, ["EventId"] = eventId, ["ExecutionId"] = "execution-1" };

    private static TableEntity Scheduled(string instance, int eventId, string name)
    {
        var e = Event(instance, eventId, "TaskScheduled");
        e["Name"] = name;
        return e;
    }

    private static TableEntity Timer(string instance, int eventId, DateTime fireAt)
    {
        var e = Event(instance, eventId, "TimerCreated");
        e["FireAt"] = DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        return e;
    }

    /// <summary>A work-item message for the instance, as the engine sends an activity's (JSON naming the instance).</summary>
    private async Task WorkItemAsync(string instance, bool base64)
    {
        var queue = new QueueClient(azurite.ConnectionString, $"{DurableEngine.TaskHubName.ToLowerInvariant()}-workitems");
        await queue.CreateIfNotExistsAsync();
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            TaskMessage = new { Event = new { EventType = 4, Name = "HoldPlaces" }, OrchestrationInstance = new { InstanceId = instance, ExecutionId = "execution-1" } },
        });
        await queue.SendMessageAsync(base64 ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)) : json);
    }

    /// <summary>An instant after every row written so far, by the emulator's clock (the rows' timestamps are its).</summary>
    private static async Task<DateTimeOffset> AfterAsync()
    {
        await Task.Delay(50);
        var at = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        return at;
    }
}
