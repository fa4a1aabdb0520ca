using Azure.Data.Tables;
using Relocation.Domain.Outbox;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Notifications;

/// <summary>
/// The delivery view's index of finished messages (docs/storage.md): one row per message that was sent or given up, in
/// partition <c>Sent</c> or <c>Failed</c>, keyed by the inverted time it finished and its id, so a page of either status
/// is one page of one partition, newest first, however many messages the years have sent. A row carries what the view
/// shows (role, kind, status, attempts, last error), all final once a message is finished.
/// Written by the relay right after the message row records the outcome and before its pending row is deleted; the key
/// is made from what that row stores, so a relay that dies in between and the next pass that finds the pending row (and
/// the one-off migration of rows finished before the index existed) all write the same row.
/// </summary>
internal sealed class DeliveryIndex(StorageClients clients, TimeProvider time)
{
    private const string MigrationPartition = "migration";
    private const string MigrationRow = "v1";

    /// <summary>The message columns the index row is made from.</summary>
    private static readonly string[] Columns = ["PartitionKey", "RowKey", "Timestamp", "Recipient", "Kind", "Status", "Attempts", "LastError", "SentAt", "FailedAt", "CreatedAt"];

    private readonly TableClient _index = clients.Table(NotificationTables.ByStatus);
    private readonly TableClient _messages = clients.Table(NotificationTables.Messages);
    private volatile bool _migrated;

    /// <summary>Upserts the index row of a finished message (nothing for one still pending).</summary>
    public async Task WriteAsync(TableEntity message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (RowFor(message) is { } row)
        {
            await _index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>
    /// Once per store (background: reads the whole message table): indexes the messages finished before the index
    /// existed, then records that it did. Answers how many rows it wrote; after the first run, one point read per process.
    /// </summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return 0;
        }

        if (await _index.FindAsync<TableEntity>(MigrationPartition, MigrationRow, cancellationToken) is null)
        {
            var written = 0;
            var finished = TableClient.CreateQueryFilter($"Status ne {nameof(DeliveryStatus.Pending)}");
            await foreach (var message in _messages.QueryAsync<TableEntity>(finished, select: [.. Columns], cancellationToken: cancellationToken))
            {
                await WriteAsync(message, cancellationToken);
                written++;
            }

            await _index.UpsertEntityAsync(new TableEntity(MigrationPartition, MigrationRow) { ["At"] = time.GetUtcNow(), ["Rows"] = written }, TableUpdateMode.Replace, cancellationToken);
            _migrated = true;
            return written;
        }

        _migrated = true;
        return 0;
    }

    private static TableEntity? RowFor(TableEntity message)
    {
        var status = message.GetString("Status");
        if (status is not (nameof(DeliveryStatus.Sent) or nameof(DeliveryStatus.Failed)))
        {
            return null;
        }

        // The time it finished, as the message row stores it (a row given up before FailedAt existed: its last change).
        var finishedAt = (status == nameof(DeliveryStatus.Sent) ? message.GetDateTimeOffset("SentAt") : message.GetDateTimeOffset("FailedAt"))
            ?? message.Timestamp ?? message.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch;
        return new TableEntity(status, RowKey(finishedAt, message.PartitionKey))
        {
            ["RecipientRole"] = Recipients.RoleOf(message.GetString("Recipient") ?? string.Empty),
            ["Kind"] = message.GetString("Kind"),
            ["Status"] = status,
            ["Attempts"] = message.GetInt32("Attempts") ?? 0,
            ["LastError"] = message.GetString("LastError"),
        };
    }

    /// <summary>Newest first: the inverted time it finished, then the message id (unique).</summary>
    internal static string RowKey(DateTimeOffset finishedAt, string id) =>
        $"{(ulong)(DateTimeOffset.MaxValue.UtcTicks - finishedAt.UtcTicks):x16}{id}";

    /// <summary>The delivery a row of the index shows; its id is the row key's tail.</summary>
    internal static NotificationDelivery ToDelivery(TableEntity row) =>
        new(row.RowKey[16..], row.GetString("RecipientRole") ?? string.Empty, row.GetString("Kind"),
            Enum.TryParse<DeliveryStatus>(row.GetString("Status"), out var status) ? status : DeliveryStatus.Sent,
            row.GetInt32("Attempts") ?? 0, row.GetString("LastError"));
}
