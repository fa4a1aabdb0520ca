namespace Relocation.Domain.Audit;

/// <summary>The append-only, hash-chained audit log.</summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> to its partition's chain; throws when it could not be recorded.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries newest first, one page at a time.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Re-walks every chain (and checks it against the latest anchors), reports the first break and records the result
    /// with each chain's last position and hash: the checkpoint <see cref="CheckAsync"/> answers from. Reads the whole
    /// log (a sealed month unchanged since its last walk is not downloaded again): run by the verification pass, never
    /// inside a request.
    /// </summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The Auditor's check: the last walk's result, and the entries appended since walked now (at most a page per open
    /// chain): point reads and one page each, whatever the log holds. A break the walk found is reported with its
    /// time; an entry changed after the walk passed it is found by the next walk.
    /// </summary>
    Task<AuditVerification> CheckAsync(CancellationToken cancellationToken);

    /// <summary>Writes the head of every chain to the anchor container (create-only blobs).</summary>
    Task<int> AnchorAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A page request: <paramref name="Subject"/> keeps the entries about that resource id (<see cref="AuditEntry.About"/>: a
/// case, an agreement, a State's code) and the entries of that caller (<see cref="AuditEntry.Subject"/>, the field an entry
/// answers as <c>subject</c>): PRODUCT.md's <c>subject=</c> reads both ways, and a token's subject never equals a resource
/// id, so each reading finds what it asks; <paramref name="Page"/> is the opaque token a previous page answered as next page.
/// </summary>
public sealed record AuditQuery(string? Subject, DateTimeOffset From, DateTimeOffset To, int PageSize, string? Page)
{
    /// <summary>Only the entries of this caller (the token's subject: who did it).</summary>
    public string? Actor { get; init; }

    /// <summary>Only the entries of this action (the route's name, <c>GetCaseFile</c>).</summary>
    public string? Action { get; init; }

    /// <summary>Whether <paramref name="entry"/> passes every filter but the dates (a sealed month is filtered in memory).</summary>
    public bool Matches(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (string.IsNullOrEmpty(Subject) || entry.About == Subject || entry.Subject == Subject)
            && (string.IsNullOrEmpty(Actor) || entry.Subject == Actor)
            && (string.IsNullOrEmpty(Action) || entry.Action == Action);
    }
}

/// <summary>One page, newest first.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextPage);

/// <summary>The outcome of re-walking the chains.</summary>
public sealed record AuditVerification(bool Ok, long Checked, AuditBreak? FirstBreak)
{
    /// <summary>When the background walk this answer builds on finished (null before the first walk).</summary>
    public DateTimeOffset? WalkedAt { get; init; }
}

/// <summary>Where a chain breaks: the partition, the sequence number at which it breaks, and what was found there.</summary>
public sealed record AuditBreak(string Partition, long Sequence, string Reason);
