using Relocation.Domain.Capacities;

namespace Relocation.Domain.Relocations;

/// <summary>
/// One line of VWU's caseload: what the list shows and sorts on, derived from the case alone (no protected details),
/// so an index row can always be rebuilt from the case row it describes.
/// </summary>
public sealed record CaseloadEntry(
    string Id,
    string Pseudonym,
    RelocationKind Kind,
    RelocationPriority Priority,
    RelocationStatus Status,
    int Round,
    DateTimeOffset? Deadline,
    string? StateCode,
    DateTimeOffset SubmittedAt)
{
    public bool IsOpen => Status is not (RelocationStatus.Relocated or RelocationStatus.Escalated or RelocationStatus.Cancelled or RelocationStatus.Withdrawn or RelocationStatus.Ended);

    /// <summary>
    /// The next thing due: the open round's response deadline while States are asked, the relocation due date once an
    /// offer is accepted; a closed case has none. The State is the receiving one once an offer is accepted (kept after, so
    /// a closed case names where the person went); before that, while the case is open, the State its round asked first:
    /// the one matching's plan chose (<c>RoundSelection</c> asks it first), not the best raw score, which may be planned for
    /// another case; a case closed without an accepted offer names none.
    /// </summary>
    public static CaseloadEntry From(RelocationCase relocation)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var round = relocation.CurrentRound;
        var open = !relocation.IsFinal;
        DateTimeOffset? deadline = !open ? null
            : relocation.State.Accepted is not null ? new DateTimeOffset(relocation.State.RelocationDueOn.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero)
            : round is { ClosedAt: null } ? round.Deadline
            : null;
        var state = relocation.State.Accepted?.StateCode
            ?? (open ? round?.Asked.Select(a => a.StateCode).FirstOrDefault() : null);
        return new CaseloadEntry(relocation.Id, relocation.Facts.Pseudonym, relocation.Facts.Kind, relocation.Facts.Priority, relocation.Status,
            round?.Number ?? 0, deadline, state, relocation.State.SubmittedAt);
    }

    /// <summary>Open cases first, the nearest deadline first (none last), then the oldest first.</summary>
    public static int Compare(CaseloadEntry? x, CaseloadEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }

        var open = y.IsOpen.CompareTo(x.IsOpen);
        if (open != 0)
        {
            return open;
        }

        var deadline = (x.Deadline, y.Deadline) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            var (a, b) => a.Value.CompareTo(b.Value),
        };
        return deadline != 0 ? deadline : x.SubmittedAt.CompareTo(y.SubmittedAt) is var s and not 0 ? s : string.CompareOrdinal(x.Id, y.Id);
    }
}

/// <summary>What VWU asks the caseload for; every filter is optional.</summary>
public sealed record CaseloadQuery(RelocationStatus? Status, RelocationPriority? Priority, bool? Overdue, DateTimeOffset Now, string? Page, int PageSize = 50);

/// <summary>A page of the caseload and the token of the next one.</summary>
public sealed record CaseloadPage(IReadOnlyList<CaseloadEntry> Items, string? NextPage);

/// <summary>
/// The caseload index: one small row per case kept next to the case rows, read by partition (open cases) or in key
/// order (closed cases), never by scanning the case table.
/// </summary>
public interface ICaseloadIndex
{
    Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The ids of the cases waiting for States (AwaitingOffers, then Submitted; nearest deadline first), at most
    /// <paramref name="max"/>, as the index has them: the caller point-reads each case itself, so unlike
    /// <see cref="ListAsync"/> no case row is read here (planning read every open case twice).
    /// </summary>
    async Task<IReadOnlyList<string>> WaitingIdsAsync(int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var status in new[] { RelocationStatus.AwaitingOffers, RelocationStatus.Submitted })
        {
            string? page = null;
            do
            {
                var lines = await ListAsync(new CaseloadQuery(status, null, null, now, page, 200), cancellationToken);
                ids.AddRange(lines.Items.Select(l => l.Id));
                page = ids.Count >= max ? null : lines.NextPage;
            }
            while (page is not null);
        }

        return ids.Take(max).ToArray();
    }

    /// <summary>
    /// The open lines of one status (null: every open line) as the index has them (no case row read; a line may be one
    /// write behind its case, or name a case whose row was never written). For background sweeps over the open cases,
    /// such as <c>UnscheduledCaseSweeper</c>'s look for open cases whose orchestration was never scheduled.
    /// </summary>
    async Task<IReadOnlyList<CaseloadEntry>> OpenLinesAsync(RelocationStatus? status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>();
        string? page = null;
        do
        {
            var listed = await ListAsync(new CaseloadQuery(status, null, null, now, page, 200), cancellationToken);
            lines.AddRange(listed.Items.Where(l => l.IsOpen));
            page = listed.NextPage;
        }
        while (page is not null);

        return lines;
    }

    /// <summary>
    /// The closed lines of one priority submitted in [<paramref name="from"/>, <paramref name="now"/>), newest first, at
    /// most <paramref name="max"/>, as the index has them (no case row read). For the reservation's forecast, which needs
    /// the past Emergencies of its window and nothing of the open cases (it has read those already): unlike
    /// <see cref="ListAsync"/>, no open line is listed or point-read.
    /// </summary>
    async Task<IReadOnlyList<CaseloadEntry>> ClosedLinesAsync(RelocationPriority priority, DateTimeOffset from, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var lines = new List<CaseloadEntry>();
        string? page = null;
        do
        {
            var listed = await ListAsync(new CaseloadQuery(null, priority, null, now, page, 200), cancellationToken);
            lines.AddRange(listed.Items.Where(l => !l.IsOpen && l.SubmittedAt >= from && l.SubmittedAt < now));
            page = listed.Items.Count == 0 || (listed.Items[^1] is { IsOpen: false } last && last.SubmittedAt < from) || lines.Count >= max ? null : listed.NextPage;
        }
        while (page is not null);

        return lines.Take(max).ToArray();
    }
}
