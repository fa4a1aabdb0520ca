namespace Relocation.Domain.Capacities;

/// <summary>Registered capacity, one row per offer, written with optimistic concurrency.</summary>
public interface ICapacityRepository
{
    /// <summary>Adds a new capacity; the same id twice is a conflict.</summary>
    Task<Capacity> AddAsync(Capacity capacity, CancellationToken cancellationToken);

    Task<Capacity?> FindAsync(string stateCode, string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken);

    Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the row only if it still has the capacity's <see cref="Capacity.Version"/>; otherwise a PreconditionFailedException.</summary>
    Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken);
}
