using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Audit;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Audit;

/// <summary>
/// Append-only and hash-chained: one partition (and one chain) per month. Each entry carries its sequence number, the
/// hash of the previous entry and its own hash over both and every field; the partition's head (last sequence and hash)
/// is a point-read row written in the same entity-group transaction as the entry. Entries are inserted, never upserted,
/// under a row key made from the sequence number, so two writers that read the same head cannot both win: the loser's
/// insert conflicts and it re-reads the head (this holds on Azurite too, which ignores If-Match inside batches).
/// Row keys invert the sequence so a partition reads newest first. Nothing on the write path scans the table.
/// Appends are group-committed: the entries that arrive while a transaction is in flight go together in the next one
/// (up to 99 entries and the head), numbered in arrival order; a conflict renumbers and retries the whole batch, which
/// the transaction takes or refuses as a whole. Each caller returns only after the transaction holding its entry committed.
/// </summary>
internal sealed partial class AuditLog(StorageClients clients, TimeProvider time, string table = TableNames.Audit, string anchorContainer = AuditLog.AnchorContainer)
    : IAuditLog, IDisposable
{
    public const string AnchorContainer = "audit-anchors";
    internal const string HeadRow = "head";
    internal const string SealedColumn = "Sealed"; // on a month's head once its entries are in the sealed blob (AuditArchive)
    internal const string EntryRowsBelow = "a"; // entry row keys are digits, the head row is not: "RowKey lt 'a'" is every entry
    private const int Attempts = 20;
    private const int MaxBatch = 99; // a transaction holds at most 100 actions: the entries and the head
    private const int MaxBatchChars = 1_000_000; // well under a transaction's 4 MiB (UTF-16 text, JSON framing)

    private readonly TableClient _table = clients.Table(table);
    private readonly AuditArchive _sealed = new(clients, time, table);
    private readonly BlobContainerClient _anchors = clients.Container(anchorContainer);
    private readonly TableClient _checks = clients.Table(VerificationTableFor(table));
    private readonly TimeProvider _time = time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<Waiting> _queue = new();
    private Head? _head;
    private long _entries;
    private long _transactions;

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var at = Truncate(entry.At);
        var waiting = new Waiting(Partition(at), entry with { At = at });
        _queue.Enqueue(waiting);

        // Group commit: whoever holds the gate commits everything queued so far (up to a transaction's worth), so
        // concurrent requests share one round trip instead of queueing for one each. Every caller returns only once its
        // own entry is committed (or throws if its batch failed): nothing is answered that the log does not hold.
        while (!waiting.Committed.Task.IsCompleted)
        {
            await _gate.WaitAsync(CancellationToken.None);
            try
            {
                if (!waiting.Committed.Task.IsCompleted)
                {
                    await CommitQueuedAsync();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        await waiting.Committed.Task;
    }

    /// <summary>How many entries were appended, and in how many transactions (a test and the bench read them).</summary>
    internal (long Entries, long Transactions) Counts => (Interlocked.Read(ref _entries), Interlocked.Read(ref _transactions));

    // Under the gate. Takes the queue's head and the entries behind it of the same month (one partition, one chain, one
    // transaction), up to MaxBatch entries and MaxBatchChars of text; the rest wait for the next round.
    private async Task CommitQueuedAsync()
    {
        var batch = new List<Waiting>(MaxBatch);
        var chars = 0;
        while (batch.Count < MaxBatch && _queue.TryPeek(out var next)
            && (batch.Count == 0 || (next.Partition == batch[0].Partition && chars + next.Chars <= MaxBatchChars)))
        {
            _queue.TryDequeue(out _);
            batch.Add(next);
            chars += next.Chars;
        }

        if (batch.Count == 0)
        {
            return;
        }

        var failure = await CommitAsync(batch);
        if (failure is TableTransactionFailedException { Status: 400 or 413 } && batch.Count > 1)
        {
            // An entry the service refuses (too large, say) must not take the others down with it: one at a time.
            foreach (var w in batch)
            {
                if (await CommitAsync([w]) is { } own)
                {
                    w.Committed.TrySetException(own);
                }
            }
        }
        else if (failure is not null)
        {
            foreach (var w in batch)
            {
                w.Committed.TrySetException(failure);
            }
        }
    }

    // Commits the entries in order after the partition's head and completes their callers; returns the failure, if any
    // (its callers are then still waiting: the caller decides whether they fail or are tried again one by one).
    private async Task<Exception?> CommitAsync(List<Waiting> batch)
    {
        var partition = batch[0].Partition;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var head = _head is { } cached && cached.Partition == partition ? cached : await ReadHeadAsync(partition, CancellationToken.None);
                var actions = new List<TableTransactionAction>(batch.Count + 1);
                var (sequence, hash) = (head.Sequence, head.Hash);
                foreach (var w in batch)
                {
                    var previous = hash;
                    sequence++;
                    hash = HashOf(partition, sequence, previous, w.Entry);
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(partition, sequence, previous, hash, w.Entry)));
                }

                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, HeadRow) { ["Sequence"] = sequence, ["Hash"] = hash }));
                try
                {
                    await _table.SubmitTransactionAsync(actions, CancellationToken.None);
                    _head = new Head(partition, sequence, hash);
                    Interlocked.Add(ref _entries, batch.Count);
                    Interlocked.Increment(ref _transactions);
                    break;
                }
                catch (TableTransactionFailedException ex) when (attempt < Attempts && ex.Status is not (400 or 413))
                {
                    // Another writer took one of these sequence numbers: read the head again and renumber the batch.
                    _head = null;
                    await Task.Delay(Random.Shared.Next(1, 5 * attempt), CancellationToken.None);
                }
            }
        }
        catch (Exception ex)
        {
            _head = null;
            return ex;
        }

        foreach (var w in batch)
        {
            w.Committed.TrySetResult();
        }

        return null;
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = query.From.ToUniversalTime();
        var to = query.To.ToUniversalTime();
        var (partition, after) = DecodePage(query.Page) ?? (Partition(to), null);
        var first = Partition(from);
        var items = new List<AuditEntry>(query.PageSize);
        var lastPartition = partition;
        while (string.CompareOrdinal(partition, first) >= 0)
        {
            // A closed month may be sealed into a blob (AuditArchive); the open months are always in the table.
            var month = _sealed.MaySealed(partition) ? await _sealed.ReadAsync(partition, cancellationToken) : null;
            var entries = month is null
                ? TableEntriesAsync(partition, after, from, to, query, cancellationToken)
                : (await LateEntriesAsync(month, after, from, to, query, cancellationToken)).Concat(SealedEntries(month, after, from, to, query)).ToAsyncEnumerable();
            await foreach (var entry in entries)
            {
                if (items.Count == query.PageSize)
                {
                    // The token names the last item's month, which is not this one when that month filled the page exactly.
                    return new AuditPage(items, EncodePage(lastPartition, RowKey(items[^1].Sequence)));
                }

                items.Add(entry);
                lastPartition = partition;
            }

            partition = PreviousPartition(partition);
            after = null;
        }

        return new AuditPage(items, null);
    }

    private async IAsyncEnumerable<AuditEntry> TableEntriesAsync(string partition, string? after, DateTimeOffset from, DateTimeOffset to, AuditQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {EntryRowsBelow} and At ge {from} and At le {to}");
        if (after is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        }

        // Still one month's partition: the filters narrow what the service returns, never what it reads.
        if (!string.IsNullOrEmpty(query.Subject))
        {
            filter += " and " + TableClient.CreateQueryFilter($"(About eq {query.Subject} or Subject eq {query.Subject})");
        }

        if (!string.IsNullOrEmpty(query.Actor))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Subject eq {query.Actor}");
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Action eq {query.Action}");
        }

        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: query.PageSize + 1, cancellationToken: cancellationToken))
        {
            yield return ToEntry(e);
        }
    }

    // Entries appended to a month after it was sealed (a request that outlasted the grace): newer than the blob's, so
    // they come first. One point read of the head tells whether there are any.
    private async Task<List<AuditEntry>> LateEntriesAsync(SealedMonth month, string? after, DateTimeOffset from, DateTimeOffset to, AuditQuery query, CancellationToken cancellationToken)
    {
        var last = month.Entries.Count == 0 ? 0 : month.Entries[^1].Sequence;
        var head = await _table.FindAsync<TableEntity>(month.Partition, HeadRow, cancellationToken);
        if ((head?.GetInt64("Sequence") ?? 0) <= last)
        {
            return [];
        }

        // Rows the blob also holds (a sealing that died before deleting them) are skipped: the blob has them.
        var late = new List<AuditEntry>();
        await foreach (var e in TableEntriesAsync(month.Partition, after, from, to, query, cancellationToken))
        {
            if (e.Sequence > last)
            {
                late.Add(e);
            }
        }

        return late;
    }

    // The same filter as the table query, over a sealed month held in memory: newest first, after the page token's row.
    private static IEnumerable<AuditEntry> SealedEntries(SealedMonth month, string? after, DateTimeOffset from, DateTimeOffset to, AuditQuery query)
    {
        var below = after is null ? long.MaxValue : long.MaxValue - long.Parse(after, CultureInfo.InvariantCulture);
        for (var i = month.Entries.Count - 1; i >= 0; i--)
        {
            var e = month.Entries[i];
            if (e.Sequence < below && e.At >= from && e.At <= to && query.Matches(e.ToEntry()))
            {
                yield return e.ToEntry();
            }
        }
    }

    public async Task<int> AnchorAsync(CancellationToken cancellationToken)
    {
        // The heads of this month and the last one are point reads; nothing else is read.
        var now = _time.GetUtcNow();
        var written = 0;
        foreach (var partition in new[] { Partition(now), PreviousPartition(Partition(now)) })
        {
            var head = await _table.FindAsync<TableEntity>(partition, HeadRow, cancellationToken);
            if (head?.GetInt64("Sequence") is not { } sequence)
            {
                continue;
            }

            var anchor = new Anchor(partition, sequence, head.GetString("Hash") ?? string.Empty, now);
            try
            {
                // Create-only: in Azure the container's time-based immutability policy forbids changing or deleting it.
                await _anchors.GetBlobClient($"{partition}/{sequence.ToString("D19", CultureInfo.InvariantCulture)}.json").UploadAsync(
                    BinaryData.FromObjectAsJson(anchor, EntityExtensions.Json),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
                written++;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // This head is anchored already.
            }
        }

        return written;
    }

    public void Dispose() => _gate.Dispose();

    internal static string Partition(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyyMM", CultureInfo.InvariantCulture);

    internal static string RowKey(long sequence) => (long.MaxValue - sequence).ToString("D19", CultureInfo.InvariantCulture);

    private async Task<Head> ReadHeadAsync(string partition, CancellationToken cancellationToken)
    {
        var head = await _table.FindAsync<TableEntity>(partition, HeadRow, cancellationToken);
        return head?.GetInt64("Sequence") is { } sequence
            ? new Head(partition, sequence, head.GetString("Hash") ?? string.Empty)
            : new Head(partition, 0, Genesis(partition));
    }

    private static TableEntity ToEntity(string partition, long sequence, string previousHash, string hash, AuditEntry entry) => new(partition, RowKey(sequence))
    {
        ["Sequence"] = sequence,
        ["PreviousHash"] = previousHash,
        ["Hash"] = hash,
        ["At"] = entry.At,
        ["Subject"] = entry.Subject,
        ["SubjectName"] = entry.SubjectName,
        ["Role"] = entry.Role,
        ["StateCode"] = entry.StateCode,
        ["Action"] = entry.Action,
        ["Resource"] = entry.Resource,
        ["Status"] = entry.Status,
        ["CorrelationId"] = entry.CorrelationId,
        ["Reason"] = entry.Reason,
        ["About"] = entry.About,
    };

    internal static AuditEntry ToEntry(TableEntity e) => new(
        e.GetDateTimeOffset("At") ?? default,
        e.GetString("Subject") ?? string.Empty,
        e.GetString("SubjectName") ?? string.Empty,
        e.GetString("Role") ?? string.Empty,
        e.GetString("StateCode"),
        e.GetString("Action") ?? string.Empty,
        e.GetString("Resource") ?? string.Empty,
        e.GetInt32("Status") ?? 0,
        e.GetString("CorrelationId") ?? string.Empty,
        e.GetString("Reason"),
        e.GetInt64("Sequence") ?? 0,
        e.GetString("About"));

    // Every field, in a fixed order, as a JSON array: no separator inside a value can make two entries hash alike.
    internal static string HashOf(string partition, long sequence, string previousHash, AuditEntry e)
    {
        object?[] fields =
        [
            partition, sequence, previousHash, e.At.UtcTicks, e.Subject, e.SubjectName, e.Role, e.StateCode, e.Action, e.Resource, e.Status,
            e.CorrelationId, e.Reason,
        ];
        // Hashed only when recorded: an entry written before `About` existed keeps the hash it was chained with.
        var canonical = JsonSerializer.SerializeToUtf8Bytes(e.About is null ? fields : [.. fields, e.About]);
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    internal static string Genesis(string partition) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("relocation-audit:" + partition)));

    // Table Storage keeps milliseconds; hash what is stored.
    internal static DateTimeOffset Truncate(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    internal static string PreviousPartition(string partition)
    {
        var month = DateTime.ParseExact(partition, "yyyyMM", CultureInfo.InvariantCulture).AddMonths(-1);
        return month.ToString("yyyyMM", CultureInfo.InvariantCulture);
    }

    private static string EncodePage(string partition, string rowKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{partition}|{rowKey}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string Partition, string? After)? DecodePage(string? page)
    {
        if (string.IsNullOrEmpty(page))
        {
            return null;
        }

        try
        {
            var padded = page.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts.Length == 2 && parts[0].Length == 6 && parts[0].All(char.IsAsciiDigit) && parts[1].Length == 19 && parts[1].All(char.IsAsciiDigit))
            {
                return (parts[0], parts[1]);
            }
        }
        catch (FormatException)
        {
        }

        throw new Domain.Common.DomainValidationException("page", "'page' must be a token from a previous page's 'nextPage'.");
    }

    private sealed record Head(string Partition, long Sequence, string Hash);

    private sealed class Waiting(string partition, AuditEntry entry)
    {
        public string Partition { get; } = partition;

        public AuditEntry Entry { get; } = entry;

        public int Chars { get; } = 64 + entry.Subject.Length + entry.SubjectName.Length + entry.Role.Length + (entry.StateCode?.Length ?? 0)
            + entry.Action.Length + entry.Resource.Length + entry.CorrelationId.Length + (entry.Reason?.Length ?? 0);

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Anchor(string Partition, long Sequence, string Hash, DateTimeOffset AnchoredAt);
}
