namespace Relocation.Domain.Audit;

/// <summary>
/// Seals the audit log's closed months: each month's chain, once it has been over for a day, becomes one
/// immutable blob, and the live table keeps only the months still open. Run by the anchor job (background).
/// </summary>
public interface IAuditArchive
{
    /// <summary>Seals every month over for more than a day that is not sealed yet; returns how many months it sealed.</summary>
    Task<int> SealClosedMonthsAsync(CancellationToken cancellationToken);
}
