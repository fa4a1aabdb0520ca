using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Audit;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Audit;

/// <summary>
/// The audit log's closed months as immutable blobs, one per month (<c>{yyyyMM}.json</c>: the month's whole chain,
/// oldest first, with each entry's sequence and hashes as the table stored them). Ten years of entries in the table
/// would make every table operation slower on Azurite (it walks whole tables and rewrites its whole database file while
/// anything is written), and in Azure would be rows nobody point-reads; a month's chain is written once and read whole.
/// A month is sealed once it has been over for <see cref="Grace"/>: an entry lands in the month of its request's time,
/// so only a request that took longer could still append to it. Should one, the table keeps the month's head row (the
/// chain never restarts), so the entry chains on in the table after the sealed ones, where the log's reads find it. The
/// entries leave the table only after the blob is written and read back.
/// </summary>
public sealed class AuditArchive(StorageClients clients, TimeProvider time, string table = TableNames.Audit) : IAuditArchive
{
    private const int CachedMonths = 4;
    private const string SealedColumn = AuditLog.SealedColumn;

    private readonly TableClient _table = clients.Table(table);
    private readonly BlobContainerClient _container = clients.Container(ContainerFor(table));
    private readonly ConcurrentDictionary<string, SealedMonth> _cache = new(StringComparer.Ordinal);

    /// <summary>The sealed months' container beside a given audit table (<c>audit-sealed</c> for the log's own).</summary>
    public static string ContainerFor(string table) => (table ?? throw new ArgumentNullException(nameof(table))).ToLowerInvariant() + "-sealed";

    /// <summary>How long a month stays open to late appends after it ends: an entry is dated by its request, and none lasts a day.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromDays(1);

    /// <summary>Whether a month can hold sealed entries: a month that ended more than <see cref="Grace"/> ago.</summary>
    internal bool MaySealed(string partition) =>
        string.CompareOrdinal(partition, AuditLog.Partition(time.GetUtcNow() - Grace)) < 0;

    public async Task<int> SealClosedMonthsAsync(CancellationToken cancellationToken)
    {
        // Background: the heads tell which months the table holds (the table holds the open months and the heads only).
        var sealedCount = 0;
        var heads = new List<string>();
        await foreach (var head in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {AuditLog.HeadRow}"), select: ["PartitionKey", SealedColumn], cancellationToken: cancellationToken))
        {
            if (head.GetBoolean(SealedColumn) != true)
            {
                heads.Add(head.PartitionKey);
            }
        }

        foreach (var partition in heads.Where(MaySealed).Order(StringComparer.Ordinal))
        {
            var rows = new List<TableEntity>();
            await foreach (var e in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {AuditLog.EntryRowsBelow}"), cancellationToken: cancellationToken))
            {
                rows.Add(e);
            }

            if (rows.Count == 0)
            {
                continue;
            }

            var existing = await ReadAsync(partition, cancellationToken);
            var entries = rows.Select(ToSealed).OrderBy(e => e.Sequence).ToList();
            if (existing is null)
            {
                await UploadAsync(new SealedMonth(partition, entries), cancellationToken);
                existing = await ReadAsync(partition, cancellationToken) ?? throw new InvalidOperationException($"The sealed audit month {partition} could not be read back.");
                sealedCount++;
            }

            // Only rows the blob holds, with the same hash, leave the table.
            var kept = existing.Entries.ToDictionary(e => e.Sequence, e => e.Hash);
            var deletable = rows.Where(r => kept.TryGetValue(r.GetInt64("Sequence") ?? -1, out var h) && h == r.GetString("Hash")).ToList();
            foreach (var chunk in deletable.Chunk(100))
            {
                await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            }

            if (deletable.Count == rows.Count)
            {
                // Marked on the head, which stays (the chain never restarts): the next runs skip the month.
                await _table.UpdateEntityAsync(new TableEntity(partition, AuditLog.HeadRow) { [SealedColumn] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            }
        }

        return sealedCount;
    }

    /// <summary>
    /// Writes a month's chain as sealed, hashing it as the log does, and its head row: for importing history without
    /// passing it through the table (the history bench's generator, a migration). The month must not be in the table.
    /// </summary>
    public async Task WriteSealedMonthAsync(string partition, IEnumerable<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previous = AuditLog.Genesis(partition);
        var sealedEntries = new List<SealedEntry>();
        long sequence = 0;
        foreach (var entry in entries)
        {
            sequence++;
            var e = entry with { At = AuditLog.Truncate(entry.At), Sequence = sequence };
            var hash = AuditLog.HashOf(partition, sequence, previous, e);
            sealedEntries.Add(new SealedEntry(sequence, previous, hash, e.At, e.Subject, e.SubjectName, e.Role, e.StateCode, e.Action, e.Resource, e.Status, e.CorrelationId, e.Reason, e.About));
            previous = hash;
        }

        await UploadAsync(new SealedMonth(partition, sealedEntries), cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(partition, AuditLog.HeadRow) { ["Sequence"] = sequence, ["Hash"] = previous, [SealedColumn] = true }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>A sealed month (cached: it never changes), or null when the month is not sealed.</summary>
    internal async Task<SealedMonth?> ReadAsync(string partition, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(partition, out var cached))
        {
            return cached;
        }

        try
        {
            var content = await _container.GetBlobClient(BlobName(partition)).DownloadContentAsync(cancellationToken);
            var month = content.Value.Content.ToObjectFromJson<SealedMonth>(EntityExtensions.Json);
            if (month is null)
            {
                return null;
            }

            if (_cache.Count >= CachedMonths)
            {
                _cache.Clear(); // a few months' chains at most in memory: paging moves from month to month
            }

            _cache[partition] = month;
            return month;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every sealed month's blob ETag, by month: one listing, no download (the verification walk skips a month whose blob is unchanged).</summary>
    internal async Task<Dictionary<string, ETag>> ListSealedAsync(CancellationToken cancellationToken)
    {
        var months = new Dictionary<string, ETag>(StringComparer.Ordinal);
        if (!await _container.ExistsAsync(cancellationToken))
        {
            return months;
        }

        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions(), cancellationToken))
        {
            if (blob.Name.EndsWith(".json", StringComparison.Ordinal) && blob.Properties.ETag is { } etag)
            {
                months[blob.Name[..^".json".Length]] = etag;
            }
        }

        return months;
    }

    /// <summary>A sealed month as stored now, with its ETag: not the cache, because the walk must see a blob changed behind its back.</summary>
    internal async Task<(SealedMonth? Month, ETag ETag)> DownloadAsync(string partition, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(BlobName(partition)).DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<SealedMonth>(EntityExtensions.Json), content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (null, default);
        }
    }

    private async Task UploadAsync(SealedMonth month, CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            // Create-only: in Azure the container's immutability policy forbids changing or deleting it.
            await _container.GetBlobClient(BlobName(month.Partition)).UploadAsync(
                BinaryData.FromObjectAsJson(month, EntityExtensions.Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Sealed already (another host, or a run that died before deleting the rows): that blob is the month.
        }
    }

    private static string BlobName(string partition) => partition + ".json";

    private static SealedEntry ToSealed(TableEntity e)
    {
        var entry = AuditLog.ToEntry(e);
        return new SealedEntry(entry.Sequence, e.GetString("PreviousHash") ?? string.Empty, e.GetString("Hash") ?? string.Empty, entry.At, entry.Subject, entry.SubjectName,
            entry.Role, entry.StateCode, entry.Action, entry.Resource, entry.Status, entry.CorrelationId, entry.Reason, entry.About);
    }
}

/// <summary>One month's chain as sealed, oldest first.</summary>
internal sealed record SealedMonth(string Partition, IReadOnlyList<SealedEntry> Entries);

/// <summary>An entry as the table stored it: the chain's fields and the entry.</summary>
internal sealed record SealedEntry(long Sequence, string PreviousHash, string Hash, DateTimeOffset At, string Subject, string SubjectName, string Role, string? StateCode,
    string Action, string Resource, int Status, string CorrelationId, string? Reason, string? About = null)
{
    public AuditEntry ToEntry() => new(At, Subject, SubjectName, Role, StateCode, Action, Resource, Status, CorrelationId, Reason, Sequence, About);

    /// <summary>As the table row it was: what the verification walks.</summary>
    public TableEntity ToEntity(string partition) => new(partition, AuditLog.RowKey(Sequence))
    {
        ["Sequence"] = Sequence,
        ["PreviousHash"] = PreviousHash,
        ["Hash"] = Hash,
        ["At"] = At,
        ["Subject"] = Subject,
        ["SubjectName"] = SubjectName,
        ["Role"] = Role,
        ["StateCode"] = StateCode,
        ["Action"] = Action,
        ["Resource"] = Resource,
        ["Status"] = Status,
        ["CorrelationId"] = CorrelationId,
        ["Reason"] = Reason,
        ["About"] = About,
    };
}
