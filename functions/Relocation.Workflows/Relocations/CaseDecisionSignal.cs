using System.Collections.Concurrent;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// Wakes an acceptance request waiting in this process as soon as the saga has recorded its decision, instead of
/// reading the case row in a loop. Only a hint: the waiter still reads the row (once when woken, and at most every
/// second for a decision recorded by another instance, where this process hears nothing).
/// </summary>
public sealed class CaseDecisionSignal
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>Completes at the next <see cref="Raise"/> for the case. Take it before reading the row, or a decision recorded in between is missed.</summary>
    public Task Next(string relocationId) =>
        _next.GetOrAdd(relocationId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The case's decision is on the row: wake whoever waits for it (an entry exists only while someone waits or until this).</summary>
    public void Raise(string relocationId)
    {
        if (_next.TryRemove(relocationId, out var waiting))
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>A waiter that gave up: drop the entry unless another waiter has taken it meanwhile (it is taken again then).</summary>
    public void Forget(string relocationId, Task next)
    {
        if (_next.TryGetValue(relocationId, out var waiting) && waiting.Task == next)
        {
            _next.TryRemove(new KeyValuePair<string, TaskCompletionSource>(relocationId, waiting));
        }
    }
}
