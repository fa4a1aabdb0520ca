using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Steps;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Steps;

/// <summary>
/// The pending-step index: its own small table, one partition, a row per step not yet applied. Azurite (and any
/// non-point query on Table Storage) scans the whole table, so the reconciler's sweep costs what is pending now,
/// never what was ever written.
/// </summary>
internal sealed class PendingStepIndex(StorageClients clients) : IPendingSteps
{
    public const string Table = "PendingSteps";
    private const string Partition = "Pending";
    private readonly TableClient _table = clients.Table(Table);

    public async Task AddAsync(PendingStep pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var step = pending;
        var entity = new TableEntity(Partition, RowKey(step.Workflow, step.SubjectId, step.Sequence))
        {
            ["Workflow"] = step.Workflow,
            ["SubjectId"] = step.SubjectId,
            ["Sequence"] = step.Sequence,
            ["RecordedAt"] = step.RecordedAt,
        };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task RemoveAsync(string workflow, string subjectId, int sequence, CancellationToken cancellationToken)
    {
        // A 404 is success here: removed by a concurrent sweep or an earlier run of the same activity.
        await _table.DeleteEntityAsync(Partition, RowKey(workflow, subjectId, sequence), ETag.All, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingStep>> RecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        var list = new List<PendingStep>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            if (e.GetDateTimeOffset("RecordedAt") is { } at && at < cutoff)
            {
                list.Add(new PendingStep(e.GetString("Workflow"), e.GetString("SubjectId"), e.GetInt32("Sequence") ?? 0, at));
            }
        }

        return list.OrderBy(s => s.RecordedAt).ThenBy(s => s.Sequence).Take(max).ToArray();
    }

    private static string RowKey(string workflow, string subjectId, int sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{workflow}|{subjectId}|{sequence:D10}");
}
