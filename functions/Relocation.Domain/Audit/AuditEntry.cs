namespace Relocation.Domain.Audit;

/// <summary>
/// One line of the append-only audit log: who did what to which resource, when, with which outcome, and (for reads of
/// protected data) why. Never carries request bodies or protected details. <see cref="Sequence"/> is its place in the
/// partition's hash chain, set by the log. <see cref="Subject"/> is the caller (who did it); <see cref="About"/> is the id
/// of what it was done to (a case, an agreement, a State's code), null for a collection or an entry written before it
/// was recorded.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Subject,
    string SubjectName,
    string Role,
    string? StateCode,
    string Action,
    string Resource,
    int Status,
    string CorrelationId,
    string? Reason = null,
    long Sequence = 0,
    string? About = null);
