using Relocation.Domain.Agreements;
using Relocation.Domain.States;

namespace Relocation.Domain.Capacities;

/// <summary>What ranking and planning read: the States, their registered capacity, and the agreement types in force per State.</summary>
public sealed record CandidateData(IReadOnlyList<State> States, IReadOnlyList<Capacity> Capacities, IReadOnlyDictionary<AgreementType, IReadOnlySet<string>> StatesInForce)
{
    /// <summary>The States with an agreement of <paramref name="type"/> in force.</summary>
    public IReadOnlySet<string> InForce(AgreementType type) => StatesInForce.TryGetValue(type, out var states) ? states : new HashSet<string>();
}

/// <summary>
/// The candidate data kept as a snapshot beside the register, capacity and agreements: each of their writes keeps its
/// part current, so a round opening or a candidates request reads it in one bounded read instead of three tables.
/// </summary>
public interface ICandidateData
{
    Task<CandidateData> ReadAsync(CancellationToken cancellationToken);

    Task PutStateAsync(State state, CancellationToken cancellationToken);

    Task PutCapacityAsync(Capacity capacity, CancellationToken cancellationToken);

    Task PutAgreementAsync(Agreement agreement, CancellationToken cancellationToken);

    /// <summary>Rewrites the snapshot from the tables (a background job's whole-table read): repairs what a crash left behind.</summary>
    Task RebuildAsync(IReadOnlyList<State> states, IReadOnlyList<Capacity> capacities, IReadOnlyList<Agreement> agreements, CancellationToken cancellationToken);
}
