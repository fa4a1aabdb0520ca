using Azure.Data.Tables;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Relocations;

/// <summary>
/// The statistics lines of the cases, one per case in the partition of the year it was submitted, rewritten with every
/// write of its case (after the case row: a crash in between leaves a line one change behind, which the case's next
/// write repairs). The report reads one year's partition; it never reads the cases.
/// </summary>
internal sealed class RelocationStatsIndex(StorageClients clients) : IRelocationStats
{
    public const string Table = "RelocationStats";

    private readonly TableClient _table = clients.Table(Table);

    // A year's lines share a partition: the lines of concurrent case writes are group-committed (docs/storage.md).
    private readonly TableGroupCommit _writes = clients.GroupCommit(Table);

    public async Task PutAsync(StatsLine line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var entity = new TableEntity(Year(line.SubmittedAt.UtcDateTime.Year), line.Id) { ["Line"] = EntityExtensions.ToJson(line) };
        await _writes.UpsertAsync(entity);
    }

    public async Task<IReadOnlyList<StatsLine>> ListYearAsync(int year, CancellationToken cancellationToken)
    {
        var lines = new List<StatsLine>();
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Year(year)}"), cancellationToken: cancellationToken))
        {
            lines.Add(e.FromJson<StatsLine>("Line", null!));
        }

        return lines;
    }

    private static string Year(int year) => year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
