using System.Collections.Concurrent;
using Relocation.Domain.Outbox;

namespace Relocation.Testing.Fakes;

/// <summary>The outbox in memory; adding an id twice keeps the first, as the table does.</summary>
public sealed class InMemoryOutbox : IOutbox
{
    private readonly ConcurrentDictionary<string, OutboxMessage> _messages = new();

    public IReadOnlyCollection<OutboxMessage> Messages => _messages.Values.ToArray();

    public Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages.TryAdd(message.Id, message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OutboxMessage>>(_messages.Values.OrderBy(m => m.Id, StringComparer.Ordinal).Take(max).ToArray());

    /// <summary>Nothing is delivered here: every message is Pending, by its key.</summary>
    public Task<DeliveryPage> ListDeliveriesAsync(DeliveryStatus? status, string? page, int pageSize, CancellationToken cancellationToken) =>
        Task.FromResult(new DeliveryPage(status is null or DeliveryStatus.Pending
            ? _messages.Values.OrderBy(m => m.Id, StringComparer.Ordinal).Where(m => page is null || string.CompareOrdinal(m.Id, page) > 0).Take(pageSize)
                .Select(m => new NotificationDelivery(m.Id, Recipients.RoleOf(m.Recipient), m.Kind, DeliveryStatus.Pending, 0, null)).ToArray()
            : [], null));
}
