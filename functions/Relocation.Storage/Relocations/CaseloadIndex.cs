using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Relocations;

/// <summary>
/// VWU's caseload as two small tables beside the case rows: open cases (one partition, read whole and sorted by deadline:
/// there are tens, not thousands) and closed cases (keyed newest first and read a page at a time). Azurite scans a whole
/// table for every query, so the open table holds only open cases and no query ever touches the case table; each listed
/// open case is then point-read, so an open line is never staler than its case and an index row left behind by a crash
/// between the case write and the index write is repaired by the next listing. Closed lines are written from the case
/// after it closed and shown as stored (a page of them costs one query, not one read per case): only a later review or
/// withdrawal of a relocated case rewrites one, and a crash between that case write and its line leaves the line one
/// status behind until the case's next write (the case view is always the case row's).
/// </summary>
internal sealed class CaseloadIndex(StorageClients clients) : ICaseloadIndex
{
    public const string OpenTable = "CaseloadOpen";
    public const string ClosedTable = "CaseloadClosed";
    private const string Partition = "case";

    private readonly TableClient _open = clients.Table(OpenTable);
    private readonly TableClient _closed = clients.Table(ClosedTable);
    private readonly TableClient _cases = clients.Table(RelocationRepository.Table);

    /// <summary>Writes the line of a case where it belongs now and removes it from where it was (idempotent).</summary>
    public async Task PutAsync(CaseloadEntry entry, CancellationToken cancellationToken)
    {
        if (entry.IsOpen)
        {
            await _open.UpsertEntityAsync(ToEntity(entry, entry.Id), TableUpdateMode.Replace, cancellationToken);
            return;
        }

        await _closed.UpsertEntityAsync(ToEntity(entry, ClosedKey(entry)), TableUpdateMode.Replace, cancellationToken);
        await _open.DeleteEntityAsync(Partition, entry.Id, ETag.All, cancellationToken);
    }

    public async Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var (openOffset, closedToken) = ParsePage(query.Page);
        var items = new List<CaseloadEntry>();
        var fromOpen = new HashSet<string>(StringComparer.Ordinal); // the first fromOpen.Count items come from the open table
        string? next = null;

        if (openOffset is { } offset)
        {
            var open = new List<CaseloadEntry>();
            await foreach (var e in _open.QueryAsync<TableEntity>(Filter(query, open: true), cancellationToken: cancellationToken))
            {
                var entry = ToEntry(e);
                if (query.Overdue is not { } overdue || IsOverdue(entry, query.Now) == overdue)
                {
                    open.Add(entry);
                }
            }

            open.Sort(CaseloadEntry.Compare);
            items.AddRange(open.Skip(offset).Take(size));
            fromOpen.UnionWith(items.Select(i => i.Id));
            if (offset + size < open.Count)
            {
                next = "o" + (offset + size).ToString(CultureInfo.InvariantCulture);
            }
        }

        // Closed cases are never overdue; they follow the open ones, newest first.
        if (next is null && items.Count < size && query.Overdue != true && (query.Status is null || !IsOpenStatus(query.Status.Value)))
        {
            await foreach (var page in _closed.QueryAsync<TableEntity>(Filter(query, open: false), maxPerPage: size - items.Count, cancellationToken: cancellationToken)
                .AsPages(closedToken, size - items.Count))
            {
                items.AddRange(page.Values.Select(ToEntry));
                next = page.ContinuationToken is { Length: > 0 } token ? "c" + token : null;
                break;
            }
        }

        return new CaseloadPage(await FreshAsync(items, fromOpen, query, cancellationToken), next);
    }

    /// <summary>Each open line from its case row (point reads, in parallel); a line whose case moved on is repaired, and dropped if it no longer matches.</summary>
    private async Task<IReadOnlyList<CaseloadEntry>> FreshAsync(List<CaseloadEntry> lines, HashSet<string> fromOpen, CaseloadQuery query, CancellationToken cancellationToken)
    {
        var fresh = await Task.WhenAll(lines.Select(async (line, index) =>
        {
            if (index >= fromOpen.Count)
            {
                // A closed line is final but for a later review or withdrawal, whose case write rewrites it: it is shown as
                // the index has it, so a page costs its open lines' reads, not one read per closed case listed.
                return line;
            }

            var row = await _cases.FindAsync<TableEntity>(line.Id, RelocationRepository.CaseRow, cancellationToken);
            if (row is null)
            {
                // The index is written before the case: a create that died in between left a line with no case yet.
                return null;
            }

            var entry = CaseloadEntry.From(RelocationRepository.ToCase(row));
            if (!Same(entry, line))
            {
                await PutAsync(entry, cancellationToken);
            }

            // A line read as open whose case has closed was stale (now repaired): the case is listed once, among the closed ones.
            return index < fromOpen.Count && !entry.IsOpen ? null : entry;
        }));
        return fresh.OfType<CaseloadEntry>()
            .DistinctBy(e => e.Id, StringComparer.Ordinal)
            .Where(e => (query.Status is null || e.Status == query.Status) && (query.Priority is null || e.Priority == query.Priority)
                && (query.Overdue is null || IsOverdue(e, query.Now) == query.Overdue))
            .ToArray();
    }

    // The line's times went through a Table DateTime column (milliseconds on Azurite), the case's through JSON (ticks):
    // compared at the column's precision, or every listing would "repair" (rewrite) every line it shows.
    private static bool Same(CaseloadEntry fromCase, CaseloadEntry line) =>
        fromCase with { Deadline = Millis(fromCase.Deadline), SubmittedAt = Millis(fromCase.SubmittedAt)!.Value }
            == line with { Deadline = Millis(line.Deadline), SubmittedAt = Millis(line.SubmittedAt)!.Value };

    private static DateTimeOffset? Millis(DateTimeOffset? at) =>
        at is { } t ? new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : null;

    private static bool IsOverdue(CaseloadEntry entry, DateTimeOffset now) => entry.IsOpen && entry.Deadline is { } d && d < now;

    private static bool IsOpenStatus(RelocationStatus status) =>
        status is not (RelocationStatus.Relocated or RelocationStatus.Escalated or RelocationStatus.Cancelled or RelocationStatus.Withdrawn or RelocationStatus.Ended);

    private static string Filter(CaseloadQuery query, bool open)
    {
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {Partition}") };
        if (query.Status is { } status)
        {
            parts.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        if (query.Priority is { } priority)
        {
            parts.Add(TableClient.CreateQueryFilter($"Priority eq {priority.ToString()}"));
        }

        _ = open;
        return string.Join(" and ", parts);
    }

    private static (int? OpenOffset, string? ClosedToken) ParsePage(string? page) => page switch
    {
        null or "" => (0, null),
        ['o', .. var n] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset is >= 0 and < 100_000 => (offset, null),
        ['c', .. var token] when token.Length is > 0 and < 1024 => (null, token),
        _ => throw new Domain.Common.DomainValidationException("page", "'page' must be a value a previous answer gave as nextPage."),
    };

    // Closed lines newest first: the key sorts by inverted submission time, then id; both are fixed for the life of a case.
    private static string ClosedKey(CaseloadEntry entry) =>
        (DateTimeOffset.MaxValue.UtcTicks - entry.SubmittedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + entry.Id;

    private static TableEntity ToEntity(CaseloadEntry e, string rowKey) => new(Partition, rowKey)
    {
        ["Id"] = e.Id,
        ["Pseudonym"] = e.Pseudonym,
        ["Kind"] = e.Kind.ToString(),
        ["Priority"] = e.Priority.ToString(),
        ["Status"] = e.Status.ToString(),
        ["Round"] = e.Round,
        ["Deadline"] = e.Deadline,
        ["StateCode"] = e.StateCode,
        ["SubmittedAt"] = e.SubmittedAt,
    };

    private static CaseloadEntry ToEntry(TableEntity e) => new(
        e.GetString("Id"),
        e.GetString("Pseudonym"),
        Enum.Parse<RelocationKind>(e.GetString("Kind")),
        Enum.Parse<RelocationPriority>(e.GetString("Priority")),
        Enum.Parse<RelocationStatus>(e.GetString("Status")),
        e.GetInt32("Round") ?? 0,
        e.GetDateTimeOffset("Deadline"),
        e.GetString("StateCode"),
        e.GetDateTimeOffset("SubmittedAt") ?? DateTimeOffset.MinValue);
}
