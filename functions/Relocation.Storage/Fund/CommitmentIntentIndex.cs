using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Fund;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Fund;

/// <summary>
/// <b>FundCommitmentIntents</b>: <c>(intent, {commitmentId})</c>, <c>WrittenAt</c>. Its own small table, as the
/// pending-step index: Azurite (and any non-point query) scans the whole table, so the sweep costs the intents
/// unsettled now (requests in flight, and those that died), never the ledger. A request only writes and deletes by point.
/// </summary>
internal sealed class CommitmentIntentIndex(StorageClients clients) : ICommitmentIntents
{
    public const string Table = "FundCommitmentIntents";
    private const string Partition = "intent";
    private readonly TableClient _table = clients.Table(Table);

    public async Task WriteAsync(CommitmentIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        await _table.UpsertEntityAsync(new TableEntity(Partition, intent.CommitmentId) { ["WrittenAt"] = intent.WrittenAt }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteAsync(string commitmentId, CancellationToken cancellationToken)
    {
        // A 404 is success here: the sweep and the request may both settle the same intent.
        await _table.DeleteEntityAsync(Partition, commitmentId, ETag.All, cancellationToken);
    }

    public async Task<IReadOnlyList<CommitmentIntent>> WrittenBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        var list = new List<CommitmentIntent>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            if (e.GetDateTimeOffset("WrittenAt") is { } at && at < cutoff)
            {
                list.Add(new CommitmentIntent(e.RowKey, at));
            }
        }

        return list.OrderBy(i => i.WrittenAt).ThenBy(i => i.CommitmentId, StringComparer.Ordinal).Take(max).ToArray();
    }
}
