using Azure;
using Azure.Data.Tables;

namespace Relocation.Storage.Tables;

/// <summary>
/// Group commit of keyed, idempotent single-row writes to one table: writes to the same partition that wait at the same
/// time go out as one table transaction (at most 100 rows, each row key once), so a surge that asks the same States
/// costs a round trip per partition and batch instead of one per row. Nothing waits for company: a write that finds its
/// partition idle is sent at once (alone, as before); the writes that arrive while it is in flight form the next batch.
/// <para>
/// Only writes whose repetition changes nothing are accepted, so a batch can always fall back to its rows one by one:
/// <see cref="InsertOnceAsync"/> (a row that exists is kept: success), <see cref="UpsertAsync"/> (replace, no ETag),
/// <see cref="MergeAsync"/> (merge the columns given, no ETag) and <see cref="DeleteAsync"/> (a row that is gone: success). A transaction is all or nothing, and one existing row fails a
/// batch of inserts whole (as does one missing row a batch of deletes, and Azurite ignores If-Match in batches, which is
/// why no conditional write is offered here): then each row of the batch is written alone, with its own outcome. So a
/// write that runs twice (an activity's rerun, a request's retry) ends exactly as it did before group commit, and each
/// caller returns only once its own row is written (rule 3's order is the caller's: it awaits before the next step).
/// </para>
/// </summary>
public sealed class TableGroupCommit
{
    /// <summary>Rows per table transaction: the service's limit.</summary>
    public const int MaxBatch = 100;

    private readonly TableClient _table;
    private readonly bool _enabled;
    private readonly Dictionary<string, Queue<Write>> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sending = new(StringComparer.Ordinal);

    /// <param name="table">The table written.</param>
    /// <param name="enabled">False writes every row alone (the bench's switch, <c>StorageDiagnostics:GroupCommit=false</c>).</param>
    public TableGroupCommit(TableClient table, bool enabled = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        _enabled = enabled;
    }

    private enum Kind
    {
        InsertOnce,
        Upsert,
        Merge,
        Delete,
    }

    private sealed record Write(Kind Kind, TableEntity Entity, TaskCompletionSource Done);

    /// <summary>Round trips sent (transactions and single writes), for tests and the bench.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    private long _roundTrips;

    /// <summary>Inserts the row unless it exists (an existing row is kept, and counts as success).</summary>
    public Task InsertOnceAsync(TableEntity entity) => EnqueueAsync(Kind.InsertOnce, entity);

    /// <summary>Writes the row whole, whatever was there (no ETag).</summary>
    public Task UpsertAsync(TableEntity entity) => EnqueueAsync(Kind.Upsert, entity);

    /// <summary>Writes the columns given over the row's, keeping its others; creates the row when it is absent (no ETag).</summary>
    public Task MergeAsync(TableEntity entity) => EnqueueAsync(Kind.Merge, entity);

    /// <summary>Deletes the row; a row already gone counts as success.</summary>
    public Task DeleteAsync(string partitionKey, string rowKey) => EnqueueAsync(Kind.Delete, new TableEntity(partitionKey, rowKey));

    private Task EnqueueAsync(Kind kind, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var write = new Write(kind, entity, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_enabled)
        {
            return SendAloneAsync(write);
        }

        var partition = entity.PartitionKey;
        bool lead;
        lock (_waiting)
        {
            if (!_waiting.TryGetValue(partition, out var queue))
            {
                _waiting[partition] = queue = new Queue<Write>();
            }

            queue.Enqueue(write);
            lead = _sending.Add(partition);
        }

        // The first writer of an idle partition sends the first batch itself (alone, it pays no thread hop); the writes that
        // queued meanwhile are sent by a background sender, batch after batch until the queue is empty. Each caller waits
        // for its own row only.
        return lead ? LeadAsync(partition, write) : write.Done.Task;
    }

    private async Task LeadAsync(string partition, Write write)
    {
        if (TakeOrIdle(partition) is { } batch)
        {
            await SendAsync(batch);
            if (TakeOrIdle(partition) is { } next)
            {
                _ = Task.Run(() => SendPartitionAsync(partition, next));
            }
        }

        await write.Done.Task;
    }

    private async Task SendPartitionAsync(string partition, List<Write> batch)
    {
        for (var next = batch; next is not null; next = TakeOrIdle(partition))
        {
            await SendAsync(next);
        }
    }

    /// <summary>The partition's next batch; null (and the partition idle, so the next writer leads) when nothing waits.</summary>
    private List<Write>? TakeOrIdle(string partition)
    {
        lock (_waiting)
        {
            var batch = Take(_waiting[partition]);
            if (batch.Count > 0)
            {
                return batch;
            }

            _waiting.Remove(partition);
            _sending.Remove(partition);
            return null;
        }
    }

    /// <summary>Up to <see cref="MaxBatch"/> writes, each row key once (a second write of a row waits for the next batch, in order).</summary>
    private static List<Write> Take(Queue<Write> queue)
    {
        var batch = new List<Write>(Math.Min(queue.Count, MaxBatch));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var later = new List<Write>();
        while (batch.Count < MaxBatch && queue.TryDequeue(out var write))
        {
            if (keys.Add(write.Entity.RowKey))
            {
                batch.Add(write);
            }
            else
            {
                later.Add(write);
            }
        }

        if (later.Count > 0)
        {
            var rest = queue.ToArray();
            queue.Clear();
            foreach (var write in later.Concat(rest))
            {
                queue.Enqueue(write);
            }
        }

        return batch;
    }

    private async Task SendAsync(List<Write> batch)
    {
        if (batch.Count == 1)
        {
            await SendAloneAsync(batch[0]);
            return;
        }

        try
        {
            Interlocked.Increment(ref _roundTrips);
            await _table.SubmitTransactionAsync(batch.Select(ToAction), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // All or nothing (an existing row, say, fails a batch of inserts whole; a lost answer may hide a commit): each
            // row alone, with its own outcome. Every write here ends the same whether or not the batch went through.
            await Task.WhenAll(batch.Select(SendAloneAsync));
            return;
        }

        foreach (var write in batch)
        {
            write.Done.TrySetResult();
        }
    }

    private static TableTransactionAction ToAction(Write write) => write.Kind switch
    {
        Kind.InsertOnce => new TableTransactionAction(TableTransactionActionType.Add, write.Entity),
        Kind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, write.Entity),
        Kind.Merge => new TableTransactionAction(TableTransactionActionType.UpsertMerge, write.Entity),
        _ => new TableTransactionAction(TableTransactionActionType.Delete, write.Entity, ETag.All),
    };

    private async Task SendAloneAsync(Write write)
    {
        try
        {
            Interlocked.Increment(ref _roundTrips);
            switch (write.Kind)
            {
                case Kind.InsertOnce:
                    await _table.AddEntityAsync(write.Entity, CancellationToken.None);
                    break;
                case Kind.Upsert:
                    await _table.UpsertEntityAsync(write.Entity, TableUpdateMode.Replace, CancellationToken.None);
                    break;
                case Kind.Merge:
                    await _table.UpsertEntityAsync(write.Entity, TableUpdateMode.Merge, CancellationToken.None);
                    break;
                default:
                    await _table.DeleteEntityAsync(write.Entity.PartitionKey, write.Entity.RowKey, ETag.All, CancellationToken.None);
                    break;
            }

            write.Done.TrySetResult();
        }
        catch (RequestFailedException ex) when ((write.Kind == Kind.InsertOnce && ex.IsConflict()) || (write.Kind == Kind.Delete && ex.IsNotFound()))
        {
            // Already there, or already gone: what a second run of the same write finds.
            write.Done.TrySetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            write.Done.TrySetException(ex);
        }
    }
}
