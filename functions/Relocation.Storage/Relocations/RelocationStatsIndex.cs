using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Relocations;

/// <summary>
/// The statistics lines of the cases, one per case in the partition of the year it was submitted, rewritten with every
/// write of its case (after the case row: a crash in between leaves a line one change behind, which the case's next
/// write repairs). The report reads one year's partition; it never reads the cases.
/// <para><b>Sealed years</b> (docs/storage.md, "Keeping history out of the queried tables"): the year job writes each
/// year two or more years back, create-only, to <c>stats-sealed/{yyyy}.json</c>, then deletes each row it wrote there
/// under the ETag it read. A case submitted in a sealed year can still be written (a long protection case): its write
/// upserts its row again, and a row changed after the job read it is not deleted; so a year's lines are the blob's,
/// each replaced by the table's row for the same case when there is one (the row is always the later write).</para>
/// </summary>
internal sealed class RelocationStatsIndex(StorageClients clients, TimeProvider? time = null) : IRelocationStats, IYearArchive
{
    public const string Table = "RelocationStats";
    public const string SealedContainer = "stats-sealed";
    private const int CachedYears = 4;

    private readonly TableClient _table = clients.Table(Table);
    private readonly BlobContainerClient _sealed = clients.Container(SealedContainer);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // A sealed year's blob never changes (create-only): kept once read, a few years at most.
    private readonly ConcurrentDictionary<int, IReadOnlyList<SealedLine>> _years = new();

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
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (year <= SealableThrough() && await SealedAsync(year, cancellationToken) is { } sealedLines)
        {
            foreach (var line in sealedLines)
            {
                lines[line.Id] = line.Line;
            }
        }

        // After the blob: a row is the case's latest line (written again after the seal, or not yet deleted by it).
        await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Year(year)}"), cancellationToken: cancellationToken))
        {
            lines[e.RowKey] = e.GetString("Line");
        }

        return [.. lines.Values.Select(l => System.Text.Json.JsonSerializer.Deserialize<StatsLine>(l, EntityExtensions.Json)!)];
    }

    public async Task<int> SealClosedYearsAsync(CancellationToken cancellationToken)
    {
        var through = SealableThrough();
        await _sealed.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var rows = new List<TableEntity>();
        // Background job: the sealable years' partitions (year keys sort as text, four digits).
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey le {Year(through)}"), cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var sealedCount = 0;
        foreach (var year in rows.GroupBy(r => int.Parse(r.PartitionKey, CultureInfo.InvariantCulture)).OrderBy(g => g.Key))
        {
            var blob = _sealed.GetBlobClient(YearBlob(year.Key));
            IReadOnlyList<SealedLine> written;
            try
            {
                written = [.. year.Select(r => new SealedLine(r.RowKey, r.GetString("Line")))];
                await blob.UploadAsync(BinaryData.FromObjectAsJson(written, EntityExtensions.Json), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
                sealedCount++;
            }
            catch (RequestFailedException ex) when (ex.IsConflict() || ex.IsPreconditionFailed())
            {
                // Sealed before: by a run that died before deleting its rows, or rows written again since. Only the rows
                // the blob holds as they are leave; a later write's row stays and wins in the report.
                written = await SealedAsync(year.Key, cancellationToken) ?? [];
                sealedCount++;
            }

            var kept = written.ToDictionary(l => l.Id, l => l.Line, StringComparer.Ordinal);
            foreach (var row in year.Where(r => kept.TryGetValue(r.RowKey, out var line) && line == r.GetString("Line")))
            {
                try
                {
                    await _table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
                {
                    // Written again since it was read: the newer line stays in the table.
                }
            }
        }

        return sealedCount;
    }

    /// <summary>This year's and last year's lines stay rows: the years before are sealed.</summary>
    private int SealableThrough() => _time.GetUtcNow().Year - 2;

    private async Task<IReadOnlyList<SealedLine>?> SealedAsync(int year, CancellationToken cancellationToken)
    {
        if (_years.TryGetValue(year, out var cached))
        {
            return cached;
        }

        try
        {
            var content = await _sealed.GetBlobClient(YearBlob(year)).DownloadContentAsync(cancellationToken);
            var lines = content.Value.Content.ToObjectFromJson<List<SealedLine>>(EntityExtensions.Json)!;
            if (_years.Count >= CachedYears)
            {
                _years.Clear();
            }

            _years[year] = lines;
            return lines;
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return null;
        }
    }

    private static string Year(int year) => year.ToString("D4", CultureInfo.InvariantCulture);

    private static string YearBlob(int year) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}.json");

    /// <summary>A case's line as its row held it (the JSON text, compared as is before the row is deleted).</summary>
    private sealed record SealedLine(string Id, string Line);
}
