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
/// Closed lines are kept twice: every one in <see cref="ClosedTable"/> (the archive, which grows with the years) and the
/// newest <see cref="RecentSize"/> (by key: newest submission first) in <see cref="RecentTable"/>, trimmed on every close.
/// A listing pages through the recent table and reaches the archive only when the client pages past it (or a filter
/// leaves the recent rows short of a page), so the first pages cost the same after ten years as on day one, even on
/// Azurite, which walks a whole table for every query.
/// </summary>
internal sealed class CaseloadIndex(StorageClients clients, string tablePrefix = "", int recentSize = CaseloadIndex.RecentSize) : ICaseloadIndex
{
    public const string OpenTable = "CaseloadOpen";
    public const string ClosedTable = "CaseloadClosed";
    public const string RecentTable = "CaseloadRecent";

    /// <summary>How many closed lines the recent table keeps: several pages of the largest page size.</summary>
    public const int RecentSize = 500;

    private const string Partition = "case";

    private readonly TableClient _open = clients.Table(tablePrefix + OpenTable);
    private readonly TableClient _closed = clients.Table(tablePrefix + ClosedTable);
    private readonly TableClient _recent = clients.Table(tablePrefix + RecentTable);
    private readonly TableClient _cases = clients.Table(RelocationRepository.Table);

    // Every open line is in one partition: the lines of concurrent case writes are group-committed (docs/storage.md).
    private readonly TableGroupCommit _openWrites = clients.GroupCommit(tablePrefix + OpenTable);

    /// <summary>Writes the line of a case where it belongs now and removes it from where it was (idempotent).</summary>
    public async Task PutAsync(CaseloadEntry entry, CancellationToken cancellationToken)
    {
        if (entry.IsOpen)
        {
            await _openWrites.UpsertAsync(ToEntity(entry, entry.Id));
            return;
        }

        // The archive first, then the recent copy: a crash in between leaves the line in the archive, where a listing
        // that runs past the recent rows finds it.
        var key = ClosedKey(entry);
        await _closed.UpsertEntityAsync(ToEntity(entry, key), TableUpdateMode.Replace, cancellationToken);
        await PutRecentAsync(entry, key, cancellationToken);
        await _openWrites.DeleteAsync(Partition, entry.Id);
    }

    /// <summary>
    /// Keeps the recent table the first <see cref="RecentSize"/> keys of the archive: the line goes in if it is among
    /// them, and the keys beyond are deleted. One read of the recent table (bounded: <see cref="RecentSize"/> rows plus
    /// the few that concurrent closes add) per close; concurrent trims delete the same keys, which is harmless.
    /// </summary>
    private async Task PutRecentAsync(CaseloadEntry entry, string key, CancellationToken cancellationToken)
    {
        var keys = new List<string>(recentSize + 1);
        await foreach (var e in _recent.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(e.RowKey);
        }

        keys.Sort(StringComparer.Ordinal);
        if (keys.Count >= recentSize && string.CompareOrdinal(key, keys[recentSize - 1]) > 0)
        {
            return; // older than every line the recent table keeps: the archive has it
        }

        await _recent.UpsertEntityAsync(ToEntity(entry, key), TableUpdateMode.Replace, cancellationToken);
        if (!keys.Contains(key))
        {
            keys.Add(key);
            keys.Sort(StringComparer.Ordinal);
        }

        foreach (var beyond in keys.Skip(recentSize))
        {
            await _recent.DeleteEntityAsync(Partition, beyond, ETag.All, cancellationToken);
        }
    }

    public async Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var position = ParsePage(query.Page);
        var items = new List<CaseloadEntry>();
        var fromOpen = new HashSet<string>(StringComparer.Ordinal); // the first fromOpen.Count items come from the open table
        string? next = null;
        var closedWanted = query.Overdue != true && (query.Status is null || !IsOpenStatus(query.Status.Value));

        if (position.OpenOffset is { } offset)
        {
            var open = new List<CaseloadEntry>();
            await foreach (var e in _open.QueryAsync<TableEntity>(Filter(query, after: null), cancellationToken: cancellationToken))
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
            else if (items.Count == size && closedWanted)
            {
                next = "r"; // the open cases end exactly at the page's end: the closed ones start on the next page
            }

            position = new PagePosition(null, InArchive: false, After: string.Empty);
        }

        // Closed cases are never overdue; they follow the open ones, newest first: the recent table, then the archive.
        if (next is null && items.Count < size && closedWanted)
        {
            var lastKey = position.After;
            var archive = position.InArchive;
            if (!archive)
            {
                var (recent, recentLast) = await ClosedPageAsync(_recent, query, lastKey, size - items.Count, cancellationToken);
                items.AddRange(recent);
                lastKey = recentLast ?? lastKey;
                if (items.Count == size)
                {
                    next = "r" + lastKey;
                }

                // Fewer than asked: the recent rows are exhausted for this filter; the archive holds what follows.
                archive = items.Count < size;
            }

            if (archive && items.Count < size)
            {
                var (older, olderLast) = await ClosedPageAsync(_closed, query, lastKey, size - items.Count, cancellationToken);
                items.AddRange(older);
                next = items.Count == size ? "a" + (olderLast ?? lastKey) : null;
            }
        }

        return new CaseloadPage(await FreshAsync(items, fromOpen, query, cancellationToken), next);
    }

    /// <summary>One query of the open partition (a bounded one: open cases only), its waiting lines in the caseload's order.</summary>
    public async Task<IReadOnlyList<string>> WaitingIdsAsync(int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>();
        // The whole open partition (open cases only, bounded by design), the statuses picked here: a filter that or-s
        // them server-side costs the same partition walk, and a plain partition read is what the storage design guard
        // can tell from a scan.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var e in _open.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var line = ToEntry(e);
            if (line.Status is RelocationStatus.AwaitingOffers or RelocationStatus.Submitted)
            {
                lines.Add(line);
            }
        }

        // AwaitingOffers first, as the two listings this replaces were read, then the caseload's order.
        return lines.OrderBy(l => l.Status == RelocationStatus.AwaitingOffers ? 0 : 1).ThenBy(l => l, Comparer<CaseloadEntry>.Create(CaseloadEntry.Compare))
            .Take(max).Select(l => l.Id).ToArray();
    }

    /// <summary>
    /// One query of the open partition (open cases only, bounded by design), its lines of <paramref name="status"/> (null:
    /// all) as stored: no case row is read, so a background sweep pays one partition read and then only what it chooses to look at.
    /// </summary>
    public async Task<IReadOnlyList<CaseloadEntry>> OpenLinesAsync(RelocationStatus? status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>();
        // The plain partition read, filtered here (as WaitingIdsAsync): what the storage design guard tells from a scan.
        await foreach (var e in _open.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            var line = ToEntry(e);
            if (status is null || line.Status == status)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>
    /// One query of the archive (the truth: a closed line is written there before its recent copy), bounded to the
    /// window by key (closed keys sort by inverted submission time, so [<paramref name="from"/>, <paramref name="now"/>)
    /// is one key range) and one page: in Azure a range read of the window, never of the years before it. The listing
    /// this replaces for the forecast read the open partition and point-read every open line of the priority first, then
    /// the recent table, then this archive, one after the other (bench/README.md, "A case alone").
    /// </summary>
    public async Task<IReadOnlyList<CaseloadEntry>> ClosedLinesAsync(RelocationPriority priority, DateTimeOffset from, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>();
        if (max <= 0 || from >= now)
        {
            return lines;
        }

        var filter = string.Join(" and ",
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"),
            TableClient.CreateQueryFilter($"RowKey gt {InvertedTicks(now)}"),
            TableClient.CreateQueryFilter($"RowKey lt {InvertedTicks(from.AddTicks(-1))}"),
            TableClient.CreateQueryFilter($"Priority eq {priority.ToString()}"));
        await foreach (var e in _closed.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            var line = ToEntry(e);
            if (line.SubmittedAt >= from && line.SubmittedAt < now)
            {
                lines.Add(line);
            }

            if (lines.Count == max)
            {
                break;
            }
        }

        return lines;
    }

    /// <summary>Up to <paramref name="count"/> closed lines after <paramref name="after"/>, in key order, and the last key read.</summary>
    private static async Task<(List<CaseloadEntry> Lines, string? LastKey)> ClosedPageAsync(TableClient table, CaseloadQuery query, string after, int count, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>(count);
        string? last = null;
        await foreach (var e in table.QueryAsync<TableEntity>(Filter(query, after), maxPerPage: count, cancellationToken: cancellationToken))
        {
            lines.Add(ToEntry(e));
            last = e.RowKey;
            if (lines.Count == count)
            {
                break;
            }
        }

        return (lines, last);
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

    private static string Filter(CaseloadQuery query, string? after)
    {
        var parts = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {Partition}") };
        if (!string.IsNullOrEmpty(after))
        {
            parts.Add(TableClient.CreateQueryFilter($"RowKey gt {after}"));
        }

        if (query.Status is { } status)
        {
            parts.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        if (query.Priority is { } priority)
        {
            parts.Add(TableClient.CreateQueryFilter($"Priority eq {priority.ToString()}"));
        }

        return string.Join(" and ", parts);
    }

    // Tokens: "o{n}" the open cases from offset n; "r{key}" the recent closed lines after key; "a{key}" the archive after key.
    private static PagePosition ParsePage(string? page) => page switch
    {
        null or "" => new PagePosition(0, false, string.Empty),
        ['o', .. var n] when int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset is >= 0 and < 100_000 => new PagePosition(offset, false, string.Empty),
        ['r'] => new PagePosition(null, false, string.Empty),
        ['r', .. var key] when IsKey(key) => new PagePosition(null, false, key),
        ['a', .. var key] when IsKey(key) => new PagePosition(null, true, key),
        _ => throw new Domain.Common.DomainValidationException("page", "'page' must be a value a previous answer gave as nextPage."),
    };

    // A closed line's key as ClosedKey writes it: 19 digits, '-', the case id. Anything else was never a nextPage, so it is
    // refused (400) rather than read as a position that silently lists nothing.
    private static bool IsKey(string key) =>
        key.Length is > 20 and < 128 && key[19] == '-' && key.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0
        && key[20..].All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private sealed record PagePosition(int? OpenOffset, bool InArchive, string After);

    // Closed lines newest first: the key sorts by inverted submission time, then id; both are fixed for the life of a case.
    private static string ClosedKey(CaseloadEntry entry) => InvertedTicks(entry.SubmittedAt) + "-" + entry.Id;

    private static string InvertedTicks(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

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
