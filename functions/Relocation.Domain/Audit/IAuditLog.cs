namespace Relocation.Domain.Audit;

/// <summary>The append-only, hash-chained audit log.</summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> to its partition's chain; throws when it could not be recorded.</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries newest first, one page at a time.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Re-walks every chain (and checks it against the latest anchors) and reports the first break.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>Writes the head of every chain to the anchor container (create-only blobs).</summary>
    Task<int> AnchorAsync(CancellationToken cancellationToken);
}

/// <summary>A page request: <paramref name="Page"/> is the opaque token a previous page answered as next page.</summary>
public sealed record AuditQuery(string? Subject, DateTimeOffset From, DateTimeOffset To, int PageSize, string? Page);

/// <summary>One page, newest first.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextPage);

/// <summary>The outcome of re-walking the chains.</summary>
public sealed record AuditVerification(bool Ok, long Checked, AuditBreak? FirstBreak);

/// <summary>Where a chain breaks: the partition, the sequence number at which it breaks, and what was found there.</summary>
public sealed record AuditBreak(string Partition, long Sequence, string Reason);
