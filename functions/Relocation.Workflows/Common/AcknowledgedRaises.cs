using System.Collections.Concurrent;

namespace Relocation.Workflows.Common;

/// <summary>
/// The steps whose event this process raised and the engine accepted: <c>RaiseEventAsync</c> returned, so the event is a
/// message in the instance's control queue, which the engine delivers at least once. The reconciler gives such a step
/// <see cref="StepReconcilerOptions.AcknowledgedWait"/> before it raises it again instead of
/// <see cref="StepReconcilerOptions.MinimumAge"/>: a step still pending 3 s after an accepted raise is almost always
/// waiting for a loaded engine, and each re-raise costs that engine an instance lookup, an episode and a read of the row
/// (at 200 cases at once, 2.2 <c>TakeCaseStep</c> per case instead of 2). Memory only, on purpose: a process that died
/// before its raise (rule 3) or after it knows nothing here, nor does any other process, so those steps are raised
/// again at the usual minimum age. What the wait delays is only the repair of a message the storage itself lost.
/// </summary>
/// <param name="time">The clock of the raises.</param>
/// <param name="options">When given and its <see cref="StepReconcilerOptions.AcknowledgedWait"/> is zero (the default),
/// nothing is remembered: no reconciler would ask, so the raise path and each sweep do no work for it.</param>
public sealed class AcknowledgedRaises(TimeProvider time, Microsoft.Extensions.Options.IOptions<StepReconcilerOptions>? options = null)
{
    private bool Off => options is not null && options.Value.AcknowledgedWait <= TimeSpan.Zero;

    /// <summary>At most this many raises are remembered; beyond, a raise is simply not remembered (the usual minimum age applies).</summary>
    public const int Remembered = 10_000;

    private readonly ConcurrentDictionary<(string Workflow, string SubjectId, int Sequence), DateTimeOffset> _raised = new();

    /// <summary>The event of step <paramref name="sequence"/> was raised and accepted by the engine just now.</summary>
    public void Raised(string workflow, string subjectId, int sequence)
    {
        if (!Off && _raised.Count < Remembered)
        {
            _raised[(workflow, subjectId, sequence)] = time.GetUtcNow();
        }
    }

    /// <summary>When this process's raise of the step was accepted, or null when it raised none (or forgot it).</summary>
    public DateTimeOffset? RaisedAt(string workflow, string subjectId, int sequence) =>
        _raised.TryGetValue((workflow, subjectId, sequence), out var at) ? at : null;

    /// <summary>Forgets raises accepted before <paramref name="before"/>: past the wait they change nothing.</summary>
    public void ForgetBefore(DateTimeOffset before)
    {
        foreach (var (key, at) in _raised)
        {
            if (at < before)
            {
                _raised.TryRemove(new KeyValuePair<(string, string, int), DateTimeOffset>(key, at));
            }
        }
    }
}
