using Relocation.Domain.Outbox;

namespace Relocation.Testing.Fakes;

/// <summary>The in-memory outbox, counting every add (a keyed add of an existing message still costs a write).</summary>
public sealed class CountingOutbox : IOutbox
{
    private readonly InMemoryOutbox _inner = new();
    private int _adds;

    public int Adds => _adds;

    public IReadOnlyCollection<OutboxMessage> Messages => _inner.Messages;

    public Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _adds);
        return _inner.AddAsync(message, cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken) => _inner.ListPendingAsync(max, cancellationToken);

    public Task<DeliveryPage> ListDeliveriesAsync(DeliveryStatus? status, string? page, int pageSize, CancellationToken cancellationToken) =>
        _inner.ListDeliveriesAsync(status, page, pageSize, cancellationToken);
}
