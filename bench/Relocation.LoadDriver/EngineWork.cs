using System.Globalization;
using Azure.Data.Tables;

namespace Relocation.LoadDriver;

/// <summary>
/// What the engine did per case, counted from the task hub's History table after a run (the durable record of every
/// step, so the count is the engine's own, not a hand count): activities scheduled, timers created, external events
/// received, sub-orchestrations started, and episodes (each one a work item: a history read and write, a queue
/// message taken). Averaged over the run's cases.
/// </summary>
internal sealed record EngineWork(int Cases, double Activities, double Timers, double Events, double SubOrchestrations, double Episodes, double HistoryRows,
    IReadOnlyDictionary<string, double> ActivitiesByName)
{
    public static async Task<EngineWork> CountAsync(string connectionString, string hubName, IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        var history = new TableClient(connectionString, hubName + "History");
        var wanted = instanceIds.ToHashSet(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = 0;
        // A whole-table read, once, after the run: the one place a bench may scan.
        await foreach (var row in history.QueryAsync<TableEntity>(select: ["PartitionKey", "EventType", "Name"], cancellationToken: cancellationToken))
        {
            if (!wanted.Contains(row.PartitionKey))
            {
                continue;
            }

            rows++;
            var type = row.GetString("EventType") ?? "?";
            counts[type] = counts.GetValueOrDefault(type) + 1;
            if (type == "TaskScheduled" && row.GetString("Name") is { } name)
            {
                names[name] = names.GetValueOrDefault(name) + 1;
            }
        }

        double Per(string type) => (double)counts.GetValueOrDefault(type) / Math.Max(1, wanted.Count);
        return new EngineWork(wanted.Count, Per("TaskScheduled"), Per("TimerCreated"), Per("EventRaised"), Per("SubOrchestrationInstanceCreated"), Per("OrchestratorStarted"),
            (double)rows / Math.Max(1, wanted.Count), names.ToDictionary(p => p.Key, p => (double)p.Value / Math.Max(1, wanted.Count), StringComparer.Ordinal));
    }

    public string Line(string run) => string.Create(CultureInfo.InvariantCulture,
        $"engine work per case, {run} ({Cases} cases): {Activities:0.##} activities, {Events:0.##} external events, {Timers:0.##} timers, {SubOrchestrations:0.##} sub-orchestrations, {Episodes:0.##} episodes, {HistoryRows:0.#} history rows; ")
        + string.Join(", ", ActivitiesByName.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.##}")));
}
