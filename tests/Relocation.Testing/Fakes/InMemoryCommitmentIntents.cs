using System.Collections.Concurrent;
using Relocation.Domain.Fund;

namespace Relocation.Testing.Fakes;

/// <summary>The commitment intents in memory: one per commitment id, as the table's row key.</summary>
public sealed class InMemoryCommitmentIntents : ICommitmentIntents
{
    private readonly ConcurrentDictionary<string, CommitmentIntent> _intents = new(StringComparer.Ordinal);

    public IReadOnlyCollection<CommitmentIntent> Intents => _intents.Values.ToArray();

    public Task WriteAsync(CommitmentIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        _intents[intent.CommitmentId] = intent;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string commitmentId, CancellationToken cancellationToken)
    {
        _intents.TryRemove(commitmentId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CommitmentIntent>> WrittenBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CommitmentIntent>>(_intents.Values.Where(i => i.WrittenAt < cutoff).OrderBy(i => i.WrittenAt).Take(max).ToArray());
}
