namespace Relocation.Domain.Steps;

/// <summary>
/// A step a caller said (an agreement event, an acceptance, an arrival, a cancellation) that is numbered on its row
/// and waits for its orchestration to apply it. The index of these is what the reconciler reads: small, because an
/// entry is removed as soon as its step is applied, so finding the stranded ones never scans the big tables.
/// </summary>
/// <param name="Workflow">Which kind of row and orchestration: <see cref="StepWorkflows"/>.</param>
/// <param name="SubjectId">The agreement or relocation id.</param>
/// <param name="Sequence">The step's number on its row.</param>
/// <param name="RecordedAt">When the API recorded it; the reconciler leaves young steps to the normal raise.</param>
public sealed record PendingStep(string Workflow, string SubjectId, int Sequence, DateTimeOffset RecordedAt);

/// <summary>The workflows whose steps go through the pending-step index.</summary>
public static class StepWorkflows
{
    public const string Agreement = "agreement";
    public const string Relocation = "relocation";
}

/// <summary>
/// The index of steps recorded but not yet applied. Written before the row (so a step on a row always has its entry;
/// an entry whose step never reached the row is dropped by the reconciler), removed once the step is applied.
/// </summary>
public interface IPendingSteps
{
    Task AddAsync(PendingStep pending, CancellationToken cancellationToken);

    /// <summary>Removes the entry; removing one that is not there is not an error.</summary>
    Task RemoveAsync(string workflow, string subjectId, int sequence, CancellationToken cancellationToken);

    /// <summary>Entries recorded before <paramref name="cutoff"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<PendingStep>> RecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken);
}
