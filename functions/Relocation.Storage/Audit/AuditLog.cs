using System.Globalization;
using Azure.Data.Tables;
using Relocation.Domain.Audit;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Audit;

/// <summary>
/// Append-only: rows are only ever added (never upserted), one partition per month, row keys in time order,
/// so a period is one range query.
/// </summary>
internal sealed class AuditLog(StorageClients clients) : IAuditLog
{
    private readonly TableClient _table = clients.Table(TableNames.Audit);

    public async Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var at = entry.At.ToUniversalTime();
        var entity = new TableEntity(Partition(at), RowKey(at))
        {
            ["At"] = at,
            ["Subject"] = entry.Subject,
            ["SubjectName"] = entry.SubjectName,
            ["Role"] = entry.Role,
            ["StateCode"] = entry.StateCode,
            ["Action"] = entry.Action,
            ["Resource"] = entry.Resource,
            ["Status"] = entry.Status,
            ["CorrelationId"] = entry.CorrelationId,
            ["Reason"] = entry.Reason,
        };
        await _table.AddEntityAsync(entity, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(string? subject, DateTimeOffset fromTime, DateTimeOffset toTime, int max, CancellationToken cancellationToken)
    {
        var from = fromTime.ToUniversalTime();
        var to = toTime.ToUniversalTime();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {Partition(from)} and PartitionKey le {Partition(to)} and RowKey ge {Ticks(from)} and RowKey le {Ticks(to) + "~"}");
        if (!string.IsNullOrEmpty(subject))
        {
            filter += " and " + TableClient.CreateQueryFilter($"Subject eq {subject}");
        }

        var list = new List<AuditEntry>();
        await foreach (var e in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            list.Add(new AuditEntry(
                e.GetDateTimeOffset("At") ?? default,
                e.GetString("Subject"),
                e.GetString("SubjectName") ?? string.Empty,
                e.GetString("Role") ?? string.Empty,
                e.GetString("StateCode"),
                e.GetString("Action") ?? string.Empty,
                e.GetString("Resource") ?? string.Empty,
                e.GetInt32("Status") ?? 0,
                e.GetString("CorrelationId") ?? string.Empty,
                e.GetString("Reason")));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    private static string Partition(DateTimeOffset at) => at.ToString("yyyyMM", CultureInfo.InvariantCulture);

    private static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    // Ticks first so that rows sort by time; a random suffix so that two entries in the same tick never collide.
    private static string RowKey(DateTimeOffset at) => $"{Ticks(at)}-{Guid.NewGuid():N}";
}
