using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// Applies a recorded arrival, in one place: the held places become used (capacity row, ETag; nothing written when they
/// already are), a temporary relocation gets its protection-review notice (deterministic outbox key) and its review clock
/// on the case row. Two callers, as for <see cref="OfferAcceptance"/> (docs/durability.md, "The arrival"): the arrival
/// request, right after recording the step, so VWU's answer already carries the review due date instead of waiting for
/// the engine to dispatch the event and two activities; and <see cref="ApplyArrivalActivity"/>, the guarantee, which also
/// marks the step applied. In the process that carried it out the activity joins that work and writes only "applied";
/// elsewhere, or after a crash, it finds the clock on the row (written last, so the places and the notice are done) or
/// does the rest itself. The request never marks the step applied: the step stays pending on the row and in the index
/// until the orchestration takes it, so a lost event is still re-raised (rule 3) and the placement is followed as before.
/// </summary>
public sealed partial class CaseArrival(
    IRelocationRepository relocations,
    ICapacityRepository capacities,
    IOutbox outbox,
    IOptions<RelocationWorkflowOptions> options,
    TimeProvider time,
    IPendingSteps? steps = null,
    ILogger<CaseArrival>? logger = null)
{
    /// <summary>Arrivals this process carried out and no activity has joined yet; beyond this many, finished ones are forgotten.</summary>
    public const int Remembered = 1_000;

    private readonly ILogger _logger = logger ?? NullLogger<CaseArrival>.Instance;

    /// <summary>
    /// The arrivals this process's requests are carrying out or carried out, by case and step. Memory only, on purpose:
    /// after a crash it is empty, so the activity in a new process reads the rows instead.
    /// </summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<RelocationCase>>> _runs = new(StringComparer.Ordinal);

    /// <summary>Whether the arrival request applies the arrival (<see cref="RelocationWorkflowOptions.ArriveWithRequest"/>).</summary>
    public bool WithRequest => options.Value.ArriveWithRequest;

    /// <summary>
    /// The request's part: applies the arrival step <paramref name="sequence"/> just recorded on <paramref name="recorded"/>
    /// (the row as the request wrote it, with its version, to save a read) and returns the row with the review clock. The
    /// step is left pending. Started in the background at once, so the caller can raise the event meanwhile.
    /// </summary>
    public Task<RelocationCase> CarryOutAsync(RelocationCase recorded, int sequence)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        var run = _runs.GetOrAdd(Key(recorded.Id, sequence), _ => new Lazy<Task<RelocationCase>>(() => Start(recorded)));
        Forget();
        return run.Value;
    }

    /// <summary>
    /// The activity's part (<see cref="ApplyArrivalActivity"/>): joins this process's run of the step if there is one (and
    /// then writes only "applied"), else applies what the row does not show done; marks the step applied in the same write
    /// as the clock when that is still missing, and removes it from the index. Returns the row as written.
    /// </summary>
    public async Task<RelocationCase> ApplyStepAsync(string relocationId, int sequence)
    {
        ArgumentNullException.ThrowIfNull(relocationId);
        RelocationCase? carried = null;
        if (_runs.TryRemove(Key(relocationId, sequence), out var run))
        {
            try
            {
                carried = await run.Value;
                LogJoined(_logger);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The request's run failed (logged there): the activity applies the arrival itself.
            }
        }

        var relocation = await ApplyAsync(relocationId, carried, partsDone: carried is not null, sequence);
        if (steps is not null)
        {
            await steps.RemoveAsync(StepWorkflows.Relocation, relocationId, sequence, CancellationToken.None);
        }

        return relocation;
    }

    /// <summary>
    /// The arrival's work, the same for both callers. Every part is idempotent on its own: the capacity row knows whether
    /// the case's places are used, the notice's key is fixed per case, the clock is written once. The clock goes last, so
    /// a row that shows it (a temporary relocation's) has the places used and the notice written: those are skipped.
    /// <paramref name="applied"/>: the step to mark applied (the orchestration's caller only).
    /// </summary>
    private async Task<RelocationCase> ApplyAsync(string relocationId, RelocationCase? inHand, bool partsDone, int? applied)
    {
        var now = time.GetUtcNow();
        var relocation = inHand ?? await CaseUpdates.FindAsync(relocations, relocationId);
        if (!partsDone && relocation.State.ReviewDueAt is null && relocation.State.Accepted is { } accepted)
        {
            await CaseUpdates.ChangeCapacityIfAsync(capacities, accepted.StateCode, accepted.CapacityId, c =>
            {
                if (c.Uses.ContainsKey(relocation.Id))
                {
                    return false;
                }

                c.Use(relocation.Id);
                return true;
            });
            if (relocation.Facts.Kind == RelocationKind.TemporaryRelocation && relocation.State.ArrivedOn is { } arrived)
            {
                var due = arrived.AddMonths(ApplyArrivalActivity.ReviewReminderMonths);
                await outbox.AddAsync(CaseNotices.ProtectionReview(relocation, accepted.StateCode, arrived, due, now), CancellationToken.None);
            }
        }

        return await CaseUpdates.UpdateIfAsync(relocations, relocationId, relocation, c =>
        {
            var changed = false;
            if (StartReviewClockActivity.DueFor(c, restart: false, options.Value, now) is { } dueAt)
            {
                c.StartReviewClock(dueAt, now);
                changed = true;
            }

            if (applied is { } sequence && c.PendingSteps.Any(s => s.Sequence == sequence))
            {
                c.CompleteStep(sequence);
                changed = true;
            }

            return changed;
        });
    }

    private static string Key(string relocationId, int sequence) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{relocationId}|{sequence}");

    private Task<RelocationCase> Start(RelocationCase recorded)
    {
        var run = RunAsync(recorded);
        _ = run.ContinueWith(t => LogFailed(_logger, t.Exception!.InnerException?.GetType().Name ?? "unknown"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    private async Task<RelocationCase> RunAsync(RelocationCase recorded)
    {
        // Off the caller's thread at once: the request raises the event while this runs.
        await Task.Yield();
        return await ApplyAsync(recorded.Id, recorded, partsDone: false, applied: null);
    }

    /// <summary>Keeps the memory bounded: past <see cref="Remembered"/> entries, the finished ones go (the activity then reads the row).</summary>
    private void Forget()
    {
        if (_runs.Count <= Remembered)
        {
            return;
        }

        foreach (var (key, run) in _runs)
        {
            if (run.IsValueCreated && run.Value.IsCompleted)
            {
                _runs.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Applying an arrival in-process failed ({Error}); the orchestration applies it")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Arrival: the activity joined the request's run in this process")]
    private static partial void LogJoined(ILogger logger);
}
