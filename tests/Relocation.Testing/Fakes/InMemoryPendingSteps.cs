using System.Collections.Concurrent;
using Relocation.Domain.Steps;

namespace Relocation.Testing.Fakes;

/// <summary>The pending-step index in memory: one entry per (workflow, subject, sequence), as the table's row key.</summary>
public sealed class InMemoryPendingSteps : IPendingSteps
{
    private readonly ConcurrentDictionary<(string Workflow, string SubjectId, int Sequence), PendingStep> _entries = new();

    public IReadOnlyCollection<PendingStep> Entries => _entries.Values.ToArray();

    public Task AddAsync(PendingStep pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        _entries[(pending.Workflow, pending.SubjectId, pending.Sequence)] = pending;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string workflow, string subjectId, int sequence, CancellationToken cancellationToken)
    {
        _entries.TryRemove((workflow, subjectId, sequence), out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingStep>> RecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PendingStep>>(_entries.Values.Where(e => e.RecordedAt <= cutoff).OrderBy(e => e.RecordedAt).Take(max).ToArray());
}
