namespace Relocation.Domain.Audit;

/// <summary>The append-only audit log.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> QueryAsync(string? subject, DateTimeOffset fromTime, DateTimeOffset toTime, int max, CancellationToken cancellationToken);
}
