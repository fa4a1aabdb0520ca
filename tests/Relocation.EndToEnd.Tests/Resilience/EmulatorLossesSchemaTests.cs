using Azure.Data.Tables;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.LocalHost.Engine;
using Relocation.Testing;
using Relocation.Testing.Faults;
using Relocation.Workflows.Relocations;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The columns <see cref="EmulatorLosses"/> reads (and <c>EmulatorLossesTests</c> builds), read from a real
/// orchestration the engine ran on Azurite: if an engine update renamed them, the harness would silently stop telling
/// the emulator's losses apart (or set aside real ones), and this fails first.
/// </summary>
public sealed class EmulatorLossesSchemaTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task LostWakeUpAsync_ARealCaseAwaitingOffers_ReadsTheEngineColumnsAndSetsNothingAside()
    {
        var s = new RelocationScenario(host, "8301");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Schema Example", "Bunia, Ituri", "+243 820 000"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var instance = RelocationInstance.IdFor(id);
        var instances = new TableClient(host.Azurite.ConnectionString, DurableEngine.TaskHubName + "Instances");
        var history = new TableClient(host.Azurite.ConnectionString, DurableEngine.TaskHubName + "History");

        // The round's activity completed and its deadline timer is set (the engine writes them a moment after the row).
        List<TableEntity> events = [];
        for (var i = 0; i < 100 && !events.Any(e => e.GetString("EventType") == "TimerCreated"); i++)
        {
            await Task.Delay(100);
            events = await ListAsync(history.QueryAsync<TableEntity>(e => e.PartitionKey == instance));
        }

        var row = (await instances.GetEntityAsync<TableEntity>(instance, string.Empty)).Value;
        Assert.Equal("Running", row.GetString("RuntimeStatus"));
        var execution = row.GetString("ExecutionId");
        var scheduled = Assert.Single(events, e => e.GetString("EventType") == "TaskScheduled" && e.GetString("Name") == nameof(StartRelocationRoundActivity));
        Assert.Equal(execution, scheduled.GetString("ExecutionId"));
        Assert.Contains(events, e => e.GetString("EventType") == "TaskCompleted" && e.GetInt32("TaskScheduledId") == scheduled.GetInt32("EventId"));
        Assert.Contains(events, e => e.GetString("EventType") == "TimerCreated" && e.GetInt32("EventId") is not null && e.GetDateTime("FireAt") > DateTime.UtcNow);
        Assert.Contains(await ListAsync(new Azure.Storage.Queues.QueueServiceClient(host.Azurite.ConnectionString).GetQueuesAsync()),
            q => q.Name == $"{DurableEngine.TaskHubName.ToLowerInvariant()}-workitems");

        // Nothing lost here: every activity completed and the timer is not due, so the rule sets nothing aside.
        Assert.Null(await new EmulatorLosses(host.Azurite.ConnectionString).LostWakeUpAsync(instance, DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
