using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.Workflows.Agreements;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Common;

/// <summary>When and how much the reconciler sweeps, from <c>Workflows:Reconciler</c>.</summary>
public sealed class StepReconcilerOptions
{
    public const string SectionName = "Workflows:Reconciler";

    /// <summary>Between two sweeps (the local host's loop; the Functions app's timer runs every 10 s).</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A step younger than this is left to the raise that follows its write.</summary>
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Steps looked at per sweep; the rest wait for the next one.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// A step whose event this process raised and the engine accepted (<see cref="AcknowledgedRaises"/>) is raised again
    /// only this long after that raise, instead of at <see cref="MinimumAge"/>. Zero (the default): every step at the
    /// minimum age. Off by default because measured with 30 s (bench/README.md, *Issue 19, arrival with the request*) it
    /// took away the re-raises but the engine finished its steps about 10 s later: some accepted raises were not acted on
    /// until raised again, so "in the queue" is not yet "will be applied". Steps this process did not raise (its request
    /// died before the raise, or ran in another process) always keep the minimum age (rule 3).
    /// </summary>
    public TimeSpan AcknowledgedWait { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// What one sweep did. <c>Applied</c>: steps of a case cancelled before any round, with no orchestration to apply them,
/// marked applied by the sweep itself (nothing was held). <c>Stuck</c>: steps nothing will apply, logged as errors.
/// <c>Started</c>: agreements whose orchestration the sweep started (their create died between the row and the schedule).
/// </summary>
public sealed record SweepResult(int Looked, int Raised, int Dropped, int Stuck, int Applied, int Started = 0);

/// <summary>
/// The one delivery guarantee for every "write the row, then raise the event": reads the pending-step index (steps
/// recorded on a row more than a few seconds ago and not yet applied) and raises each again. The event carries only
/// the step's number; the orchestration reads the row and applies each step once, in order, so a second raise costs
/// one read. An entry whose step is not (or no longer) pending on its row is dropped; one whose orchestration has
/// ended or failed, or never started, is dropped and logged, since nothing would ever apply it, except the steps of a
/// case cancelled before any round opened, which hold nothing and are marked applied here, and the steps of an
/// agreement whose orchestration does not exist at all: the create writes the row, then schedules, so a create that
/// died in between left an agreement that accepts events and that nothing would start; the sweep starts it (it applies
/// the pending events first) and raises the step; likewise a case whose orchestration does not exist yet (the create
/// answers before its schedule lands, or died before it): started from its row, then raised.
/// </summary>
public sealed partial class StepReconciler(
    IPendingSteps steps,
    IAgreementRepository agreements,
    IRelocationRepository relocations,
    IOptions<StepReconcilerOptions> options,
    TimeProvider time,
    ILogger<StepReconciler> logger,
    AcknowledgedRaises? raises = null)
{
    /// <summary>
    /// When each step still pending may be raised again by this process. A step is raised first once it is
    /// <see cref="StepReconcilerOptions.MinimumAge"/> old, then again after twice the previous wait (3 s, 6 s, 12 s, …
    /// at most <see cref="MaxBackoff"/>). Raising every pending step on every sweep fed on itself under load: each
    /// raise costs the orchestration an episode and a read of the row, which slowed the very steps still pending, so
    /// a surge of 50 acceptances took minutes. Only steps in the index are kept here, so it is bounded by the index.
    /// </summary>
    private readonly Dictionary<(string Workflow, string SubjectId, int Sequence), (DateTimeOffset NextAt, TimeSpan Wait)> _backoff = [];

    private readonly Lock _backoffLock = new();

    /// <summary>The longest wait between two raises of one step.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(2);

    public StepReconcilerOptions Options => options.Value;

    public async Task<SweepResult> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var due = await steps.RecordedBeforeAsync(now - options.Value.MinimumAge, options.Value.BatchSize, cancellationToken);
        int raised = 0, dropped = 0, stuck = 0, applied = 0, started = 0;
        var acknowledgedWait = options.Value.AcknowledgedWait;
        if (acknowledgedWait > TimeSpan.Zero)
        {
            raises?.ForgetBefore(now - acknowledgedWait);
        }
        lock (_backoffLock)
        {
            // Forget steps no longer in the index (applied or dropped), when the index was read whole.
            if (due.Count < options.Value.BatchSize)
            {
                var present = due.Select(d => (d.Workflow, d.SubjectId, d.Sequence)).ToHashSet();
                foreach (var key in _backoff.Keys.Where(k => !present.Contains(k)).ToArray())
                {
                    _backoff.Remove(key);
                }
            }
        }

        foreach (var step in due)
        {
            var key = (step.Workflow, step.SubjectId, step.Sequence);
            lock (_backoffLock)
            {
                if (_backoff.TryGetValue(key, out var wait) && wait.NextAt > now)
                {
                    continue;
                }
            }

            if (acknowledgedWait > TimeSpan.Zero && raises?.RaisedAt(step.Workflow, step.SubjectId, step.Sequence) is { } raisedAt && now - raisedAt < acknowledgedWait)
            {
                // Its event is in the engine's queue (this process's raise was accepted): not even the row is read.
                continue;
            }

            var (pending, kind, relocation) = await StillPendingAsync(step, cancellationToken);
            if (!pending)
            {
                await steps.RemoveAsync(step.Workflow, step.SubjectId, step.Sequence, cancellationToken);
                dropped++;
                continue;
            }

            var instanceId = step.Workflow == StepWorkflows.Agreement ? AgreementInstance.IdFor(step.SubjectId) : RelocationInstance.IdFor(step.SubjectId);
            var instance = await client.GetInstanceAsync(instanceId, cancellationToken);
            // No instance at all: an agreement whose create died between its row and its schedule, or a case answered
            // before its schedule landed (POST /api/relocations does not wait for it; docs/durability.md, "The first
            // round"): started here, never replacing one a late schedule made meanwhile, then raised as any step. A case
            // cancelled before any round needs no orchestration (below).
            var neverStarted = instance is null && (step.Workflow == StepWorkflows.Agreement || relocation is { CancelledBeforeAnyRound: false });
            if (neverStarted)
            {
                if (step.Workflow == StepWorkflows.Agreement)
                {
                    await AgreementInstance.StartAsync(client, step.SubjectId, cancellationToken);
                    LogStartedAgreement(logger, step.SubjectId, step.Sequence);
                }
                else
                {
                    await RelocationCommands.ScheduleNeverReplacingAsync(client, relocation!, cancellationToken);
                    LogStartedRelocation(logger, step.SubjectId, step.Sequence);
                }

                started++;
            }

            var ended = !neverStarted && (instance is null || instance.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated);
            if (ended && relocation is { CancelledBeforeAnyRound: true })
            {
                // Cancelled before any round (typically before its orchestration ever started: the create died before the
                // schedule and the sweep of unscheduled cases leaves cancelled ones alone): nothing was asked or held, so
                // nothing is left to do but mark the step applied, as the orchestration would; twice changes nothing. An
                // orchestration a late create starts after this finds the case cancelled and ends.
                await CaseUpdates.UpdateIfAsync(relocations, step.SubjectId, c => c.CompleteStep(step.Sequence), cancellationToken);
                await steps.RemoveAsync(step.Workflow, step.SubjectId, step.Sequence, cancellationToken);
                LogAppliedWithoutOrchestration(logger, step.SubjectId, step.Sequence, instance?.RuntimeStatus.ToString() ?? "missing");
                applied++;
                continue;
            }

            if (ended)
            {
                // Nothing will apply it: say so once and stop raising. A failed one is visible in the engine and is
                // recovered by restarting or rewinding that instance (docs/durability.md).
                LogNoOrchestration(logger, step.Workflow, step.SubjectId, step.Sequence, instance?.RuntimeStatus.ToString() ?? "missing");
                await steps.RemoveAsync(step.Workflow, step.SubjectId, step.Sequence, cancellationToken);
                stuck++;
                continue;
            }

            object payload = step.Workflow == StepWorkflows.Agreement
                ? new AgreementEventRaised(step.Sequence)
                : new CaseEvent(kind, Sequence: step.Sequence);
            var eventName = step.Workflow == StepWorkflows.Agreement ? AgreementInstance.EventName : RelocationInstance.EventName;
            await client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);
            lock (_backoffLock)
            {
                var next = _backoff.TryGetValue(key, out var previous) ? TimeSpan.FromTicks(Math.Min(previous.Wait.Ticks * 2, MaxBackoff.Ticks)) : options.Value.MinimumAge;
                _backoff[key] = (time.GetUtcNow() + next, next);
            }

            LogRaised(logger, step.Workflow, step.SubjectId, step.Sequence, (time.GetUtcNow() - step.RecordedAt).TotalSeconds);
            raised++;
        }

        return new SweepResult(due.Count, raised, dropped, stuck, applied, started);
    }

    /// <summary>
    /// True: on the row and not applied. False: applied, never reached the row, or the row is gone. A relocation's step
    /// comes with the case row it was read from.
    /// </summary>
    private async Task<(bool Pending, CaseEventKind Kind, RelocationCase? Relocation)> StillPendingAsync(PendingStep step, CancellationToken cancellationToken)
    {
        if (step.Workflow == StepWorkflows.Agreement)
        {
            var agreement = await agreements.FindAsync(step.SubjectId, cancellationToken);
            return (agreement is not null && agreement.Pending.Any(p => p.Sequence == step.Sequence), default, null);
        }

        if (step.Workflow == StepWorkflows.Relocation)
        {
            var relocation = await relocations.FindAsync(step.SubjectId, cancellationToken);
            var onRow = relocation?.PendingSteps.FirstOrDefault(p => p.Sequence == step.Sequence);
            return (onRow is not null, onRow is null ? default : (CaseEventKind)(int)onRow.Kind, relocation);
        }

        return (false, default, null);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Re-raised {Workflow} {SubjectId} step {Sequence}, pending for {Seconds:0.0} s")]
    private static partial void LogRaised(ILogger logger, string workflow, string subjectId, int sequence, double seconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Workflow} {SubjectId} step {Sequence} is pending but its orchestration is {Status}; nothing will apply it")]
    private static partial void LogNoOrchestration(ILogger logger, string workflow, string subjectId, int sequence, string status);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Agreement {SubjectId} had no orchestration (its create died before the schedule): started it for step {Sequence}")]
    private static partial void LogStartedAgreement(ILogger logger, string subjectId, int sequence);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Relocation {SubjectId} had no orchestration (its schedule had not landed, or its request died before it): started it for step {Sequence}")]
    private static partial void LogStartedRelocation(ILogger logger, string subjectId, int sequence);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Relocation {SubjectId} was cancelled before any round and its orchestration is {Status}: step {Sequence} marked applied (nothing was held)")]
    private static partial void LogAppliedWithoutOrchestration(ILogger logger, string subjectId, int sequence, string status);
}
