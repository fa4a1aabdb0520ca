using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// The key map of old sealed segments (docs/storage.md, "Keeping history out of the queried tables", *Key map*). A
/// sealed posting's key row (its id and sequence, ~460 bytes in the emulator's database, ~400 of them per-entity
/// overhead) is folded, once its segment has been sealed for <see cref="KeyMapHorizon"/>, into one row per hash bucket:
/// partition <c>keys</c>, row key the bucket (3 hex digits, 1,024 buckets; ids are hashes, so buckets fill evenly),
/// columns <c>K0</c>, <c>K1</c>, … each a run of 40-character entries (the 32 hex digits of the id, then the sequence in
/// 8), sorted by id across the columns. The map is written first, then the key rows are deleted (If-Match on the key row
/// read: a row a posting has written a document into since is left alone); so a reader that misses the row finds the
/// id in its bucket, and a run that died in between is finished by the next (merging is a union, by id).
/// <para>Readers: a point read of the posting row, and only when it is absent a point read of the id's bucket row.
/// The single writer is the seal job (If-Match on one entity, which Azurite honours outside batches).</para>
/// <para>Ceiling: a column holds 800 entries (32,000 characters, under the service's 64 KiB per string property) and a
/// bucket row 15 columns (960,000 bytes as the service counts them, under its 1 MiB per entity): 12,000 postings a
/// bucket, about 12 million postings in all — at the history bench's 10,000 a year, twelve centuries. The job refuses
/// (and the segment's key rows stay) rather than write past it.</para>
/// <para>The state row <c>(keys, collapsed)</c> holds how many segments, from the first, the map covers.</para>
/// </summary>
internal sealed partial class TableFundLedger
{
    /// <summary>How long after its sealing a segment's key rows are folded into the map: far beyond any roll-forward's life.</summary>
    public static readonly TimeSpan KeyMapHorizon = TimeSpan.FromDays(7);

    /// <summary>
    /// A roll-forward whose head was read longer ago than this gives up before it inserts a row (the next reader rolls
    /// forward again from a fresh head), so no insert of a roll-forward can land after a horizon's wait.
    /// </summary>
    public static readonly TimeSpan RollForwardLimit = TimeSpan.FromHours(1);

    private const string KeysPartition = "keys";
    private const string KeysStateKey = "collapsed";
    private const string SealedAtMetadata = "sealedat";
    private const int Buckets = 1024;
    private const int EntryLength = 40;
    private const int EntriesPerColumn = 800;
    private const int ColumnsPerBucket = 15;
    private const int SegmentsPerRun = 10;

    /// <summary>A collapsed posting's sequence, from its bucket row (null when the map does not hold the id).</summary>
    private async Task<long?> FindKeyAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _table.FindAsync<TableEntity>(KeysPartition, BucketOf(id), cancellationToken);
        if (row is null)
        {
            return null;
        }

        for (var column = 0; row.GetString(Column(column)) is { } entries; column++)
        {
            if (Search(entries, id) is { } sequence)
            {
                return sequence;
            }
        }

        return null;
    }

    /// <summary>
    /// Folds the key rows of every segment sealed more than <see cref="KeyMapHorizon"/> ago (at most
    /// <see cref="SegmentsPerRun"/> a run, in order) into the map, then deletes them. Runs at the end of a seal pass that
    /// finished, so every segment it considers has all its rows slimmed or removed.
    /// </summary>
    /// <returns>How many segments this run folded.</returns>
    private async Task<int> CollapseKeysAsync(CancellationToken cancellationToken)
    {
        var state = await _table.FindAsync<TableEntity>(KeysPartition, KeysStateKey, cancellationToken);
        var next = state?.GetInt64("Segments") ?? 0;
        var sealedAt = new Dictionary<long, DateTimeOffset>();
        await foreach (var blob in _sealed.GetBlobsAsync(new GetBlobsOptions { Prefix = "slots/", Traits = BlobTraits.Metadata }, cancellationToken))
        {
            // Stamped by the seal job (after it read a head past the segment); a segment sealed before the stamp existed:
            // the blob's creation, which also came after that read.
            sealedAt[SegmentOf(blob.Name)] = blob.Metadata.TryGetValue(SealedAtMetadata, out var stamp)
                ? DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : blob.Properties.CreatedOn ?? DateTimeOffset.MaxValue;
        }

        var now = time.GetUtcNow();
        var segments = new List<long>();
        for (var segment = next; segments.Count < SegmentsPerRun && sealedAt.TryGetValue(segment, out var at) && now - at >= KeyMapHorizon; segment++)
        {
            segments.Add(segment);
        }

        if (segments.Count == 0)
        {
            return 0;
        }

        var keys = new List<(string Id, long Sequence)>();
        foreach (var segment in segments)
        {
            var postings = await DownloadAsync<Posting>(SlotBlob(segment), cancellationToken) ?? throw new InvalidOperationException("A sealed segment's blob vanished.");
            keys.AddRange(postings.Select(p => (p.Id, p.Sequence)));
        }

        // The map first: from here on a reader that misses a row finds its id in the bucket.
        var options = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys.GroupBy(k => BucketOf(k.Id), StringComparer.Ordinal), options, async (bucket, token) => await MergeBucketAsync(bucket.Key, bucket, token));
        await Parallel.ForEachAsync(keys, options, async (key, token) => await DeleteKeyRowAsync(key.Id, token));

        var collapsed = new TableEntity(KeysPartition, KeysStateKey) { ["Segments"] = segments[^1] + 1 };
        if (state is null)
        {
            await _table.AddEntityAsync(collapsed, cancellationToken);
        }
        else
        {
            await _table.UpdateEntityAsync(collapsed, state.ETag, TableUpdateMode.Replace, cancellationToken);
        }

        return segments.Count;
    }

    /// <summary>Adds the ids to their bucket's row (a union: ids already there are skipped, so a rerun writes nothing).</summary>
    private async Task MergeBucketAsync(string bucket, IEnumerable<(string Id, long Sequence)> keys, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await _table.FindAsync<TableEntity>(KeysPartition, bucket, cancellationToken);
            var entries = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var column = 0; row?.GetString(Column(column)) is { } text; column++)
            {
                for (var at = 0; at < text.Length; at += EntryLength)
                {
                    entries[text.Substring(at, 32)] = long.Parse(text.AsSpan(at + 32, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }

            var added = false;
            foreach (var (id, sequence) in keys)
            {
                if (entries.TryGetValue(id, out var known))
                {
                    // One id, one sequence: the ledger's own idempotency guarantees it; anything else is corruption.
                    if (known != sequence)
                    {
                        throw new InvalidOperationException("The key map holds this id with another sequence.");
                    }

                    continue;
                }

                entries[id] = sequence;
                added = true;
            }

            if (!added)
            {
                return;
            }

            try
            {
                if (row is null)
                {
                    await _table.AddEntityAsync(BucketEntity(bucket, entries), cancellationToken);
                }
                else
                {
                    await _table.UpdateEntityAsync(BucketEntity(bucket, entries), row.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConflict() || ex.IsPreconditionFailed())
            {
                // Another run wrote the bucket meanwhile (only a second seal job could): re-read and merge again.
            }
        }
    }

    /// <summary>Deletes a posting row if it is still a key row (no document); a row that holds one is the current document.</summary>
    private async Task DeleteKeyRowAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _table.FindAsync<TableEntity>(PostingPartition, id, cancellationToken);
        if (row is null || row.ContainsKey("Document"))
        {
            return;
        }

        try
        {
            await _table.DeleteEntityAsync(PostingPartition, id, row.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            // A posting wrote the document back into it since it was read: it stays, and readers take it before the map.
        }
    }

    /// <summary>The bucket row for these entries: sorted by id, 800 to a column (the same entries give the same row).</summary>
    private static TableEntity BucketEntity(string bucket, IEnumerable<KeyValuePair<string, long>> entries)
    {
        var row = new TableEntity(KeysPartition, bucket);
        var column = 0;
        foreach (var chunk in entries.OrderBy(e => e.Key, StringComparer.Ordinal).Chunk(EntriesPerColumn))
        {
            if (column == ColumnsPerBucket)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Key map bucket {bucket} is full ({ColumnsPerBucket * EntriesPerColumn} postings); the key rows stay."));
            }

            var text = new StringBuilder(chunk.Length * EntryLength);
            foreach (var (id, sequence) in chunk)
            {
                text.Append(id).Append(sequence.ToString("x8", CultureInfo.InvariantCulture));
            }

            row[Column(column++)] = text.ToString();
        }

        return row;
    }

    /// <summary>The map's rows for postings an import writes as collapsed: each bucket's row, and the state row.</summary>
    private static IEnumerable<TableEntity> KeyMapEntities(IEnumerable<Posting> collapsed, long segments) =>
        collapsed.GroupBy(p => BucketOf(p.Id), StringComparer.Ordinal)
            .Select(b => BucketEntity(b.Key, b.Select(p => KeyValuePair.Create(p.Id, p.Sequence))))
            .Append(new TableEntity(KeysPartition, KeysStateKey) { ["Segments"] = segments });

    /// <summary>The entry's sequence when the column (sorted 40-character entries) holds the id.</summary>
    private static long? Search(string entries, string id)
    {
        var low = 0;
        var high = (entries.Length / EntryLength) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var order = string.CompareOrdinal(entries, middle * EntryLength, id, 0, 32);
            if (order == 0)
            {
                return long.Parse(entries.AsSpan((middle * EntryLength) + 32, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    /// <summary>The bucket of an id: its first 10 bits (ids are SHA-256 prefixes, so buckets fill evenly), as 3 hex digits.</summary>
    internal static string BucketOf(string id) =>
        (int.Parse(id.AsSpan(0, 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture) >> 2).ToString("x3", CultureInfo.InvariantCulture);

    private static string Column(int index) => string.Create(CultureInfo.InvariantCulture, $"K{index}");

    private static long SegmentOf(string slotBlob) => long.Parse(slotBlob["slots/".Length..^".json".Length], CultureInfo.InvariantCulture);

    /// <summary>Whether a roll-forward that read this head may still insert a row (see <see cref="RollForwardLimit"/>).</summary>
    private bool Fresh(Head head) => time.GetUtcNow() - head.ReadAt <= RollForwardLimit;
}
