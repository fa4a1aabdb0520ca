using System.Collections.Concurrent;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;

namespace Relocation.Testing.Fakes;

/// <summary>Registered capacity in memory, with versions like the table's ETags (412 on a stale write).</summary>
public sealed class InMemoryCapacityRepository : ICapacityRepository
{
    private readonly ConcurrentDictionary<(string State, string Id), Row> _rows = new();

    public Task<Capacity> AddAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        if (!_rows.TryAdd((capacity.StateCode, capacity.Id), Row.Of(capacity)))
        {
            throw new ConflictException("exists");
        }

        return Task.FromResult(Load(capacity.StateCode, capacity.Id)!);
    }

    public Task<Capacity?> FindAsync(string stateCode, string id, CancellationToken cancellationToken) => Task.FromResult(Load(stateCode, id));

    public Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Capacity>>(_rows.Keys.Where(k => k.State == stateCode).Select(k => Load(k.State, k.Id)!).ToArray());

    public Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Capacity>>(_rows.Keys.Select(k => Load(k.State, k.Id)!).ToArray());

    public Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        lock (_rows)
        {
            if (!_rows.TryGetValue((capacity.StateCode, capacity.Id), out var row) || row.Version != capacity.Version)
            {
                throw new PreconditionFailedException("stale");
            }

            _rows[(capacity.StateCode, capacity.Id)] = Row.Of(capacity);
        }

        return Task.FromResult(Load(capacity.StateCode, capacity.Id)!);
    }

    private Capacity? Load(string state, string id) =>
        _rows.TryGetValue((state, id), out var r)
            ? Capacity.Rehydrate(id, state, r.Terms, r.RegisteredAt, r.ConfirmedAt, new Dictionary<string, int>(r.Holds), new Dictionary<string, int>(r.Uses), r.Version)
            : null;

    private sealed record Row(CapacityTerms Terms, DateTimeOffset RegisteredAt, DateTimeOffset ConfirmedAt, KeyValuePair<string, int>[] Holds, KeyValuePair<string, int>[] Uses, string Version)
    {
        public static Row Of(Capacity c) => new(c.Terms, c.RegisteredAt, c.ConfirmedAt, c.Holds.ToArray(), c.Uses.ToArray(), Guid.NewGuid().ToString());
    }
}
