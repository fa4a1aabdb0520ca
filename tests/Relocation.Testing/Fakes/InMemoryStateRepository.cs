using System.Collections.Concurrent;
using Relocation.Domain.States;

namespace Relocation.Testing.Fakes;

/// <summary>The register of States in memory (no versions: workflow tests only read it).</summary>
public sealed class InMemoryStateRepository : IStateRepository
{
    private readonly ConcurrentDictionary<string, State> _states = new(StringComparer.Ordinal);

    public Task<State?> FindAsync(string code, CancellationToken cancellationToken) => Task.FromResult(_states.GetValueOrDefault(code));

    public Task<IReadOnlyList<State>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<State>>(_states.Values.OrderBy(s => s.Code, StringComparer.Ordinal).ToArray());

    public Task<State> SaveAsync(State state, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states[state.Code] = state;
        return Task.FromResult(state);
    }
}
