using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Outbox;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Notifications;

/// <summary>
/// One partition per recipient address, rows newest first. A page reads each of the caller's partitions from the
/// cursor on (row keys share one time order across partitions, so merging them keeps newest first) and marks read with
/// a point update in the caller's own partitions only: another role's message is simply not found.
/// </summary>
internal sealed class TableInbox(StorageClients clients) : IInbox
{
    private readonly TableClient _inbox = clients.Table(NotificationTables.Inbox);

    public async Task<InboxPage> ListAsync(IReadOnlyList<string> recipients, bool unreadOnly, string? after, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var items = new List<(string RowKey, InboxItem Item)>();
        foreach (var recipient in recipients)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {recipient}");
            if (after is not null)
            {
                filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
            }

            if (unreadOnly)
            {
                filter += " and Read eq false";
            }

            var taken = 0;
            await foreach (var e in _inbox.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: cancellationToken))
            {
                items.Add((e.RowKey, ToItem(e)));
                if (++taken > pageSize)
                {
                    break;
                }
            }
        }

        var ordered = items.OrderBy(i => i.RowKey, StringComparer.Ordinal).ToList();
        var page = ordered.Take(pageSize).ToList();
        var next = ordered.Count > pageSize ? page[^1].RowKey : null;
        return new InboxPage(page.Select(i => i.Item).ToArray(), next);
    }

    public async Task<bool> MarkReadAsync(IReadOnlyList<string> recipients, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        foreach (var recipient in recipients)
        {
            if (await _inbox.FindAsync<TableEntity>(recipient, id, cancellationToken) is not null)
            {
                try
                {
                    await _inbox.UpdateEntityAsync(new TableEntity(recipient, id) { ["Read"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.IsNotFound())
                {
                    return false;
                }

                return true;
            }
        }

        return false;
    }

    private static InboxItem ToItem(TableEntity e) =>
        new(e.RowKey, e.GetString("Kind"), e.GetString("Subject"), e.GetString("Body") ?? string.Empty,
            e.GetDateTimeOffset("CreatedAt") ?? default, e.GetBoolean("Read") ?? false, e.GetString("Link"));
}
