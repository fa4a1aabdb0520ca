using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Matching;

namespace Relocation.Workflows.Relocations;

/// <summary>What opening a round found on the case row, or did to it.</summary>
public enum RoundOpeningOutcome
{
    /// <summary>The case is cancelled: no round.</summary>
    Cancelled,

    /// <summary>A Normal or Urgent request without consent: no State hears of it yet (Regulation 96(3)).</summary>
    AwaitsConsent,

    /// <summary>This call planned the round and wrote it on the row (its ETag won).</summary>
    Opened,

    /// <summary>The round was already on the row (written by the other opener, or by an earlier run): nothing planned anew.</summary>
    AlreadyOpen,
}

/// <summary>The row after the opening, its round (none when cancelled or awaiting consent) and what happened.</summary>
public sealed record RoundOpeningResult(RelocationCase Case, RoundRecord? Round, RoundOpeningOutcome Outcome);

/// <summary>
/// Opens a case's round: plans the open set (matching v2, rounds opening together share one plan), writes the round on
/// the case row under its ETag, then indexes the offer request for each asked State and puts its notice in the outbox.
/// Two callers: the orchestration's <see cref="StartRelocationRoundActivity"/>, the guarantee, and the request that
/// created the case, which opens round 1 in-process right after its write so the States need not wait for the engine
/// to dispatch an orchestration and an activity (docs/durability.md, "The first round"). Whichever writes the round
/// first wins; the other finds it on the row (<see cref="RelocationCase.StartRound"/> keeps an existing round), so the
/// loser never asks different States, and every index row and notice is keyed, so writing them twice adds nothing.
/// </summary>
public sealed partial class RoundOpening(
    IRelocationRepository relocations,
    ICandidateData candidates,
    IOutbox outbox,
    IOptions<RelocationWorkflowOptions> options,
    TimeProvider time,
    ICaseloadIndex? caseload = null,
    RoundPlanBatcher? batcher = null,
    ILogger<RoundOpening>? logger = null,
    IStateRepository? states = null)
{
    /// <summary>The category of the phase-timing log, at Information (off by default: the load driver turns it on).</summary>
    public const string TimingCategory = "Relocation.Workflows.Relocations.RoundOpening";

    /// <summary>Openings this process started or finished lately; beyond this many, finished ones are forgotten.</summary>
    public const int Remembered = 1_000;

    private readonly RoundPlanning _planning = new(relocations, candidates, caseload, options);
    private readonly ILogger _logger = logger ?? NullLogger<RoundOpening>.Instance;

    /// <summary>
    /// Openings by this process, running or done, by case and round. The activity joins the request's opening instead
    /// of planning the same round a second time, and when that opening wrote the round and told every asked State in
    /// this very process, it writes nothing more (10 keyed writes per case that only repeated what was just done).
    /// Memory only, on purpose: after a crash it is empty, so an activity in a new process always writes the index rows
    /// and notices again.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Opening>> _openings = new(StringComparer.Ordinal);

    /// <summary>Whether the request that creates a case opens its first round (<see cref="RelocationWorkflowOptions.OpenFirstRoundWithRequest"/>).</summary>
    public bool WithRequest => options.Value.OpenFirstRoundWithRequest;

    /// <summary>
    /// Opens round <paramref name="number"/> unless the row already has it, and waits until the asked States are told.
    /// <paramref name="tellWhenAlreadyOpen"/>: the orchestration's activity writes the index rows and notices again
    /// when it finds the round written by someone else (the opener may have died between the round and them); the
    /// request's opener stops there, the activity will follow.
    /// </summary>
    public Task<RoundOpeningResult> OpenAsync(string relocationId, int number, string opener, bool tellWhenAlreadyOpen, CancellationToken cancellationToken = default) =>
        OpenAsync(relocationId, number, opener, tellWhenAlreadyOpen, untilTold: true, cancellationToken);

    /// <summary>
    /// The request's opening: answers as soon as the round is on the row (or there is none to open). Index rows and
    /// notices follow in this process right after; the orchestration's activity waits for them (or, in another process
    /// or after a crash, writes them again), so they are never lost, only not on the request's answer path.
    /// </summary>
    public Task<RoundOpeningResult> OpenUntilWrittenAsync(string relocationId, int number, string opener) =>
        OpenAsync(relocationId, number, opener, tellWhenAlreadyOpen: false, untilTold: false, CancellationToken.None);

    /// <summary>
    /// Starts planning round 1 of a case that is not written yet, so the plan is made while the request writes the case
    /// file, the row and the orchestration (they do not depend on it, nor it on them). Null when the case gets no round
    /// with its request (opening with the request is off, or it awaits consent). The plan holds the case as it will be
    /// written; the plans made meanwhile for other requests hold it too (<see cref="RoundPlanBatcher"/>), so none of them
    /// gives its places to another case before its row can be read.
    /// </summary>
    public Task<CasePlan>? PlanFirstRound(RelocationCase submitted)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        if (!WithRequest || submitted.AwaitsConsent || submitted.Rounds.Count > 0)
        {
            return null;
        }

        var plan = batcher is null
            ? _planning.PlanAsync(submitted, submitted.State.SubmittedAt, opening: true, CancellationToken.None)
            : batcher.PlanAsync(_planning, submitted, submitted.State.SubmittedAt);
        // Observed here as well: a request that failed before it waited for its plan must not leave it unobserved.
        _ = plan.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return plan;
    }

    /// <summary>
    /// The request's opening of round 1 with what it has in hand: <paramref name="written"/>, the row it just wrote (with
    /// its version, so the round's write needs no read first), and the plan <see cref="PlanFirstRound"/> started. Like
    /// <see cref="OpenUntilWrittenAsync(string, int, string)"/> otherwise: answers once the round is on the row, the States are told right after.
    /// </summary>
    public Task<RoundOpeningResult> OpenUntilWrittenAsync(RelocationCase written, Task<CasePlan> plan, string opener)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(plan);
        return OpenAsync(written.Id, 1, opener, tellWhenAlreadyOpen: false, untilTold: false, new InHand(written, plan), CancellationToken.None);
    }

    /// <summary>What the request's opening already has: the row it wrote and the plan started before.</summary>
    private sealed record InHand(RelocationCase Written, Task<CasePlan> Plan);

    private Task<RoundOpeningResult> OpenAsync(string relocationId, int number, string opener, bool tellWhenAlreadyOpen, bool untilTold, CancellationToken cancellationToken) =>
        OpenAsync(relocationId, number, opener, tellWhenAlreadyOpen, untilTold, null, cancellationToken);

    private async Task<RoundOpeningResult> OpenAsync(string relocationId, int number, string opener, bool tellWhenAlreadyOpen, bool untilTold, InHand? inHand,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocationId);
        var key = $"{relocationId}|{number}";
        var mine = new Lazy<Opening>(() => Start(relocationId, number, opener, tellWhenAlreadyOpen, inHand, cancellationToken));
        var running = _openings.GetOrAdd(key, mine);
        if (running == mine)
        {
            Forget();
            return await (untilTold ? mine.Value.Told : mine.Value.Written);
        }

        // This process opened (or is opening) the round already: wait for it rather than plan it again.
        try
        {
            var earlier = await running.Value.Told;
            if (earlier.Outcome is RoundOpeningOutcome.Opened || !tellWhenAlreadyOpen)
            {
                // Round on the row and every asked State told, by this process: nothing left to write. The activity is
                // the last to come for it, so the entry goes (a retry of the activity writes the notices again, keyed).
                LogJoined(_logger, number, opener, earlier.Outcome);
                if (tellWhenAlreadyOpen)
                {
                    _openings.TryRemove(new KeyValuePair<string, Lazy<Opening>>(key, running));
                }

                return earlier with { Outcome = earlier.Outcome == RoundOpeningOutcome.Opened ? RoundOpeningOutcome.AlreadyOpen : earlier.Outcome };
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The earlier opening failed (storage, say): this caller opens on its own below, from the row.
        }

        _openings.TryRemove(new KeyValuePair<string, Lazy<Opening>>(key, running));
        var again = Start(relocationId, number, opener, tellWhenAlreadyOpen, null, cancellationToken);
        return await (untilTold ? again.Told : again.Written);
    }

    /// <summary>One opening: <see cref="Written"/> once the round is on the row, <see cref="Told"/> once its States are told.</summary>
    private sealed record Opening(Task<RoundOpeningResult> Written, Task<RoundOpeningResult> Told);

    private Opening Start(string relocationId, int number, string opener, bool tellWhenAlreadyOpen, InHand? inHand, CancellationToken cancellationToken)
    {
        var written = new TaskCompletionSource<RoundOpeningResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var told = OpenHereAsync(relocationId, number, opener, tellWhenAlreadyOpen, written, inHand, cancellationToken);
        // Nobody may wait for the rest of a request's opening; its failure is logged, and the activity does it again.
        _ = told.ContinueWith(t =>
        {
            written.TrySetException(t.Exception!.InnerExceptions);
            LogFailed(_logger, number, opener, t.Exception.InnerException?.GetType().Name ?? "unknown");
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new Opening(written.Task, told);
    }

    /// <summary>Keeps the memory bounded: past <see cref="Remembered"/> entries, the finished ones go.</summary>
    private void Forget()
    {
        if (_openings.Count <= Remembered)
        {
            return;
        }

        foreach (var (key, opening) in _openings)
        {
            if (opening.IsValueCreated && opening.Value.Told.IsCompleted)
            {
                _openings.TryRemove(key, out _);
            }
        }
    }

    private async Task<RoundOpeningResult> OpenHereAsync(string relocationId, int number, string opener, bool tellWhenAlreadyOpen,
        TaskCompletionSource<RoundOpeningResult> written, InHand? inHand, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        // The request has the row it just wrote: no read. (Should the row have moved on since, the round's write fails on
        // the version and its next attempt reads the row.)
        var relocation = inHand?.Written ?? await CaseUpdates.FindAsync(relocations, relocationId);
        if (relocation.Status is RelocationStatus.Cancelled)
        {
            return Done(new RoundOpeningResult(relocation, null, RoundOpeningOutcome.Cancelled));
        }

        var round = relocation.Rounds.FirstOrDefault(r => r.Number == number);
        if (round is null && relocation.AwaitsConsent)
        {
            return Done(new RoundOpeningResult(relocation, null, RoundOpeningOutcome.AwaitsConsent));
        }

        var outcome = RoundOpeningOutcome.AlreadyOpen;
        var timings = PlanTimings.None;
        var planned = Stopwatch.GetTimestamp();
        if (round is null)
        {
            // Matching v2: the whole open set is planned; this round asks the State planned for this case first and
            // never one whose places are planned for another open case.
            var plan = inHand is not null ? await inHand.Plan
                : batcher is null
                ? await _planning.PlanAsync(relocation, now, opening: true, cancellationToken)
                : await batcher.PlanAsync(_planning, relocation, now);
            timings = plan.Timings;
            planned = Stopwatch.GetTimestamp();
            var (asked, deadline) = RoundFrom(relocation, plan, number, now);
            var wrote = false;
            try
            {
                relocation = await CaseUpdates.UpdateIfAsync(relocations, relocationId, inHand?.Written, c =>
                {
                    // Read again on every attempt: the other opener may have written the round meanwhile, and then it stays.
                    wrote = c.Rounds.All(r => r.Number != number);
                    if (wrote)
                    {
                        c.StartRound(number, asked, now, deadline);
                    }

                    return wrote;
                }, cancellationToken);
            }
            finally
            {
                batcher?.Settle(relocationId);
            }

            round = relocation.Rounds.First(r => r.Number == number);
            outcome = wrote ? RoundOpeningOutcome.Opened : RoundOpeningOutcome.AlreadyOpen;
        }

        var result = new RoundOpeningResult(relocation, round, outcome);
        written.TrySetResult(result);
        var wroteAt = Stopwatch.GetTimestamp();
        if (outcome == RoundOpeningOutcome.Opened || tellWhenAlreadyOpen)
        {
            await StartRelocationRoundActivity.TellAskedStatesAsync(relocations, outbox, states, relocation, round, now);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogOpened(_logger, number, opener, outcome, (now - relocation.State.SubmittedAt).TotalMilliseconds, timings.Waited.TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, planned).TotalMilliseconds, timings.OpenSet, timings.Batch, timings.ReadOpen.TotalMilliseconds,
                timings.ReadCandidates.TotalMilliseconds, timings.Forecast.TotalMilliseconds, timings.Solve.TotalMilliseconds, timings.CpSat.TotalMilliseconds,
                timings.Explain.TotalMilliseconds, timings.Rank.TotalMilliseconds, Stopwatch.GetElapsedTime(planned, wroteAt).TotalMilliseconds,
                Stopwatch.GetElapsedTime(wroteAt).TotalMilliseconds);
        }

        return result;

        RoundOpeningResult Done(RoundOpeningResult nothingToTell)
        {
            written.TrySetResult(nothingToTell);
            return nothingToTell;
        }
    }

    /// <summary>The States round <paramref name="number"/> asks, from the plan, and its deadline: the same for every opener.</summary>
    private (AskedState[] Asked, DateTimeOffset Deadline) RoundFrom(RelocationCase relocation, CasePlan plan, int number, DateTimeOffset now)
    {
        var clock = PriorityClock.For(relocation.Facts.Priority);
        var chosen = RoundSelection.Select(plan.Ranked, plan.Placement, number, options.Value.RoundSizeFor(relocation.Facts.Priority));
        return (chosen.Select(c => new AskedState(c.StateCode, c.CapacityId, c.NeedsFundSupport, c.Score)).ToArray(), now + (clock.ResponsesDue * options.Value.ClockScale));
    }

    /// <summary>
    /// The request's opening of round 1 written with the case row itself (docs/durability.md, "The first round"): the round
    /// goes into the row's insert instead of a second write of the row. Registered before the request schedules the
    /// orchestration, so its <see cref="StartRelocationRoundActivity"/>, when it runs in this process (even before the row
    /// exists), joins this opening instead of reading a row that is not there yet. Null when this process is already
    /// opening round 1 of the case (a concurrent retry of the same request): the caller takes the ordered path.
    /// </summary>
    public FirstRoundWithRow? BeginWithRow(RelocationCase submitted, Task<CasePlan> plan)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        ArgumentNullException.ThrowIfNull(plan);
        var written = new TaskCompletionSource<RoundOpeningResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var told = new TaskCompletionSource<RoundOpeningResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Nobody may wait for a failed one (a request that never wrote its row): observed here.
        _ = written.Task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = told.Task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var opening = new Opening(written.Task, told.Task);
        var entry = new Lazy<Opening>(() => opening);
        _ = entry.Value;
        var key = $"{submitted.Id}|1";
        if (!_openings.TryAdd(key, entry))
        {
            return null;
        }

        Forget();
        return new FirstRoundWithRow(submitted, plan, written, told, new FirstRoundParts(
            (c, p, now) => RoundFrom(c, p, 1, now),
            r => StartRelocationRoundActivity.TellAskedStatesAsync(relocations, outbox, states, r.Case, r.Round!, r.Round!.StartedAt),
            id => batcher?.Settle(id),
            () => _openings.TryRemove(new KeyValuePair<string, Lazy<Opening>>(key, entry)),
            time,
            _logger));
    }

    /// <summary>What a <see cref="FirstRoundWithRow"/> needs of its <see cref="RoundOpening"/>.</summary>
    internal sealed record FirstRoundParts(
        Func<RelocationCase, CasePlan, DateTimeOffset, (AskedState[] Asked, DateTimeOffset Deadline)> RoundFrom,
        Func<RoundOpeningResult, Task> Tell,
        Action<string> Settle,
        Action Forget,
        TimeProvider Time,
        ILogger Logger);

    /// <summary>
    /// Round 1 on the row the request inserts: <see cref="Case"/> is the case with the round (once its plan is made; without
    /// a round if planning failed, and then the orchestration's activity opens it), <see cref="Inserted"/> marks the round
    /// written and tells its States, <see cref="Failed"/> gives the opening up (the row was not written by this request).
    /// </summary>
    public sealed class FirstRoundWithRow
    {
        private readonly RelocationCase _submitted;
        private readonly Task<CasePlan> _plan;
        private readonly TaskCompletionSource<RoundOpeningResult> _written;
        private readonly TaskCompletionSource<RoundOpeningResult> _told;
        private readonly FirstRoundParts _parts;
        private readonly long _started = Stopwatch.GetTimestamp();
        private long _planned;

        internal FirstRoundWithRow(RelocationCase submitted, Task<CasePlan> plan, TaskCompletionSource<RoundOpeningResult> written,
            TaskCompletionSource<RoundOpeningResult> told, FirstRoundParts parts)
        {
            (_submitted, _plan, _written, _told, _parts) = (submitted, plan, written, told, parts);
            Case = WithRoundAsync();
        }

        /// <summary>The case to insert: with round 1 once its plan is made (never fails: without a plan, the case as submitted).</summary>
        public Task<RelocationCase> Case { get; }

        private async Task<RelocationCase> WithRoundAsync()
        {
            try
            {
                var plan = await _plan;
                _planned = Stopwatch.GetTimestamp();
                var now = _parts.Time.GetUtcNow();
                var (asked, deadline) = _parts.RoundFrom(_submitted, plan, now);
                _submitted.StartRound(1, asked, now, deadline);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Inserted without a round: the orchestration's activity opens it from the row.
                LogFailed(_parts.Logger, 1, "request", ex.GetType().Name);
            }

            return _submitted;
        }

        /// <summary>The row is written (<paramref name="row"/>, with its version): the round is out; its States are told now, off the answer's path.</summary>
        public void Inserted(RelocationCase row)
        {
            ArgumentNullException.ThrowIfNull(row);
            _parts.Settle(row.Id);
            if (row.Rounds.FirstOrDefault(r => r.Number == 1) is not { } round)
            {
                Failed(new InvalidOperationException("Round 1 was not planned with the request."));
                return;
            }

            var result = new RoundOpeningResult(row, round, RoundOpeningOutcome.Opened);
            _written.TrySetResult(result);
            _ = TellAsync(result);
        }

        private async Task TellAsync(RoundOpeningResult result)
        {
            var wroteAt = Stopwatch.GetTimestamp();
            try
            {
                await Task.Yield();
                await _parts.Tell(result);
                _told.TrySetResult(result);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The activity finds the entry failed, reads the row (the round is there) and tells the States itself.
                _parts.Forget();
                _told.TrySetException(ex);
                LogFailed(_parts.Logger, 1, "request", ex.GetType().Name);
                return;
            }

            if (_parts.Logger.IsEnabled(LogLevel.Information))
            {
                var planned = _planned == 0 ? wroteAt : _planned;
                var timings = _plan.IsCompletedSuccessfully ? _plan.Result.Timings : PlanTimings.None;
                LogOpened(_parts.Logger, 1, "request", RoundOpeningOutcome.Opened, (result.Round!.StartedAt - result.Case.State.SubmittedAt).TotalMilliseconds,
                    timings.Waited.TotalMilliseconds, Stopwatch.GetElapsedTime(_started, planned).TotalMilliseconds, timings.OpenSet, timings.Batch,
                    timings.ReadOpen.TotalMilliseconds, timings.ReadCandidates.TotalMilliseconds, timings.Forecast.TotalMilliseconds, timings.Solve.TotalMilliseconds,
                    timings.CpSat.TotalMilliseconds, timings.Explain.TotalMilliseconds, timings.Rank.TotalMilliseconds,
                    Stopwatch.GetElapsedTime(planned, wroteAt).TotalMilliseconds, Stopwatch.GetElapsedTime(wroteAt).TotalMilliseconds);
            }
        }

        /// <summary>The row was not written by this request: the opening is given up; an activity waiting for it reads the row itself.</summary>
        public void Failed(Exception reason)
        {
            ArgumentNullException.ThrowIfNull(reason);
            _parts.Settle(_submitted.Id);
            _parts.Forget();
            _written.TrySetException(reason);
            _told.TrySetException(reason);
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "round-timing round={Round} by={Opener} outcome=Joined earlier={Earlier}")]
    private static partial void LogJoined(ILogger logger, int round, string opener, RoundOpeningOutcome earlier);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Opening round {Round} by the {Opener} failed ({Error}); the orchestration's activity opens it")]
    private static partial void LogFailed(ILogger logger, int round, string opener, string error);

    // Ids and States stay out of it: counts and durations only.
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "round-timing round={Round} by={Opener} outcome={Outcome} sinceSubmittedMs={SinceSubmitted:0} " +
        "planWaitMs={Waited:0} readAndPlanMs={Planning:0} openSet={OpenSet} batch={Batch} readOpenMs={ReadOpen:0} readCandidatesMs={ReadCandidates:0} " +
        "forecastMs={Forecast:0} solveMs={Solve:0} cpSatMs={CpSat:0} explainMs={Explain:0} rankMs={Rank:0} writeMs={Write:0} tellMs={Tell:0}")]
    private static partial void LogOpened(ILogger logger, int round, string opener, RoundOpeningOutcome outcome, double sinceSubmitted, double waited, double planning,
        int openSet, int batch, double readOpen, double readCandidates, double forecast, double solve, double cpSat, double explain, double rank, double write, double tell);
}
