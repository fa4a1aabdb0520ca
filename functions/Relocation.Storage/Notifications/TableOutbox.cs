using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Outbox;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Notifications;

/// <summary>
/// Writes a notification in two idempotent steps: the message (insert; a repeat keeps the first), then the inbox entry and
/// the pending-delivery row side by side. An activity that dies between steps runs again and completes the rest; a message already
/// delivered is not queued again.
/// </summary>
internal sealed class TableOutbox(StorageClients clients, NotificationSignal signal) : IOutbox
{
    private readonly TableClient _messages = clients.Table(NotificationTables.Messages);
    private readonly TableClient _pending = clients.Table(NotificationTables.Pending);

    // The inbox and pending rows of concurrent notices share partitions (a recipient's inbox; the one pending partition):
    // group-committed, inserted once as before (docs/storage.md, "Group commit").
    private readonly TableGroupCommit _pendingWrites = clients.GroupCommit(NotificationTables.Pending);
    private readonly TableGroupCommit _inboxWrites = clients.GroupCommit(NotificationTables.Inbox);

    public async Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = NotificationTables.IdFor(message.Id);
        var entity = new TableEntity(id, string.Empty)
        {
            ["Key"] = message.Id,
            ["Kind"] = message.Kind,
            ["Recipient"] = message.Recipient,
            ["Subject"] = message.Subject,
            ["Body"] = message.Body,
            ["Link"] = message.Link,
            ["RelatedId"] = message.RelatedId,
            ["CreatedAt"] = message.CreatedAt,
            ["DueOn"] = message.DueOn?.ToColumn(),
            ["Status"] = nameof(DeliveryStatus.Pending),
            ["Attempts"] = 0,
            ["NextAttemptAt"] = message.CreatedAt,
        };
        try
        {
            await _messages.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            // Written before (the activity ran again): finish what that run may not have, with what it stored.
            entity = (await _messages.GetEntityAsync<TableEntity>(id, string.Empty, cancellationToken: cancellationToken)).Value;
        }

        var createdAt = entity.GetDateTimeOffset("CreatedAt") ?? message.CreatedAt;
        var inboxRow = new TableEntity(entity.GetString("Recipient"), NotificationTables.InboxRowKey(createdAt, id))
        {
            ["NotificationId"] = id,
            ["Kind"] = entity.GetString("Kind"),
            ["Subject"] = entity.GetString("Subject"),
            ["Body"] = entity.GetString("Body"),
            ["Link"] = entity.GetString("Link"),
            ["CreatedAt"] = createdAt,
            ["Read"] = false,
        };
        // The inbox row and the pending row each need only the message before them, not each other: one round trip, not two.
        var inbox = _inboxWrites.InsertOnceAsync(inboxRow);
        if (entity.GetString("Status") == nameof(DeliveryStatus.Pending))
        {
            await Task.WhenAll(inbox, _pendingWrites.InsertOnceAsync(new TableEntity(NotificationTables.PendingPartition, id) { ["NextAttemptAt"] = entity.GetDateTimeOffset("NextAttemptAt") }));
            signal.Raise();
        }
        else
        {
            await inbox;
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken)
    {
        var list = new List<OutboxMessage>();
        await foreach (var row in _pending.QueryAsync<TableEntity>(x => x.PartitionKey == NotificationTables.PendingPartition, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (await _messages.FindAsync<TableEntity>(row.RowKey, string.Empty, cancellationToken) is { } e)
            {
                list.Add(ToMessage(e));
            }

            if (list.Count >= max)
            {
                break;
            }
        }

        return list.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
    }

    public async Task<IReadOnlyList<NotificationDelivery>> ListDeliveriesAsync(DeliveryStatus? status, int max, CancellationToken cancellationToken)
    {
        var list = new List<NotificationDelivery>();
        if (status == DeliveryStatus.Pending)
        {
            // The small table first, then point reads: the common operator question never scans the message table.
            await foreach (var row in _pending.QueryAsync<TableEntity>(x => x.PartitionKey == NotificationTables.PendingPartition, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (await _messages.FindAsync<TableEntity>(row.RowKey, string.Empty, cancellationToken) is { } e && ToDelivery(e) is { Status: DeliveryStatus.Pending } d)
                {
                    list.Add(d);
                }

                if (list.Count >= max)
                {
                    break;
                }
            }

            return list;
        }

        var filter = status is { } s ? TableClient.CreateQueryFilter($"Status eq {s.ToString()}") : null;
        await foreach (var e in _messages.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Recipient", "Kind", "Status", "Attempts", "LastError"], cancellationToken: cancellationToken))
        {
            list.Add(ToDelivery(e));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    internal static OutboxMessage ToMessage(TableEntity e) =>
        new(e.GetString("Key"), e.GetString("Kind"), e.GetString("Recipient"), e.GetString("Subject"), e.GetString("RelatedId"),
            e.GetDateTimeOffset("CreatedAt") ?? default, e.GetString("DueOn") is { Length: > 0 } ? e.GetDate("DueOn") : null)
        {
            Body = e.GetString("Body") ?? string.Empty,
            Link = e.GetString("Link"),
        };

    private static NotificationDelivery ToDelivery(TableEntity e) =>
        new(e.PartitionKey, Recipients.RoleOf(e.GetString("Recipient") ?? string.Empty), e.GetString("Kind"),
            Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var status) ? status : DeliveryStatus.Pending,
            e.GetInt32("Attempts") ?? 0, e.GetString("LastError"));
}
