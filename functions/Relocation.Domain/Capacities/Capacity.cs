using Relocation.Domain.Common;

namespace Relocation.Domain.Capacities;

/// <summary>
/// A State's offer of places. Places are held for a relocation while its offer awaits arrival and used once the
/// person arrives; holds and uses are keyed by relocation so that a repeated step changes nothing.
/// </summary>
public sealed class Capacity
{
    /// <summary>A capacity not reconfirmed for this long is stale: ranking prefers fresh offers.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(90);

    private readonly Dictionary<string, int> _holds;
    private readonly Dictionary<string, int> _uses;

    private Capacity(string id, string stateCode, CapacityTerms terms, DateTimeOffset registeredAt, DateTimeOffset confirmedAt,
        IDictionary<string, int> holds, IDictionary<string, int> uses, string? version)
    {
        Id = id;
        StateCode = stateCode;
        Terms = terms;
        RegisteredAt = registeredAt;
        ConfirmedAt = confirmedAt;
        _holds = new Dictionary<string, int>(holds, StringComparer.Ordinal);
        _uses = new Dictionary<string, int>(uses, StringComparer.Ordinal);
        Version = version;
    }

    public string Id { get; }

    public string StateCode { get; }

    public CapacityTerms Terms { get; private set; }

    public DateTimeOffset RegisteredAt { get; }

    public DateTimeOffset ConfirmedAt { get; private set; }

    public IReadOnlyDictionary<string, int> Holds => _holds;

    public IReadOnlyDictionary<string, int> Uses => _uses;

    public string? Version { get; private set; }

    public int Places => Terms.Places;

    public int Held => _holds.Values.Sum();

    public int Used => _uses.Values.Sum();

    public int Free => Places - Held - Used;

    public bool IsStale(DateTimeOffset now) => now - ConfirmedAt > StaleAfter;

    public static Capacity Register(string id, string stateCode, CapacityTerms terms, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateCode);
        ArgumentNullException.ThrowIfNull(terms);
        return new Capacity(id, stateCode, terms, now, now, new Dictionary<string, int>(), new Dictionary<string, int>(), null);
    }

    public static Capacity Rehydrate(string id, string stateCode, CapacityTerms terms, DateTimeOffset registeredAt, DateTimeOffset confirmedAt,
        IDictionary<string, int> holds, IDictionary<string, int> uses, string? version) =>
        new(id, stateCode, terms, registeredAt, confirmedAt, holds, uses, version);

    /// <summary>New terms from the State, which also reconfirm the capacity; places already held or used cannot be withdrawn.</summary>
    public void Revise(CapacityTerms terms, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Places < Held + Used)
        {
            throw new DomainValidationException("places", $"'places' cannot be fewer than the {Held + Used} already held or used.");
        }

        Terms = terms;
        ConfirmedAt = now;
    }

    /// <summary>Holds places for a relocation; holding again for the same relocation and count changes nothing.</summary>
    public void Hold(string relocationId, int places)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relocationId);
        if (places <= 0)
        {
            throw new DomainValidationException("places", "Places to hold must be positive.");
        }

        if (_holds.TryGetValue(relocationId, out var already))
        {
            if (already == places)
            {
                return;
            }

            throw new ConflictException($"Places are already held for this relocation ({already}).");
        }

        if (_uses.ContainsKey(relocationId))
        {
            throw new ConflictException("The places of this relocation are already in use.");
        }

        if (places > Free)
        {
            throw new ConflictException($"Only {Free} place(s) are free on this capacity; {places} asked.");
        }

        _holds[relocationId] = places;
    }

    /// <summary>Releases the places held for a relocation; releasing what is not held changes nothing.</summary>
    public bool Release(string relocationId) => _holds.Remove(relocationId);

    /// <summary>The person left (withdrawal, end of protection): held or used places become free; twice changes nothing.</summary>
    public bool Vacate(string relocationId) => _holds.Remove(relocationId) | _uses.Remove(relocationId);

    /// <summary>Turns the places held for a relocation into used places, once the person has arrived.</summary>
    public void Use(string relocationId)
    {
        if (_uses.ContainsKey(relocationId))
        {
            return;
        }

        if (!_holds.Remove(relocationId, out var held))
        {
            throw new ConflictException("No places are held for this relocation.");
        }

        _uses[relocationId] = held;
    }
}
