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
    private readonly TableClient _byStatus = clients.Table(NotificationTables.ByStatus);

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

    public async Task<DeliveryPage> ListDeliveriesAsync(DeliveryStatus? status, string? page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        // Pending first (the small pending partition, by id), then given up, then sent (the index, newest first): each a
        // page of one partition from the cursor on, never the message table (docs/storage.md).
        DeliveryStatus[] phases = status is { } only ? [only] : [DeliveryStatus.Pending, DeliveryStatus.Failed, DeliveryStatus.Sent];
        var (phase, after) = DecodePage(page, phases);
        var items = new List<NotificationDelivery>(pageSize);
        for (var p = Array.IndexOf(phases, phase); p < phases.Length; p++, after = null)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {(phases[p] == DeliveryStatus.Pending ? NotificationTables.PendingPartition : phases[p].ToString())}");
            if (after is not null)
            {
                filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
            }

            var rows = phases[p] == DeliveryStatus.Pending ? _pending : _byStatus;
            string? lastKey = null;
            await foreach (var row in rows.QueryAsync<TableEntity>(filter, maxPerPage: pageSize - items.Count + 1, cancellationToken: cancellationToken))
            {
                if (items.Count == pageSize)
                {
                    // One more row than the page: there is a next page, from the last row answered.
                    return new DeliveryPage(items, EncodePage(phases[p], lastKey!));
                }

                lastKey = row.RowKey;
                if (phases[p] != DeliveryStatus.Pending)
                {
                    items.Add(DeliveryIndex.ToDelivery(row));
                }
                else if (await _messages.FindAsync<TableEntity>(row.RowKey, string.Empty, cancellationToken) is { } e && ToDelivery(e) is { Status: DeliveryStatus.Pending } d)
                {
                    items.Add(d);
                }
            }

            if (items.Count == pageSize && p + 1 < phases.Length)
            {
                // Full at the end of a status: the next page starts with the next status.
                return new DeliveryPage(items, EncodePage(phases[p + 1], null));
            }
        }

        return new DeliveryPage(items, null);
    }

    /// <summary>The largest page a caller may ask for: one query's page (the page and the one row that says there is more).</summary>
    public const int MaxPageSize = 999;

    private static string EncodePage(DeliveryStatus phase, string? after) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{phase}|{after}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DeliveryStatus Phase, string? After) DecodePage(string? page, DeliveryStatus[] phases)
    {
        if (string.IsNullOrEmpty(page))
        {
            return (phases[0], null);
        }

        try
        {
            var padded = page.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts.Length == 2 && Enum.TryParse<DeliveryStatus>(parts[0], out var phase) && Enum.IsDefined(phase) && phases.Contains(phase)
                && parts[1].Length <= 64 && parts[1].All(char.IsAsciiHexDigitLower))
            {
                return (phase, parts[1].Length == 0 ? null : parts[1]);
            }
        }
        catch (FormatException)
        {
        }

        throw new Domain.Common.DomainValidationException("page", "'page' must be the nextPage of a previous answer for the same status.");
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
