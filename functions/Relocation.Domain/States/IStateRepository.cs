namespace Relocation.Domain.States;

/// <summary>The register of States.</summary>
public interface IStateRepository
{
    Task<State?> FindAsync(string code, CancellationToken cancellationToken);

    Task<IReadOnlyList<State>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores the State; with <paramref name="ifMatch"/>, only if the stored row still has that version (else a PreconditionFailedException).</summary>
    Task<State> SaveAsync(State state, string? ifMatch, CancellationToken cancellationToken);
}
