namespace Relocation.Domain.Agreements;

/// <summary>The register of agreements, each row with its history and the events accepted but not yet applied.</summary>
public interface IAgreementRepository
{
    Task<Agreement> AddAsync(Agreement agreement, CancellationToken cancellationToken);

    Task<Agreement?> FindAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Agreement>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Saves status, sequence, history and pending events in one write, only if the row still has the agreement's version (else a PreconditionFailedException).</summary>
    Task<Agreement> UpdateAsync(Agreement agreement, CancellationToken cancellationToken);

}

/// <summary>
/// An event the API accepted, with who sent it; applied later, in sequence order. <c>RequestId</c> is derived from the
/// caller's Idempotency-Key: a retry of the same request finds its event already recorded.
/// </summary>
public sealed record PendingAgreementEvent(int Sequence, AgreementEvent Event, DateOnly Date, string? Note, string RecordedBy, string RecordedByRole, DateTimeOffset RecordedAt, string? RequestId = null);
