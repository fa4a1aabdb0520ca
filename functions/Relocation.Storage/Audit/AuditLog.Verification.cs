using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Audit;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Audit;

/// <summary>
/// Verification in two halves (docs/storage.md, "Audit verification"). The background walk re-walks every chain and
/// records a checkpoint in <c>{table}Verified</c>: per chain (partition <c>chain</c>, row = month) the last sequence
/// walked, its hash, the count, the break if any and the sealed blob's ETag; and one result row (<c>result/latest</c>)
/// with the totals, the first break, when, and the open chains' positions. A request reads that one row and walks only
/// what the open chains gained since, one page each: what it costs does not grow with the years.
/// </summary>
internal sealed partial class AuditLog
{
    /// <summary>Entries a request walks per open chain after the checkpoint: one page (the next walk covers the rest).</summary>
    internal const int TailPage = 1000;

    private const string ChainPartition = "chain";
    private const string ResultPartition = "result";
    private const string ResultRow = "latest";

    /// <summary>The checkpoint table beside an audit table (<c>AuditVerified</c> for the log's own).</summary>
    public static string VerificationTableFor(string table) => (table ?? throw new ArgumentNullException(nameof(table))) + "Verified";

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        // Background only: the table holds the open months, late entries and the heads; sealed months are blobs.
        var rows = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        var heads = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var e in _table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (e.RowKey == HeadRow)
            {
                heads[e.PartitionKey] = e;
            }
            else
            {
                (rows.TryGetValue(e.PartitionKey, out var list) ? list : rows[e.PartitionKey] = []).Add(e);
            }
        }

        var sealedMonths = await _sealed.ListSealedAsync(cancellationToken);
        var anchoredMonths = await AnchoredMonthsAsync(cancellationToken);
        await _checks.CreateIfNotExistsAsync(cancellationToken);
        var checkpoints = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var c in _checks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ChainPartition}"), cancellationToken: cancellationToken))
        {
            checkpoints[c.RowKey] = c;
        }

        var now = _time.GetUtcNow();
        long checkedCount = 0;
        AuditBreak? first = null;
        var open = new Dictionary<string, ChainPosition>(StringComparer.Ordinal);
        foreach (var partition in rows.Keys.Concat(heads.Keys).Concat(sealedMonths.Keys).Concat(anchoredMonths).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var list = rows.TryGetValue(partition, out var l) ? l : [];
            var head = heads.GetValueOrDefault(partition);
            ChainCheckpoint walked;
            if (checkpoints.TryGetValue(partition, out var stored) && ChainCheckpoint.From(stored) is var previous
                && sealedMonths.TryGetValue(partition, out var etag) && previous.Unchanged(etag, list.Count, head))
            {
                // A sealed month whose blob has the ETag it had when walked, with no late entry and the same head: the
                // walk's result stands (a changed blob has a new ETag, so tampering is still found).
                walked = previous;
            }
            else
            {
                walked = await WalkMonthAsync(partition, list, head, sealedMonths.ContainsKey(partition), cancellationToken);
                await _checks.UpsertEntityAsync(walked.ToEntity(partition, now), TableUpdateMode.Replace, cancellationToken);
            }

            checkedCount += walked.Checked;
            first ??= walked.Break;
            if (head is not null && head.GetBoolean(SealedColumn) != true)
            {
                open[partition] = new ChainPosition(walked.Sequence, walked.Hash);
            }
        }

        await _checks.UpsertEntityAsync(new TableEntity(ResultPartition, ResultRow)
        {
            ["Checked"] = checkedCount,
            ["BreakPartition"] = first?.Partition,
            ["BreakSequence"] = first?.Sequence,
            ["BreakReason"] = first?.Reason,
            ["WalkedAt"] = now,
            ["Open"] = JsonSerializer.Serialize(open),
        }, TableUpdateMode.Replace, cancellationToken);
        return new AuditVerification(first is null, checkedCount, first);
    }

    public async Task<AuditVerification> CheckAsync(CancellationToken cancellationToken)
    {
        // One point read of the last walk's result, then per open chain a point read of its head and at most one page.
        var result = await _checks.FindAsync<TableEntity>(ResultPartition, ResultRow, cancellationToken);
        var checkedCount = result?.GetInt64("Checked") ?? 0;
        var first = result?.GetString("BreakPartition") is { } partitionOfBreak
            ? new AuditBreak(partitionOfBreak, result.GetInt64("BreakSequence") ?? 0, result.GetString("BreakReason") ?? string.Empty)
            : null;
        var open = result?.GetString("Open") is { Length: > 0 } json
            ? JsonSerializer.Deserialize<Dictionary<string, ChainPosition>>(json) ?? []
            : [];

        // Entries land in the month of their request: this month, and the last one while it is open to late appends.
        // A later append to a sealed month (a request that outlasted the grace) is left to the next walk.
        var current = Partition(_time.GetUtcNow());
        var last = PreviousPartition(current);
        foreach (var partition in _sealed.MaySealed(last) ? new[] { current } : new[] { last, current })
        {
            var (count, found) = await CheckTailAsync(partition, open.GetValueOrDefault(partition), cancellationToken);
            checkedCount += count;
            first = Earlier(first, found);
        }

        return new AuditVerification(first is null, checkedCount, first) { WalkedAt = result?.GetDateTimeOffset("WalkedAt") };
    }

    // The entries of one open chain after the walk's position (from the start when the walk has not seen it): one page.
    private async Task<(long Checked, AuditBreak? Break)> CheckTailAsync(string partition, ChainPosition? from, CancellationToken cancellationToken)
    {
        var head = await _table.FindAsync<TableEntity>(partition, HeadRow, cancellationToken);
        if ((head is null && from is null) || head?.GetBoolean(SealedColumn) == true)
        {
            return (0, null);
        }

        var after = from?.Sequence ?? 0;
        var previous = from?.Hash ?? Genesis(partition);
        var headSequence = head?.GetInt64("Sequence") ?? 0;
        if (headSequence < after)
        {
            return (0, new AuditBreak(partition, headSequence + 1, $"The chain head names entry {headSequence} but entry {after} was verified."));
        }

        if (headSequence == after)
        {
            return (0, after > 0 && head?.GetString("Hash") != previous
                ? new AuditBreak(partition, after, $"The chain head names entry {headSequence} but not its hash.")
                : null);
        }

        // Row keys invert the sequence: (after, upTo] is the key range [RowKey(upTo), RowKey(after)), at most a page.
        var upTo = Math.Min(headSequence, after + TailPage);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {RowKey(upTo)} and RowKey lt {RowKey(after)}");
        var tail = new List<TableEntity>(TailPage);
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: TailPage, cancellationToken: cancellationToken))
        {
            tail.Add(e);
        }

        tail.Sort((a, b) => string.CompareOrdinal(b.RowKey, a.RowKey)); // oldest first
        var walk = Walk(partition, tail, after, previous);
        var found = walk.Break;
        if (found is null && walk.Sequence < upTo)
        {
            found = new AuditBreak(partition, walk.Sequence + 1, $"Entries {walk.Sequence + 1} to {upTo} are missing.");
        }
        else if (found is null && upTo == headSequence && head?.GetString("Hash") != walk.Hash)
        {
            found = new AuditBreak(partition, upTo, $"The chain head names entry {headSequence} but not its hash.");
        }

        return (walk.Checked, found);
    }

    // One month's whole chain: its sealed blob (downloaded, not cached) and its table rows, against its head and latest anchor.
    private async Task<ChainCheckpoint> WalkMonthAsync(string partition, List<TableEntity> rows, TableEntity? head, bool isSealed, CancellationToken cancellationToken)
    {
        var list = new List<TableEntity>(rows);
        ETag? blobETag = null;
        if (isSealed)
        {
            var (month, etag) = await _sealed.DownloadAsync(partition, cancellationToken);
            if (month is not null)
            {
                // A row left in the table beside its blob, by a sealing that died before deleting it, is the same entry once.
                var inTable = list.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
                list.AddRange(month.Entries.Select(e => e.ToEntity(partition)).Where(e => !inTable.Contains(e.RowKey)));
                blobETag = etag;
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(b.RowKey, a.RowKey)); // oldest first
        var hashes = new Dictionary<long, string>();
        var walk = Walk(partition, list, 0, Genesis(partition), hashes);
        var found = walk.Break;
        var last = walk.Sequence;
        var headSequence = head?.GetInt64("Sequence") ?? 0;

        // A month still taking entries is read while requests append to it: a head (read after the entries: its row key
        // sorts after theirs) or an anchor past the last entry read is the tail the request walks, not a break.
        var appending = head is not null && head.GetBoolean(SealedColumn) != true && !_sealed.MaySealed(partition);
        if (found is null && head is not null && !(appending && headSequence > last)
            && (headSequence != last || (last > 0 && head.GetString("Hash") != walk.Hash)))
        {
            found = new AuditBreak(partition, last + 1, $"The chain head names entry {headSequence} but the last entry is {last}.");
        }

        if (found is null && await LatestAnchorAsync(partition, cancellationToken) is { } anchor
            && (anchor.Sequence > headSequence || !(appending && anchor.Sequence > last))
            && (!hashes.TryGetValue(anchor.Sequence, out var anchored) || anchored != anchor.Hash))
        {
            found = new AuditBreak(partition, anchor.Sequence, $"The entry anchored on {anchor.AnchoredAt:yyyy-MM-dd HH:mm} UTC is missing or differs from its anchor.");
        }

        return new ChainCheckpoint(last, walk.Hash, walk.Checked, found, blobETag?.ToString(), head?.GetInt64("Sequence"), head?.GetString("Hash"));
    }

    // Walks entries oldest first from the position after `after` (whose hash is `previous`): the first break, the count,
    // and the last position reached (the stored hash, so a walk goes on past a break as the chain is stored).
    private static ChainCheckpoint Walk(string partition, IEnumerable<TableEntity> oldestFirst, long after, string previous, Dictionary<long, string>? hashes = null)
    {
        var expected = after + 1;
        long count = 0;
        AuditBreak? found = null;
        foreach (var e in oldestFirst)
        {
            count++;
            var sequence = e.GetInt64("Sequence") ?? -1;
            var stored = e.GetString("Hash") ?? string.Empty;
            if (found is null)
            {
                if (sequence != expected || e.RowKey != RowKey(sequence))
                {
                    found = new AuditBreak(partition, expected, sequence > expected
                        ? $"Entries {expected} to {sequence - 1} are missing."
                        : $"The entry stored under row {e.RowKey} claims sequence {sequence}.");
                }
                else if (e.GetString("PreviousHash") != previous)
                {
                    found = new AuditBreak(partition, sequence, "The entry does not carry the hash of the entry before it.");
                }
                else if (HashOf(partition, sequence, previous, ToEntry(e)) != stored)
                {
                    found = new AuditBreak(partition, sequence, "The entry was changed after it was written.");
                }
            }

            if (hashes is not null)
            {
                hashes[sequence] = stored;
            }

            previous = stored;
            expected = sequence + 1;
        }

        return new ChainCheckpoint(expected - 1, previous, count, found, null, null, null);
    }

    private static AuditBreak? Earlier(AuditBreak? a, AuditBreak? b) =>
        a is null ? b
        : b is null ? a
        : string.CompareOrdinal(a.Partition, b.Partition) < 0 || (a.Partition == b.Partition && a.Sequence <= b.Sequence) ? a : b;

    // The months that have anchors, from the listing's prefixes (one entry per month, not one per anchor).
    private async Task<List<string>> AnchoredMonthsAsync(CancellationToken cancellationToken)
    {
        var months = new List<string>();
        if (!await _anchors.ExistsAsync(cancellationToken))
        {
            return months;
        }

        await foreach (var item in _anchors.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/" }, cancellationToken))
        {
            if (item.IsPrefix)
            {
                months.Add(item.Prefix.TrimEnd('/'));
            }
        }

        return months;
    }

    // The month's latest anchor: the highest sequence (names are the sequence in 19 digits, so the last in order).
    private async Task<Anchor?> LatestAnchorAsync(string partition, CancellationToken cancellationToken)
    {
        if (!await _anchors.ExistsAsync(cancellationToken))
        {
            return null;
        }

        string? latest = null;
        await foreach (var blob in _anchors.GetBlobsAsync(new GetBlobsOptions { Prefix = partition + "/" }, cancellationToken))
        {
            if (latest is null || string.CompareOrdinal(blob.Name, latest) > 0)
            {
                latest = blob.Name;
            }
        }

        if (latest is null)
        {
            return null;
        }

        var content = await _anchors.GetBlobClient(latest).DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<Anchor>(EntityExtensions.Json);
    }

    /// <summary>Where a chain stood when walked: the last sequence and its stored hash.</summary>
    internal sealed record ChainPosition(long Sequence, string Hash);

    /// <summary>One chain as the walk left it: position, count, break, and what it saw (the sealed blob's ETag, the head).</summary>
    private sealed record ChainCheckpoint(long Sequence, string Hash, long Checked, AuditBreak? Break, string? BlobETag, long? HeadSequence, string? HeadHash)
    {
        public bool Unchanged(ETag blobETag, int tableRows, TableEntity? head) =>
            BlobETag is not null && BlobETag == blobETag.ToString() && tableRows == 0
            && HeadSequence == head?.GetInt64("Sequence") && HeadHash == head?.GetString("Hash");

        public TableEntity ToEntity(string partition, DateTimeOffset walkedAt) => new(ChainPartition, partition)
        {
            ["Sequence"] = Sequence,
            ["Hash"] = Hash,
            ["Checked"] = Checked,
            ["BreakSequence"] = Break?.Sequence,
            ["BreakReason"] = Break?.Reason,
            ["BlobETag"] = BlobETag,
            ["HeadSequence"] = HeadSequence,
            ["HeadHash"] = HeadHash,
            ["WalkedAt"] = walkedAt,
        };

        public static ChainCheckpoint From(TableEntity e) => new(
            e.GetInt64("Sequence") ?? 0,
            e.GetString("Hash") ?? string.Empty,
            e.GetInt64("Checked") ?? 0,
            e.GetString("BreakReason") is { } reason ? new AuditBreak(e.RowKey, e.GetInt64("BreakSequence") ?? 0, reason) : null,
            e.GetString("BlobETag"),
            e.GetInt64("HeadSequence"),
            e.GetString("HeadHash"));
    }
}
