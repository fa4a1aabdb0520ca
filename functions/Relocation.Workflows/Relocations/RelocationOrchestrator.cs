using Microsoft.DurableTask;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// One per urgent relocation request, from the first round of offer requests to arrival, escalation or cancellation.
/// The API records what callers say (answers, acceptance, arrival, cancellation) on the case and raises an event; this
/// orchestration keeps the deadlines and does the work that must not be lost: holding places, committing money,
/// releasing them, telling States.
/// </summary>
public sealed class RelocationOrchestrator : TaskOrchestrator<RelocationWorkflowInput, RelocationStatus>
{
    private static readonly TimeSpan MaxRecheck = TimeSpan.FromHours(6);

    /// <summary>
    /// The first last-resort look at the row after acceptance and after arrival. Lost events are re-raised by the
    /// reconciler within seconds; this look only guards against the reconciler itself failing, so it need not be
    /// frequent (at 30 s every case in a surge paid a timer and a read of its row every half minute).
    /// </summary>
    private static readonly TimeSpan FirstRecheck = TimeSpan.FromMinutes(5);

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(10, TimeSpan.FromMilliseconds(200), 2, TimeSpan.FromSeconds(30)));

    public override async Task<RelocationStatus> RunAsync(TaskOrchestrationContext context, RelocationWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var id = input.RelocationId;
        if (input.Placed)
        {
            return await FollowPlacementAsync(context, input);
        }

        var accepted = false;
        PlacementClock? clock = null;

        for (var round = 1; !accepted; round++)
        {
            var opened = await context.CallActivityAsync<RoundOpened>(nameof(StartRelocationRoundActivity), new RoundStep(id, round), Retry);
            if (opened.Stop)
            {
                return await FinishAsync(context, id, Retry);
            }

            if (opened.AwaitsConsent)
            {
                context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Submitted), awaitingConsent = true });
                if (!await WaitForConsentAsync(context, id))
                {
                    return await CancelAsync(context, id);
                }

                round--;
                continue;
            }

            context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.AwaitingOffers), round });
            // A Normal or Urgent round that could ask nobody is not sent yet: until its deadline it re-plans on every event
            // (PlanChanged: capacity, other cases) and on a look now and then, and is sent as soon as the plan names a State.
            var unsent = opened.Asked == 0 && opened.WaitsForPlan && context.CurrentUtcDateTime < opened.DeadlineUtc;
            var roundOver = opened.Asked == 0 && !unsent;
            var look = FirstLook;
            // One timer at a time: the next reminder point (50%, 90% of the window), then the deadline (or an unsent
            // round's next look). It is created once per due time and kept while events come and go (a timer per wait
            // would cost a timer message and a history row for every event); the round's end cancels the one pending.
            var reminders = opened.ReminderPoints();
            var nextReminder = 0;
            using var roundTimer = new KeptTimer(context);
            DateTime? lookAt = null;
            while (!roundOver && !accepted)
            {
                var reminder = !unsent && nextReminder < reminders.Count ? reminders[nextReminder] : default((DateTime At, int Percent)?);
                lookAt ??= unsent ? Earlier(context.CurrentUtcDateTime + Shorter(look, (opened.DeadlineUtc - opened.OpenedUtc) / 8), opened.DeadlineUtc) : opened.DeadlineUtc;
                var deadline = roundTimer.At(reminder?.At ?? lookAt.Value);
                using var stopWaiting = new CancellationTokenSource();
                var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, stopWaiting.Token);
                var winner = await Task.WhenAny(next, deadline);
                if (winner == deadline)
                {
                    // Synchronously, so the loser is cancelled inside this replay step (CancelAsync runs callbacks elsewhere).
#pragma warning disable CA1849
                    stopWaiting.Cancel();
#pragma warning restore CA1849
                    roundTimer.Fired();
                    if (reminder is { } point)
                    {
                        nextReminder++;
                        if (context.CurrentUtcDateTime < opened.DeadlineUtc)
                        {
                            await context.CallActivityAsync(nameof(RemindRelocationRoundActivity), new RoundReminder(id, round, point.Percent), Retry);
                        }

                        continue;
                    }

                    // On the Azure Storage engine a timer can be delivered a little early (queue visibility is counted in
                    // whole seconds): a round never closes before its deadline, so wait out the rest.
                    lookAt = null;
                    roundOver = context.CurrentUtcDateTime >= opened.DeadlineUtc;
                    if (unsent && !roundOver)
                    {
                        look *= 2;
                        (opened, unsent, reminders) = await ReplanAsync(context, id, round, opened);
                    }

                    continue;
                }

                var caseEvent = await next;
                if (caseEvent.Kind == CaseEventKind.PlanChanged)
                {
                    // Nothing recorded on this case: only a round not yet sent has anything to do.
                    if (unsent)
                    {
                        (opened, unsent, reminders) = await ReplanAsync(context, id, round, opened);
                        lookAt = unsent ? lookAt : null;
                    }

                    continue;
                }

                if (caseEvent.Kind == CaseEventKind.Response)
                {
                    // Raised only when every asked State declined (offers are told to VWU by the answer's handler).
                    roundOver = caseEvent.RoundOver;
                    continue;
                }

                // Any other event only says "look at the row": the steps recorded there are applied in order, each once.
                var steps = await ApplyStepsUntilAcceptedAsync(context, id);
                if (steps.Ended is { } ended)
                {
                    return ended;
                }

                (accepted, clock) = (steps.Accepted, steps.Clock ?? clock);

                if (unsent && !accepted)
                {
                    (opened, unsent, reminders) = await ReplanAsync(context, id, round, opened);
                    lookAt = unsent ? lookAt : null;
                }
            }

            // The round is over (or accepted): the timer still pending is cancelled (the using above, and here at once).
            roundTimer.Cancel();
            if (accepted)
            {
                break;
            }

            await context.CallActivityAsync(nameof(CloseRelocationRoundActivity), new RoundStep(id, round), Retry);
            if (round >= opened.MaxRounds)
            {
                if (!await context.CallActivityAsync<bool>(nameof(EscalateRelocationActivity), id, Retry))
                {
                    // Not escalated: an acceptance recorded before the deadline was carried out by its request, which wrote
                    // the decision before the escalation could. Its step is applied as any other (the saga finds the
                    // decision on the rows), and the case goes on accepted.
                    var steps = await ApplyStepsUntilAcceptedAsync(context, id);
                    if (steps.Ended is { } ended)
                    {
                        return ended;
                    }

                    (accepted, clock) = (steps.Accepted, steps.Clock);
                    if (accepted)
                    {
                        break;
                    }
                }

                context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Escalated), round });
                return RelocationStatus.Escalated;
            }
        }

        if (clock is null)
        {
            // Accepted by a run that died before it saw its decision: the recording activity's other parts, one by one.
            await context.CallActivityAsync(nameof(NotifyRelocationStatesActivity), new NotifyStates(id, "OfferNoLongerNeeded"), Retry);
            clock = await context.CallActivityAsync<PlacementClock>(nameof(StartPlacementClockActivity), id, Retry);
        }

        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.OfferAccepted) });
        var points = clock.Points();
        var nextPoint = 0;
        // The API writes arrival, cancellation or withdrawal on the case, then raises the event; the reconciler re-raises
        // a lost one within seconds. The case is also read now and then (5 min, doubling to 6 h) as a last resort. One
        // timer at a time, kept across events: the earlier of the next clock point (50%, 90%, due) and that look.
        var recheck = FirstRecheck;
        using var placementTimer = new KeptTimer(context);
        try
        {
            DateTime? lookAt = null;
            while (true)
            {
                lookAt ??= context.CurrentUtcDateTime + recheck;
                var point = nextPoint < points.Count && points[nextPoint].At <= lookAt ? points[nextPoint] : default((DateTime At, int Percent)?);
                var timer = placementTimer.At(point?.At ?? lookAt.Value);
                using var stopWaiting = new CancellationTokenSource();
                var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, stopWaiting.Token);
                var winner = await Task.WhenAny(next, timer);
                if (winner == timer)
                {
#pragma warning disable CA1849
                    stopWaiting.Cancel();
#pragma warning restore CA1849
                    placementTimer.Fired();
                    if (point is { } reached)
                    {
                        // A timer can be delivered a little early on the Azure Storage engine: a point counts only once its time came.
                        if (context.CurrentUtcDateTime >= reached.At)
                        {
                            nextPoint++;
                            await context.CallActivityAsync<bool>(nameof(PlacementPointActivity), new PlacementPoint(id, reached.Percent), Retry);
                            if (reached.Percent == 100)
                            {
                                context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Overdue) });
                            }
                        }
                    }
                    else
                    {
                        recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
                        lookAt = null;
                    }
                }

                // Woken by an event, a clock point or the periodic look alike, it acts only on steps recorded on the row, in order.
                while (await context.CallActivityAsync<TakenStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } taken)
                {
                    var step = taken.Step;
                    if (step.Kind == CaseStepKind.Arrival)
                    {
                        // Places used, review clock started and the step marked applied, in one activity. Arrival clears
                        // the clock; the placement is followed on in the same run (one trace from request to placement).
                        var review = await context.CallActivityAsync<ReviewClock?>(nameof(ApplyArrivalActivity), new CaseStepApplied(id, step.Sequence), Retry);
                        placementTimer.Cancel();
                        return await FollowPlacementAsync(context, input with { Placed = true }, review, arrived: true);
                    }

                    await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
                    switch (step.Kind)
                    {
                        case CaseStepKind.Cancellation:
                            placementTimer.Cancel();
                            return await CancelAsync(context, id);
                        case CaseStepKind.Withdrawal:
                            placementTimer.Cancel();
                            return await WithdrawnAsync(context, input);
                    }
                }
            }
        }
        finally
        {
            placementTimer.Cancel();
        }
    }

    /// <summary>The first look of a round waiting to be sent; each look doubles the wait, at most an eighth of the window.</summary>
    private static readonly TimeSpan FirstLook = TimeSpan.FromSeconds(30);

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static DateTime Earlier(DateTime a, DateTime b) => a < b ? a : b;

    /// <summary>Re-plans a round not yet sent (an activity: the planner reads storage); sent when a State can be asked.</summary>
    private static async Task<(RoundOpened Opened, bool Unsent, IReadOnlyList<(DateTime At, int Percent)> Reminders)> ReplanAsync(
        TaskOrchestrationContext context, string id, int round, RoundOpened opened)
    {
        var replanned = await context.CallActivityAsync<RoundOpened>(nameof(ReplanRelocationRoundActivity), new RoundStep(id, round), Retry);
        var unsent = replanned.Asked == 0 && replanned.WaitsForPlan;
        return (replanned, unsent, unsent ? [] : replanned.ReminderPoints());
    }

    /// <summary>
    /// A Normal or Urgent request waits here, asking no State, until VWU records consent (true) or cancels it (false).
    /// Like every caller's step, consent is read from the row, never from the event.
    /// </summary>
    private static async Task<bool> WaitForConsentAsync(TaskOrchestrationContext context, string id)
    {
        var recheck = TimeSpan.FromSeconds(30);
        while (true)
        {
            using var cancel = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, cancel.Token);
            var look = context.CreateTimer(context.CurrentUtcDateTime + recheck, cancel.Token);
            var winner = await Task.WhenAny(next, look);
#pragma warning disable CA1849
            cancel.Cancel();
#pragma warning restore CA1849
            if (winner == look)
            {
                recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
            }

            while (await context.CallActivityAsync<TakenStep?>(nameof(TakeCaseStepActivity), id, Retry) is { Step: var step })
            {
                await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
                switch (step.Kind)
                {
                    case CaseStepKind.Consent:
                        return true;
                    case CaseStepKind.Cancellation:
                        return false;
                }
            }
        }
    }

    /// <summary>
    /// After arrival: follows the placement until the receiving State withdraws or a review ends it. A temporary
    /// relocation has a review clock: a review not recorded by its due time escalates to the Registry; a confirmed
    /// extension moves it. One timer at a time (the review due time or the periodic look); the loser is cancelled.
    /// </summary>
    private static async Task<RelocationStatus> FollowPlacementAsync(TaskOrchestrationContext context, RelocationWorkflowInput input, ReviewClock? review = null, bool arrived = false)
    {
        var id = input.RelocationId;
        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Relocated) });
        if (!arrived)
        {
            // Continued as new: the clock is read again (the arrival activity returned it in the first run).
            review = await context.CallActivityAsync<ReviewClock?>(nameof(StartReviewClockActivity), new ReviewClockRequest(id, false), Retry);
        }

        var reviewPending = review is not null;
        var recheck = FirstRecheck;
        for (var looks = 0; ; looks++)
        {
            using var cancel = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, cancel.Token);
            var lookAt = context.CurrentUtcDateTime + recheck;
            var reviewAt = reviewPending && review!.DueUtc <= lookAt ? review.DueUtc : default(DateTime?);
            var timer = context.CreateTimer(reviewAt ?? lookAt, cancel.Token);
            var winner = await Task.WhenAny(next, timer);
#pragma warning disable CA1849
            cancel.Cancel();
#pragma warning restore CA1849
            if (winner == timer && reviewAt is { } due)
            {
                if (context.CurrentUtcDateTime >= due)
                {
                    reviewPending = false;
                    await context.CallActivityAsync<bool>(nameof(ReviewDueActivity), new ReviewDue(id, due), Retry);
                }
            }
            else if (winner == timer)
            {
                recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
            }

            while (await context.CallActivityAsync<TakenStep?>(nameof(TakeCaseStepActivity), id, Retry) is { Step: var step })
            {
                var ended = step.Kind == CaseStepKind.Review && await context.CallActivityAsync<bool>(nameof(ApplyReviewActivity), id, Retry);
                if (step.Kind == CaseStepKind.Extension)
                {
                    var confirmed = step.RequestId == nameof(ExtensionDecision.Confirm);
                    await context.CallActivityAsync<bool>(nameof(ApplyExtensionActivity), new ExtensionStep(id, step.Sequence, confirmed), Retry);
                    if (confirmed)
                    {
                        review = await context.CallActivityAsync<ReviewClock?>(nameof(StartReviewClockActivity), new ReviewClockRequest(id, true), Retry);
                        reviewPending = review is not null;
                    }
                }

                await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
                if (step.Kind == CaseStepKind.Withdrawal)
                {
                    return await WithdrawnAsync(context, input);
                }

                if (ended)
                {
                    // Compensation: every commitment made for the case (Finance's by hand too), keyed for this ending; last,
                    // so histories written before it replay unchanged up to it.
                    await context.CallActivityAsync<int>(nameof(ReleaseEndedCaseCommitmentsActivity), new CaseCommitmentsRelease(id, CaseRelease.ReviewEnd), Retry);
                    context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Ended) });
                    return RelocationStatus.Ended;
                }
            }

            if (looks >= 100 && !reviewPending)
            {
                // Bounded history for a placement followed for years (a pending review keeps its timer in this run).
                context.ContinueAsNew(input);
                return RelocationStatus.Relocated;
            }
        }
    }

    /// <summary>The longest durable timer this orchestration waits on at once (a queue message's visibility is at most 7 days).</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(6);

    /// <summary>
    /// The receiving State withdrew: VWU is told and the case file moved at once (the re-relocation was opened by the
    /// request). The withdrawing State's places and the case's commitments are released only when the withdrawal takes
    /// effect (its <c>effectiveOn</c>; today or past: at once), since the person lives there until then: a durable timer
    /// (at most <see cref="LongestTimer"/> at a time, so a year's wait is a few timers), raced with an event, which only
    /// makes it look at the row again; the loser is cancelled. The release activity decides from the row and its clock
    /// whether the time has come (a timer delivered early, or a restart, just waits again), so a replay repeats nothing.
    /// </summary>
    private static async Task<RelocationStatus> WithdrawnAsync(TaskOrchestrationContext context, RelocationWorkflowInput input)
    {
        var id = input.RelocationId;
        await context.CallActivityAsync<bool>(nameof(WithdrawRelocationActivity), id, Retry);
        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Withdrawn) });
        using var effective = new KeptTimer(context);
        while (await context.CallActivityAsync<WithdrawalRelease>(nameof(ReleaseWithdrawnPlacementActivity), id, Retry) is { WaitUntilUtc: { } until })
        {
            var limit = context.CurrentUtcDateTime + LongestTimer;
            var timer = effective.At(until < limit ? until : limit);
            using var stopWaiting = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, stopWaiting.Token);
            if (await Task.WhenAny(next, timer) == timer)
            {
#pragma warning disable CA1849
                stopWaiting.Cancel();
#pragma warning restore CA1849
                effective.Fired();
            }
        }

        effective.Cancel();

        // Compensation: every commitment made for the case (Finance's by hand too), keyed for this ending.
        await context.CallActivityAsync<int>(nameof(ReleaseEndedCaseCommitmentsActivity), new CaseCommitmentsRelease(id, CaseRelease.Withdrawal), Retry);
        return RelocationStatus.Withdrawn;
    }

    /// <summary>
    /// Applies the steps recorded on the row, oldest first, each once, until an acceptance is carried out (the saga marks
    /// its step applied itself, in the write that records its decision). <c>Ended</c>: a cancellation ended the case.
    /// </summary>
    private static async Task<(bool Accepted, PlacementClock? Clock, RelocationStatus? Ended)> ApplyStepsUntilAcceptedAsync(TaskOrchestrationContext context, string id)
    {
        while (await context.CallActivityAsync<TakenStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } taken)
        {
            var step = taken.Step;
            if (step.Kind == CaseStepKind.Acceptance && step.RequestId is not null && taken.Acceptance is { } plan)
            {
                var (accepted, clock) = await AcceptAsync(context, new AcceptanceStep(id, step.RequestId), step.Sequence, plan);
                if (accepted)
                {
                    return (true, clock, null);
                }

                continue;
            }

            await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
            if (step.Kind == CaseStepKind.Cancellation)
            {
                return (false, null, await CancelAsync(context, id));
            }
        }

        return (false, null, null);
    }

    /// <summary>
    /// The acceptance saga: hold the places, commit the money, record the decision. A step that is refused undoes the
    /// steps before it, newest first; a decision that comes too late (the case was cancelled meanwhile) undoes both.
    /// Every step and compensation is an activity keyed by the case, so a replay or a crash between them repeats nothing.
    /// The acceptance request usually carried the steps out already (<see cref="OfferAcceptance"/>): each step then joins
    /// that work or finds it on the rows and reports what it found, so the compensations below run exactly as needed.
    /// The plan (which place, how many, whether money is needed) came with the step, read from the same row. The step
    /// (number <paramref name="sequence"/>) is marked applied by the decision's write, or here when nothing was decided.
    /// Returns whether the offer is accepted and, when the decision's write started it, the relocation clock.
    /// </summary>
    private static async Task<(bool Accepted, PlacementClock? Clock)> AcceptAsync(TaskOrchestrationContext context, AcceptanceStep acceptance, int sequence, AcceptancePlan plan)
    {
        var id = acceptance.RelocationId;
        if (plan.Decided is { } decided)
        {
            await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, sequence), Retry);
            return (decided, null);
        }

        var places = new PlacesStep(id, plan.StateCode, plan.CapacityId, plan.Places, acceptance.RequestId);
        var refusal = plan.Refusal;
        var why = plan.RefusalExplanation;
        string? commitmentId = null;
        if (refusal is null)
        {
            var hold = await context.CallActivityAsync<SagaStepResult>(nameof(HoldPlacesActivity), places, Retry);
            (refusal, why) = (hold.Refusal, hold.RefusalExplanation);
            if (refusal is null && plan.NeedsFundSupport)
            {
                var commit = await context.CallActivityAsync<SagaStepResult>(nameof(CommitFundsActivity), new FundStep(id, plan.CostEurMinor, acceptance.RequestId), Retry);
                (refusal, why, commitmentId) = (commit.Refusal, commit.RefusalExplanation, commit.CommitmentId);
                if (refusal is not null)
                {
                    // Compensation: no money, so the places go back.
                    await context.CallActivityAsync<bool>(nameof(ReleasePlacesActivity), places, Retry);
                }
            }
        }

        var recorded = await context.CallActivityAsync<AcceptanceRecorded>(nameof(RecordAcceptanceActivity),
            new AcceptanceDecision(id, acceptance.RequestId, plan.StateCode, plan.CapacityId, commitmentId, refusal, sequence) { RefusalExplanation = why }, Retry);
        if (!recorded.Accepted && refusal is null)
        {
            // Compensation: held and committed for a case that was cancelled meanwhile; undo both, newest first.
            if (commitmentId is not null)
            {
                await context.CallActivityAsync<bool>(nameof(ReleaseFundsActivity), id, Retry);
            }

            await context.CallActivityAsync<bool>(nameof(ReleasePlacesActivity), places, Retry);
        }

        return (recorded.Accepted, recorded.Clock);
    }

    /// <summary>
    /// Cancelled: the holds and the acceptance's commitment go back, the States are told, and then every other
    /// commitment made for the case (Finance's by hand) is released too (PRODUCT.md: "holds and commitments are
    /// released"). That step comes last so that histories written before it replay unchanged up to it.
    /// </summary>
    private static async Task<RelocationStatus> CancelAsync(TaskOrchestrationContext context, string id)
    {
        await context.CallActivityAsync(nameof(ReleaseRelocationActivity), id, Retry);
        await context.CallActivityAsync(nameof(NotifyRelocationStatesActivity), new NotifyStates(id, "Cancelled"), Retry);

        // Compensation: what Finance committed to the case by hand, each commitment's remainder (keyed: once each).
        await context.CallActivityAsync<int>(nameof(ReleaseCaseCommitmentsActivity), id, Retry);
        context.SetCustomStatus(new { id, status = nameof(RelocationStatus.Cancelled) });
        return RelocationStatus.Cancelled;
    }

    /// <summary>
    /// The case was cancelled before this round could start: before the orchestration ever ran (a late create, or the
    /// host was down), or between two rounds. Its cancellation's step is still pending on the row (its event, if any,
    /// is never waited for here): after the release it is marked applied with every step before it, so it does not stay
    /// pending for ever (the reconciler would log it as stuck). Then every State already asked is told, as a cancellation
    /// during a round tells them: those of the rounds before (cancelled between two rounds), or of round 1 when the
    /// create request opened it and the cancellation came before this orchestration ran (keyed notices: once each; a
    /// case cancelled before any round has nobody to tell). Histories written before this end with the release, then
    /// the steps' part, then the notices: each part follows the one before, so they replay unchanged.
    /// </summary>
    private static async Task<RelocationStatus> FinishAsync(TaskOrchestrationContext context, string id, TaskOptions retry)
    {
        await context.CallActivityAsync(nameof(ReleaseRelocationActivity), id, retry);
        while (await context.CallActivityAsync<TakenStep?>(nameof(TakeCaseStepActivity), id, retry) is { Step: var step })
        {
            await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), retry);
        }

        await context.CallActivityAsync(nameof(NotifyRelocationStatesActivity), new NotifyStates(id, "Cancelled"), retry);

        // Compensation: every commitment made for the case (by Finance before any round), as CancelAsync does; last, so older histories replay.
        await context.CallActivityAsync<int>(nameof(ReleaseCaseCommitmentsActivity), id, retry);

        return RelocationStatus.Cancelled;
    }
}

/// <summary>
/// A durable timer kept across several waits: created when first asked for a due time, reused while that due time
/// stands, and cancelled (its token) when the wait it guards ends. Every durable timer costs a history row and a
/// delayed queue message even when it never fires, so a loop that waits for many events creates one per due time,
/// not one per event.
/// </summary>
internal sealed class KeptTimer(TaskOrchestrationContext context) : IDisposable
{
    private CancellationTokenSource? _cancel;
    private Task? _timer;
    private DateTime _due;

    /// <summary>The pending timer for <paramref name="due"/>; a different due time cancels the old one first.</summary>
    public Task At(DateTime due)
    {
        if (_timer is not null && _due == due)
        {
            return _timer;
        }

        Cancel();
        _cancel = new CancellationTokenSource();
        _due = due;
        _timer = context.CreateTimer(due, _cancel.Token);
        return _timer;
    }

    /// <summary>The timer fired: the next <see cref="At"/> creates a new one.</summary>
    public void Fired()
    {
        _cancel?.Dispose();
        (_cancel, _timer) = (null, null);
    }

    /// <summary>The wait is over, however it ended: the timer that lost is cancelled.</summary>
    public void Dispose() => Cancel();

    /// <summary>Cancels the pending timer, if any (synchronously, inside this replay step).</summary>
    public void Cancel()
    {
        if (_cancel is null)
        {
            return;
        }

#pragma warning disable CA1849
        _cancel.Cancel();
#pragma warning restore CA1849
        Fired();
    }
}
