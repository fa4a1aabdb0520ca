using System.Text.RegularExpressions;
using Relocation.Storage.Tables;

namespace Relocation.Contract.Tests;

/// <summary>
/// The storage design as a rule over the host's query log (docs/storage.md): every Table read an HTTP request or an
/// activity makes is a point read or a read of a partition named here, with why it stays small as the years pass.
/// Background jobs (timers, the relay, report builders) may read more; they mark themselves and are left out.
/// </summary>
internal static class StorageDesignGuard
{
    /// <summary>
    /// Partitions whose size does not grow with history. <c>Page</c>: the code reads one page (<c>$top</c>) of a partition
    /// that may be large, and answers that page; the cost is the page.
    /// </summary>
    public static readonly IReadOnlyList<Bound> BoundedPartitions =
    [
        new("States", "^State$", false, "the register: one row per State, at most the 249 ISO 3166 codes"),
        new("CandidateData", "^state$", false, "the candidate snapshot: one row per State (249 at most), expired capacity dropped daily"),
        new("OfferRequests", "^[A-Z]{3}$", false, "one State's open requests: a row is deleted when its request is answered or closed"),
        new("CaseloadOpen", "^case$", false, "open cases only: a case's line moves to CaseloadClosed when it closes"),
        new("CaseloadRecent", "^case$", false, "the newest closed lines only (500): trimmed by every close, so the first pages never reach the archive"),
        new("CaseloadClosed", "^case$", true, "every closed case (the archive), newest first, one page per request, read only when paging past CaseloadRecent"),
        new("RelocationHistory", ".+", true, "one case's steps moved off its row, one page per request"),
        new("RelocationStats", @"^\d{4}$", false, "one year's cases (the annual report): bounded by a year's intake, not by the years before"),
        new("Audit", @"^\d{6}$", true, "one month's chain, newest first, one page per request (GET /api/audit; GET /api/audit/verify: the entries after the background walk's checkpoint)"),
        new("Inbox", ".+", true, "one caller's messages, one page per request"),
        new("NotificationsPending", "^p$", false, "messages not yet delivered: deleted once sent or given up"),
        new("NotificationsByStatus", "^(Sent|Failed)$", true, "delivered or given-up messages, newest first, one page per request (GET /api/outbox)"),
        new("PendingSteps", "^Pending$", false, "steps accepted but not yet applied: deleted once applied"),
        new("FundDays", "^day$", true, "the days on or after a posting's date, newest first (one row for a posting dated today), or the one day of an as-of balance"),
        new("FundLedger", "^pledge$", false, "open pledges only: a pledge's copy is deleted once settled, written off or corrected"),
        new("FundLedger", "^relocation-[A-Za-z0-9-]{1,64}$", false, "one case's commitments (keys only): the acceptance's and the few Finance makes by hand for that case"),
        new("Capacity", "^[A-Z]{3}$", false, "one State's own registered offers: a handful a year per State (a register, not case history)"),
        new("Agreements", "^Agreement$", false, "the agreements register: a few per State in a decade (a register, not case history)"),
    ];

    /// <summary>
    /// Reads known to grow with history, still inside a request, each with the fix it waits for. Listed so the guard
    /// stays green on what is known and fails on anything new; shrink this list, never grow it.
    /// </summary>
    public static readonly IReadOnlyList<Debt> KnownDebts =
    [
        new("FundLedger", TableReadKind.Partition, "GET /api/fund/donors/{id}/statement reads the donor's every posting (partition donor-{id}); wants per-donor yearly totals"),
    ];

    /// <summary>The reads that break the design, one line each (empty when the design holds).</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<TableRead> reads) =>
        reads.Where(r => !r.Scope.StartsWith("background:", StringComparison.Ordinal) && !Allowed(r))
            .Select(r => $"{r.Kind} of {r.Table}{(r.Partition is null ? string.Empty : $" partition '{r.Partition}'")}{(r.Top is { } top ? $" ($top {top})" : string.Empty)}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static bool Allowed(TableRead read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read.Kind == TableReadKind.Point
            || (read.Kind == TableReadKind.Partition && BoundedPartitions.Any(b => b.Covers(read)))
            || KnownDebts.Any(d => d.Table == read.Table && d.Kind == read.Kind && (d.Kind == TableReadKind.Scan || read.Partition?.StartsWith("donor-", StringComparison.Ordinal) == true));
    }

    /// <summary>A partition allowed on request paths, and why it stays bounded.</summary>
    internal sealed record Bound(string Table, string PartitionPattern, bool Page, string Why)
    {
        public bool Covers(TableRead read) =>
            read.Table == Table && read.Partition is { } p && Regex.IsMatch(p, PartitionPattern) && (!Page || read.Top is > 0 and <= 1000);
    }

    /// <summary>A read that grows with history and is still on a request path: named, with the fix it waits for.</summary>
    internal sealed record Debt(string Table, TableReadKind Kind, string Fix);
}
