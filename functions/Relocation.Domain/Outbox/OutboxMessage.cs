namespace Relocation.Domain.Outbox;

/// <summary>
/// A notification or reminder waiting to be sent. The id is derived from what it is about, so writing it twice (an
/// activity that runs again) keeps one. Never carries protected details: ids, pseudonyms, codes and dates only.
/// </summary>
public sealed record OutboxMessage(
    string Id,
    string Kind,
    string Recipient,
    string Subject,
    string? RelatedId,
    DateTimeOffset CreatedAt,
    DateOnly? DueOn);

/// <summary>Notifications and reminders waiting to be sent (sending e-mail is not built yet).</summary>
public interface IOutbox
{
    /// <summary>Adds the message unless one with its id exists.</summary>
    Task AddAsync(OutboxMessage message, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken);
}
