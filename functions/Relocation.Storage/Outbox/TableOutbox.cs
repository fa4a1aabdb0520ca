using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Outbox;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Outbox;

/// <summary>Messages waiting to be sent, in one partition ordered by id; added with an insert so a repeat keeps the first.</summary>
internal sealed class TableOutbox(StorageClients clients) : IOutbox
{
    public const string Table = "Outbox";
    private const string Pending = "Pending";
    private readonly TableClient _table = clients.Table(Table);

    public async Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entity = new TableEntity(Pending, message.Id)
        {
            ["Kind"] = message.Kind,
            ["Recipient"] = message.Recipient,
            ["Subject"] = message.Subject,
            ["RelatedId"] = message.RelatedId,
            ["CreatedAt"] = message.CreatedAt,
            ["DueOn"] = message.DueOn?.ToColumn(),
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            // Written before (the activity ran again): one message is enough.
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken)
    {
        var list = new List<OutboxMessage>();
        await foreach (var e in _table.QueryAsync<TableEntity>(x => x.PartitionKey == Pending, cancellationToken: cancellationToken))
        {
            list.Add(new OutboxMessage(
                e.RowKey,
                e.GetString("Kind"),
                e.GetString("Recipient"),
                e.GetString("Subject"),
                e.GetString("RelatedId"),
                e.GetDateTimeOffset("CreatedAt") ?? default,
                e.GetString("DueOn") is { Length: > 0 } ? e.GetDate("DueOn") : null));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }
}
