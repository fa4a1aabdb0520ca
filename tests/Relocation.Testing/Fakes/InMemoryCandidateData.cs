using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.States;

namespace Relocation.Testing.Fakes;

/// <summary>
/// The candidate snapshot over in-memory repositories: read from them whole on every read, so it is always current and
/// the writes that keep the real snapshot current have nothing to do here.
/// </summary>
public sealed class InMemoryCandidateData(IStateRepository states, ICapacityRepository capacities, IAgreementRepository agreements) : ICandidateData
{
    public async Task<CandidateData> ReadAsync(CancellationToken cancellationToken)
    {
        var inForce = (await agreements.ListAsync(cancellationToken)).Where(a => a.Status == AgreementStatus.InForce).ToArray();
        return new CandidateData(
            await states.ListAsync(cancellationToken),
            await capacities.ListAllAsync(cancellationToken),
            inForce.GroupBy(a => a.Details.Type).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(a => a.Details.StateCode).ToHashSet(StringComparer.Ordinal)));
    }

    public Task PutStateAsync(State state, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PutCapacityAsync(Capacity capacity, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PutAgreementAsync(Agreement agreement, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RebuildAsync(IReadOnlyList<State> states, IReadOnlyList<Capacity> capacities, IReadOnlyList<Agreement> agreements, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
