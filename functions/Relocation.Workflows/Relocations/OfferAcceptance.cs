using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Domain.Steps;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Relocations;

/// <summary>An acceptance as carried out: the row after its decision, and the decision (null: nothing pending to decide).</summary>
public sealed record AcceptanceCarriedOut(RelocationCase Case, AcceptanceOutcome? Outcome);

/// <summary>
/// Carries out an acceptance's forward steps: holds the places, commits the money when the place needs Special Fund
/// support, records the decision on the case row under its ETag (with the relocation clock), then tells VWU and the other
/// asked States. Two callers, as for <see cref="RoundOpening"/> (docs/durability.md, "The acceptance"): the acceptance
/// request, which does it in-process right after recording the step so VWU's answer need not wait for the engine to
/// dispatch the orchestration and three activities; and the orchestration's saga steps (<see cref="HoldPlacesActivity"/>,
/// <see cref="CommitFundsActivity"/>, <see cref="RecordAcceptanceActivity"/>), the guarantee. In the process that carries
/// it out a step joins that work and writes nothing; elsewhere, or after a crash, it finds the decision on the row and
/// reports what the saga needs so its compensations run; if it comes first it does its step itself, and the request's
/// work then finds the places held (the capacity row says so per case) and the commitment made (keyed). The
/// compensations are the orchestrator's; one is done here first: places held for an acceptance the Fund then refused
/// are released before the refusal is answered, and the saga's ReleasePlaces joins that release.
/// </summary>
public sealed partial class OfferAcceptance(
    IRelocationRepository relocations,
    ICapacityRepository capacities,
    IRelocationFund fund,
    IOutbox outbox,
    IOptions<RelocationWorkflowOptions> options,
    TimeProvider time,
    CaseDecisionSignal? decisions = null,
    IPendingSteps? steps = null,
    ILogger<OfferAcceptance>? logger = null,
    IStateRepository? states = null)
{
    /// <summary>Acceptances this process carried out lately; beyond this many, finished ones are forgotten.</summary>
    public const int Remembered = 1_000;

    private readonly ILogger _logger = logger ?? NullLogger<OfferAcceptance>.Instance;

    /// <summary>
    /// The acceptances this process is carrying out or carried out, by case and request. Memory only, on purpose: after a
    /// crash it is empty, so the saga's steps in a new process read the rows instead.
    /// </summary>
    private readonly ConcurrentDictionary<string, Lazy<Run>> _runs = new(StringComparer.Ordinal);

    /// <summary>Whether the acceptance request carries out the acceptance (<see cref="RelocationWorkflowOptions.AcceptWithRequest"/>).</summary>
    public bool WithRequest => options.Value.AcceptWithRequest;

    /// <summary>
    /// The request's part: carries out the acceptance <paramref name="requestId"/> recorded on the row (or joins this
    /// process's run of it) and returns the decision as recorded. <paramref name="recorded"/>: the row as the request
    /// just wrote it, to save a read.
    /// </summary>
    public async Task<AcceptanceCarriedOut> CarryOutAsync(string relocationId, string requestId, RelocationCase? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(relocationId);
        ArgumentNullException.ThrowIfNull(requestId);
        recorded ??= await CaseUpdates.FindAsync(relocations, relocationId);
        if (recorded.PendingSteps.Any(s => s.Kind == CaseStepKind.Acceptance && s.RequestId != requestId))
        {
            // An earlier acceptance's saga has not finished (a refusal whose compensation may still release this case's
            // places on the same row): carrying this one out now could hold places that compensation then releases.
            // The saga takes the steps in order; the request waits for it, as it did before.
            return new AcceptanceCarriedOut(recorded, null);
        }

        var run = _runs.GetOrAdd(Key(relocationId, requestId), _ => new Lazy<Run>(() => Start(relocationId, requestId, recorded)));
        Forget();
        return await run.Value.Recorded;
    }

    /// <summary>
    /// Saga step 1 (<see cref="HoldPlacesActivity"/>): joins this process's run; else finds the decision on the row (the
    /// request, in another process or before a crash, carried it out: nothing held anew); else holds the places.
    /// </summary>
    public async Task<SagaStepResult> HoldAsync(PlacesStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.RequestId is { } requestId)
        {
            if (await JoinAsync(step.RelocationId, requestId, r => r.Held) is { } joined)
            {
                return joined;
            }

            if (WithRequest && await DecidedAsync(step.RelocationId, requestId) is { State.LastOutcome: { } decided })
            {
                // Decided by the request elsewhere (or before a crash): nothing is held anew. Reported as the capacity row
                // has it, so the orchestrator compensates exactly what is held: accepted, the places are held; refused
                // at the hold or for money (the request released them then), nothing is held and nothing is released;
                // refused too late (cancelled meanwhile), they are held and the saga's compensation releases them.
                LogFound(_logger, "hold");
                if (decided.Accepted)
                {
                    return new SagaStepResult(null);
                }

                var capacity = await capacities.FindAsync(step.StateCode, step.CapacityId, CancellationToken.None);
                return capacity is not null && capacity.Holds.ContainsKey(step.RelocationId) ? new SagaStepResult(null) : new SagaStepResult(decided.Reason);
            }
        }

        return await HoldHereAsync(capacities, step);
    }

    /// <summary>Saga step 2 (<see cref="CommitFundsActivity"/>), the same way; the commitment is keyed by the case.</summary>
    public async Task<SagaStepResult> CommitAsync(FundStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.RequestId is { } requestId)
        {
            if (await JoinAsync(step.RelocationId, requestId, r => r.Committed) is { } joined)
            {
                return joined;
            }

            if (WithRequest && await DecidedAsync(step.RelocationId, requestId) is { State.LastOutcome: { } decided } relocation)
            {
                // Accepted: the commitment the decision names. Refused: reported as this step's refusal, so the
                // orchestrator releases the places before the decision's step is marked applied (a later acceptance of
                // the same place is carried out only once no earlier one is pending). A commitment made before a
                // cancellation refused the acceptance is released by the cancellation's ReleaseRelocation.
                LogFound(_logger, "commit");
                return decided.Accepted
                    ? new SagaStepResult(null, relocation.State.Accepted?.CommitmentId ?? CaseUpdates.CommitKey(step.RelocationId))
                    : new SagaStepResult(decided.Reason ?? "The acceptance was refused.");
            }
        }

        return await CommitHereAsync(fund, step.RelocationId, step.CostEurMinor);
    }

    /// <summary>
    /// The compensation of step 1 (<see cref="ReleasePlacesActivity"/>): when this process's run already released the
    /// places (the Fund refused it), nothing is written; otherwise it releases what the case holds (nothing is fine).
    /// </summary>
    public async Task ReleaseAsync(PlacesStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.RequestId is { } requestId && _runs.TryGetValue(Key(step.RelocationId, requestId), out var run))
        {
            try
            {
                if (await run.Value.Released)
                {
                    LogJoined(_logger, "release");
                    return;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The run failed: release here.
            }
        }

        await CaseUpdates.ChangeCapacityAsync(capacities, step.StateCode, step.CapacityId, c => c.Release(step.RelocationId));
    }

    /// <summary>
    /// Saga step 3 (<see cref="RecordAcceptanceActivity"/>) in the process that carried the acceptance out: waits for
    /// that run's decision and notices, then only marks the step applied (one write) and drops it from the index. Null
    /// when this process has no run of it (the activity then records from the row, as it always did).
    /// </summary>
    public async Task<AcceptanceRecorded?> RecordJoinedAsync(AcceptanceDecision input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var key = Key(input.RelocationId, input.RequestId);
        if (!_runs.TryGetValue(key, out var run))
        {
            return null;
        }

        AcceptanceCarriedOut carried;
        bool told;
        try
        {
            carried = await run.Value.Recorded;
            told = await run.Value.Told;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The run failed (storage, say): the activity records from the row itself.
            _runs.TryRemove(new KeyValuePair<string, Lazy<Run>>(key, run));
            return null;
        }

        if (carried.Outcome is null || !told)
        {
            // Not decided by this run (found on the row): the activity records and tells from the row, keyed.
            return null;
        }

        // The saga's last step: nobody comes for this run any more (a retry of the activity reads the row).
        _runs.TryRemove(new KeyValuePair<string, Lazy<Run>>(key, run));
        var updated = await CaseUpdates.UpdateIfAsync(relocations, input.RelocationId, c =>
        {
            if (input.Sequence is { } sequence && c.PendingSteps.Any(s => s.Sequence == sequence))
            {
                c.CompleteStep(sequence);
                return true;
            }

            return false;
        });
        if (steps is not null && input.Sequence is { } applied)
        {
            await steps.RemoveAsync(StepWorkflows.Relocation, input.RelocationId, applied, CancellationToken.None);
        }

        LogJoined(_logger, "record");
        var clock = carried.Outcome.Accepted && updated.State.Accepted is { } taken && updated.State.PlacementDueAt is { } due
            ? new PlacementClock(taken.At.UtcDateTime, due.UtcDateTime)
            : null;
        return new AcceptanceRecorded(carried.Outcome.Accepted, clock);
    }

    /// <summary>Holds the places; a refusal (no places any more) is the reason VWU reads. Nothing written when already held.</summary>
    public static async Task<SagaStepResult> HoldHereAsync(ICapacityRepository capacities, PlacesStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            await CaseUpdates.ChangeCapacityIfAsync(capacities, step.StateCode, step.CapacityId, c =>
            {
                if (c.Holds.TryGetValue(step.RelocationId, out var held) && held == step.Places)
                {
                    return false;
                }

                c.Hold(step.RelocationId, step.Places);
                return true;
            });
            return new SagaStepResult(null);
        }
        catch (ConflictException ex)
        {
            return SagaStepResult.Refused(AcceptanceRefusal.CannotHold(step.StateCode, step.Places, ex.Message));
        }
    }

    /// <summary>Commits the estimated cost (keyed by the case, so twice is once); a refusal is the reason VWU reads.</summary>
    public static async Task<SagaStepResult> CommitHereAsync(IRelocationFund fund, string relocationId, long costEurMinor)
    {
        ArgumentNullException.ThrowIfNull(fund);
        try
        {
            return new SagaStepResult(null, await fund.CommitAsync(relocationId, costEurMinor, CaseUpdates.CommitKey(relocationId), CancellationToken.None));
        }
        catch (ConflictException ex)
        {
            return SagaStepResult.Refused(AcceptanceRefusal.FundShort(costEurMinor, ex.Message));
        }
    }

    /// <summary>
    /// Records the decision for <paramref name="requestId"/> unless the row has one (a cancellation meanwhile refuses the
    /// pending acceptance there), and when accepted starts the relocation clock. Writes nothing when both are there.
    /// </summary>
    public static Task<RelocationCase> DecideAsync(IRelocationRepository relocations, RelocationWorkflowOptions options, string relocationId, string requestId,
        string capacityId, string? commitmentId, string? refusal, DateTimeOffset now, CaseExplanation? refusalExplanation = null) =>
        CaseUpdates.UpdateIfAsync(relocations, relocationId, c =>
        {
            var changed = false;
            if (c.State.LastOutcome?.RequestId != requestId)
            {
                if (refusal is not null)
                {
                    c.RefuseAcceptance(requestId, refusal, now, refusalExplanation);
                }
                else if (c.Status == RelocationStatus.AwaitingOffers)
                {
                    c.CompleteAcceptance(requestId, capacityId, commitmentId, now);
                }
                else
                {
                    c.RefuseAcceptance(requestId, AcceptanceRefusal.StatusChanged(c.Status), now);
                }

                changed = true;
            }

            if (c.State.LastOutcome is { Accepted: true } outcome && outcome.RequestId == requestId && c.State.Accepted is { } accepted && c.State.PlacementDueAt is null)
            {
                c.StartPlacementClock(PlacementClocks.DueFor(c, accepted.At, options), now);
                changed = true;
            }

            return changed;
        });

    /// <summary>Tells VWU the decision and, when accepted, the other asked States that their offer is no longer needed (keyed).</summary>
    public static async Task TellAsync(IOutbox outbox, IStateRepository? states, RelocationCase relocation, AcceptanceOutcome decided, string? stateCode,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        await outbox.AddAsync(CaseNotices.AcceptanceOutcome(relocation, decided, stateCode, now), CancellationToken.None);
        if (decided.Accepted && relocation.State.Accepted is not null)
        {
            await NotifyRelocationStatesActivity.NotifyAsync(outbox, states, relocation, "OfferNoLongerNeeded", now);
        }
    }

    private static string Key(string relocationId, string requestId) => $"{relocationId}|{requestId}";

    private async Task<SagaStepResult?> JoinAsync(string relocationId, string requestId, Func<Run, Task<SagaStepResult>> part)
    {
        if (!_runs.TryGetValue(Key(relocationId, requestId), out var run))
        {
            return null;
        }

        try
        {
            var result = await part(run.Value);
            LogJoined(_logger, "step");
            return result;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The request's run failed before this step: the activity does it itself.
            return null;
        }
    }

    private async Task<RelocationCase?> DecidedAsync(string relocationId, string requestId)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, relocationId);
        return relocation.State.LastOutcome?.RequestId == requestId ? relocation : null;
    }

    /// <summary>Keeps the memory bounded: past <see cref="Remembered"/> entries, the finished ones go.</summary>
    private void Forget()
    {
        if (_runs.Count <= Remembered)
        {
            return;
        }

        foreach (var (key, run) in _runs)
        {
            if (run.IsValueCreated && run.Value.Told.IsCompleted)
            {
                _runs.TryRemove(key, out _);
            }
        }
    }

    /// <summary>One run: each part completes as soon as its step is done; <see cref="Told"/> says whether this run told VWU and the States.</summary>
    private sealed record Run(Task<SagaStepResult> Held, Task<SagaStepResult> Committed, Task<bool> Released, Task<AcceptanceCarriedOut> Recorded, Task<bool> Told);

    private Run Start(string relocationId, string requestId, RelocationCase? recorded)
    {
        var held = new TaskCompletionSource<SagaStepResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = new TaskCompletionSource<SagaStepResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var decided = new TaskCompletionSource<AcceptanceCarriedOut>(TaskCreationOptions.RunContinuationsAsynchronously);
        var told = CarryOutHereAsync(relocationId, requestId, recorded, held, committed, released, decided);
        _ = told.ContinueWith(t =>
        {
            var errors = t.Exception!.InnerExceptions;
            held.TrySetException(errors);
            committed.TrySetException(errors);
            released.TrySetException(errors);
            decided.TrySetException(errors);
            LogFailed(_logger, t.Exception.InnerException?.GetType().Name ?? "unknown");
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new Run(held.Task, committed.Task, released.Task, decided.Task, told);
    }

    private async Task<bool> CarryOutHereAsync(string relocationId, string requestId, RelocationCase? recorded,
        TaskCompletionSource<SagaStepResult> held, TaskCompletionSource<SagaStepResult> committed, TaskCompletionSource<bool> released,
        TaskCompletionSource<AcceptanceCarriedOut> decided)
    {
        await Task.Yield();
        var now = time.GetUtcNow();
        var relocation = recorded ?? await CaseUpdates.FindAsync(relocations, relocationId);
        if (relocation.State.LastOutcome is { } earlier && earlier.RequestId == requestId)
        {
            // Decided already (by the orchestration's saga, which came first, or a cancellation meanwhile): this run did
            // no step, so a saga step does not join it but reads the rows.
            NotCarriedOut();
            decided.TrySetResult(new AcceptanceCarriedOut(relocation, earlier));
            return false;
        }

        var plan = await AcceptancePlanning.PlanAsync(relocation, requestId, outbox: null, now);
        if (plan.Decided is not null)
        {
            // Nothing pending for this request on the row: nothing to carry out (the caller reads the row).
            NotCarriedOut();
            decided.TrySetResult(new AcceptanceCarriedOut(relocation, null));
            return false;
        }

        var refusal = plan.Refusal;
        var why = plan.RefusalExplanation;
        string? commitmentId = null;
        if (refusal is null)
        {
            var hold = await HoldHereAsync(capacities, new PlacesStep(relocationId, plan.StateCode, plan.CapacityId, plan.Places, requestId));
            (refusal, why) = (hold.Refusal, hold.RefusalExplanation);
            held.TrySetResult(hold);
            if (refusal is null && plan.NeedsFundSupport)
            {
                var commit = await CommitHereAsync(fund, relocationId, plan.CostEurMinor);
                (refusal, why, commitmentId) = (commit.Refusal, commit.RefusalExplanation, commit.CommitmentId);
                committed.TrySetResult(commit);
                if (refusal is not null)
                {
                    // The orchestrator's compensation, done here first, before the refusal is written and answered: VWU
                    // and the capacity's readers never see places held for a refused acceptance. The saga's
                    // ReleasePlaces joins it in this process (nothing written) and releases again, harmlessly, elsewhere.
                    await CaseUpdates.ChangeCapacityAsync(capacities, plan.StateCode, plan.CapacityId, c => c.Release(relocationId));
                    released.TrySetResult(true);
                }
            }
        }

        released.TrySetResult(false);

        held.TrySetResult(new SagaStepResult(refusal) { RefusalExplanation = why });
        committed.TrySetResult(new SagaStepResult(refusal, commitmentId) { RefusalExplanation = why });
        var updated = await DecideAsync(relocations, options.Value, relocationId, requestId, plan.CapacityId, commitmentId, refusal, now, why);
        var outcome = updated.State.LastOutcome is { } last && last.RequestId == requestId ? last : null;
        if (refusal is null && outcome is { Accepted: false } && updated.Status is RelocationStatus.Escalated or RelocationStatus.Cancelled)
        {
            // The last deadline (or a cancellation) refused this acceptance between its hold and its decision. An
            // escalated case's orchestration has ended and a cancelled one may have released before this hold: nobody
            // else would compensate, so the places and the money go back here (both keyed: a release twice is once).
            await CaseUpdates.ChangeCapacityAsync(capacities, plan.StateCode, plan.CapacityId, c => c.Release(relocationId));
            if (commitmentId is not null)
            {
                await fund.ReleaseAsync(relocationId, CaseUpdates.ReleaseKey(relocationId), CancellationToken.None);
            }
        }
        decided.TrySetResult(new AcceptanceCarriedOut(updated, outcome));
        if (outcome is null)
        {
            return false;
        }

        decisions?.Raise(relocationId);
        await TellAsync(outbox, states, updated, outcome, plan.StateCode, now);
        return true;

        void NotCarriedOut()
        {
            var none = new InvalidOperationException("This run carried out no step.");
            held.TrySetException(none);
            committed.TrySetException(none);
            released.TrySetException(none);
            // Observed here: nobody may ever wait for these.
            _ = held.Task.Exception;
            _ = committed.Task.Exception;
            _ = released.Task.Exception;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Carrying out an acceptance in-process failed ({Error}); the orchestration's saga carries it out")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Acceptance saga {Step}: joined the run of this process")]
    private static partial void LogJoined(ILogger logger, string step);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Acceptance saga {Step}: the decision was on the row already; nothing done anew")]
    private static partial void LogFound(ILogger logger, string step);
}
