using Microsoft.DurableTask;
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
            // One timer at a time: the next reminder point (50%, 90% of the window), then the deadline. A reminder
            // timer that loses to an event is cancelled like the deadline's; the round's end drops the rest.
            var reminders = opened.ReminderPoints();
            var nextReminder = 0;
            while (!roundOver && !accepted)
            {
                using var cancel = new CancellationTokenSource();
                var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, cancel.Token);
                var reminder = !unsent && nextReminder < reminders.Count ? reminders[nextReminder] : default((DateTime At, int Percent)?);
                var lookAt = unsent ? Earlier(context.CurrentUtcDateTime + Shorter(look, (opened.DeadlineUtc - opened.OpenedUtc) / 8), opened.DeadlineUtc) : opened.DeadlineUtc;
                var deadline = context.CreateTimer(reminder?.At ?? lookAt, cancel.Token);
                var winner = await Task.WhenAny(next, deadline);
                // Synchronously, so the loser is cancelled inside this replay step (CancelAsync runs callbacks elsewhere).
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
                if (winner == deadline && reminder is { } point)
                {
                    nextReminder++;
                    if (context.CurrentUtcDateTime < opened.DeadlineUtc)
                    {
                        await context.CallActivityAsync(nameof(RemindRelocationRoundActivity), new RoundReminder(id, round, point.Percent), Retry);
                    }

                    continue;
                }

                if (winner == deadline)
                {
                    // On the Azure Storage engine a timer can be delivered a little early (queue visibility is counted in
                    // whole seconds): a round never closes before its deadline, so wait out the rest.
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
                    }

                    continue;
                }

                if (caseEvent.Kind == CaseEventKind.Response)
                {
                    roundOver = caseEvent.RoundOver;
                    await context.CallActivityAsync(nameof(NotifyOffersReceivedActivity), id, Retry);
                    continue;
                }

                // Any other event only says "look at the row": the steps recorded there are applied in order, each once.
                while (!accepted && await context.CallActivityAsync<CaseStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } step)
                {
                    if (step.Kind == CaseStepKind.Acceptance && step.RequestId is not null)
                    {
                        accepted = await AcceptAsync(context, new AcceptanceStep(id, step.RequestId));
                    }

                    await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
                    if (step.Kind == CaseStepKind.Cancellation)
                    {
                        return await CancelAsync(context, id);
                    }
                }

                if (unsent && !accepted)
                {
                    (opened, unsent, reminders) = await ReplanAsync(context, id, round, opened);
                }
            }

            if (accepted)
            {
                break;
            }

            await context.CallActivityAsync(nameof(CloseRelocationRoundActivity), new RoundStep(id, round), Retry);
            if (round >= opened.MaxRounds)
            {
                await context.CallActivityAsync(nameof(EscalateRelocationActivity), id, Retry);
                context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Escalated), round });
                return RelocationStatus.Escalated;
            }
        }

        await context.CallActivityAsync(nameof(NotifyRelocationStatesActivity), new NotifyStates(id, "OfferNoLongerNeeded"), Retry);
        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.OfferAccepted) });
        var clock = await context.CallActivityAsync<PlacementClock>(nameof(StartPlacementClockActivity), id, Retry);
        var points = clock.Points();
        var nextPoint = 0;
        // The API writes arrival, cancellation or withdrawal on the case, then raises the event; the reconciler re-raises
        // a lost one within seconds. The case is also read now and then (30 s, doubling to 6 h) as a last resort. One
        // timer at a time: the earlier of the next clock point (50%, 90%, due) and that look; the loser is cancelled.
        var recheck = TimeSpan.FromSeconds(30);
        while (true)
        {
            using var cancel = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, cancel.Token);
            var lookAt = context.CurrentUtcDateTime + recheck;
            var point = nextPoint < points.Count && points[nextPoint].At <= lookAt ? points[nextPoint] : default((DateTime At, int Percent)?);
            var timer = context.CreateTimer(point?.At ?? lookAt, cancel.Token);
            var winner = await Task.WhenAny(next, timer);
#pragma warning disable CA1849
            cancel.Cancel();
#pragma warning restore CA1849
            if (winner == timer && point is { } reached)
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
            else if (winner == timer)
            {
                recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
            }

            // Woken by an event, a clock point or the periodic look alike, it acts only on steps recorded on the row, in order.
            while (await context.CallActivityAsync<CaseStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } step)
            {
                if (step.Kind == CaseStepKind.Arrival)
                {
                    await context.CallActivityAsync(nameof(CompleteRelocationArrivalActivity), id, Retry);
                }

                await context.CallActivityAsync<bool>(nameof(CompleteCaseStepActivity), new CaseStepApplied(id, step.Sequence), Retry);
                switch (step.Kind)
                {
                    case CaseStepKind.Arrival:
                        // Arrival clears the clock. The placement is followed on in the same run (one trace from request
                        // to placement); it continues as new only after many periodic looks.
                        return await FollowPlacementAsync(context, input with { Placed = true });
                    case CaseStepKind.Cancellation:
                        return await CancelAsync(context, id);
                    case CaseStepKind.Withdrawal:
                        return await WithdrawnAsync(context, input);
                }
            }
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

            while (await context.CallActivityAsync<CaseStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } step)
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
    private static async Task<RelocationStatus> FollowPlacementAsync(TaskOrchestrationContext context, RelocationWorkflowInput input)
    {
        var id = input.RelocationId;
        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Relocated) });
        var review = await context.CallActivityAsync<ReviewClock?>(nameof(StartReviewClockActivity), new ReviewClockRequest(id, false), Retry);
        var reviewPending = review is not null;
        var recheck = TimeSpan.FromSeconds(30);
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

            while (await context.CallActivityAsync<CaseStep?>(nameof(TakeCaseStepActivity), id, Retry) is { } step)
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

    private static async Task<RelocationStatus> WithdrawnAsync(TaskOrchestrationContext context, RelocationWorkflowInput input)
    {
        await context.CallActivityAsync<bool>(nameof(WithdrawRelocationActivity), input.RelocationId, Retry);
        context.SetCustomStatus(new { id = input.RelocationId, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Withdrawn) });
        return RelocationStatus.Withdrawn;
    }

    /// <summary>
    /// The acceptance saga: hold the places, commit the money, record the decision. A step that is refused undoes the
    /// steps before it, newest first; a decision that comes too late (the case was cancelled meanwhile) undoes both.
    /// Every step and compensation is an activity keyed by the case, so a replay or a crash between them repeats nothing.
    /// </summary>
    private static async Task<bool> AcceptAsync(TaskOrchestrationContext context, AcceptanceStep acceptance)
    {
        var id = acceptance.RelocationId;
        var plan = await context.CallActivityAsync<AcceptancePlan>(nameof(PlanAcceptanceActivity), acceptance, Retry);
        if (plan.Decided is { } decided)
        {
            return decided;
        }

        var places = new PlacesStep(id, plan.StateCode, plan.CapacityId, plan.Places);
        var refusal = plan.Refusal;
        string? commitmentId = null;
        if (refusal is null)
        {
            refusal = (await context.CallActivityAsync<SagaStepResult>(nameof(HoldPlacesActivity), places, Retry)).Refusal;
            if (refusal is null && plan.NeedsFundSupport)
            {
                var commit = await context.CallActivityAsync<SagaStepResult>(nameof(CommitFundsActivity), new FundStep(id, plan.CostEurMinor), Retry);
                (refusal, commitmentId) = (commit.Refusal, commit.CommitmentId);
                if (refusal is not null)
                {
                    // Compensation: no money, so the places go back.
                    await context.CallActivityAsync<bool>(nameof(ReleasePlacesActivity), places, Retry);
                }
            }
        }

        var accepted = await context.CallActivityAsync<bool>(nameof(RecordAcceptanceActivity),
            new AcceptanceDecision(id, acceptance.RequestId, plan.StateCode, plan.CapacityId, commitmentId, refusal), Retry);
        if (!accepted && refusal is null)
        {
            // Compensation: held and committed for a case that was cancelled meanwhile; undo both, newest first.
            if (commitmentId is not null)
            {
                await context.CallActivityAsync<bool>(nameof(ReleaseFundsActivity), id, Retry);
            }

            await context.CallActivityAsync<bool>(nameof(ReleasePlacesActivity), places, Retry);
        }

        return accepted;
    }

    private static async Task<RelocationStatus> CancelAsync(TaskOrchestrationContext context, string id)
    {
        await context.CallActivityAsync(nameof(ReleaseRelocationActivity), id, Retry);
        await context.CallActivityAsync(nameof(NotifyRelocationStatesActivity), new NotifyStates(id, "Cancelled"), Retry);
        context.SetCustomStatus(new { id, status = nameof(RelocationStatus.Cancelled) });
        return RelocationStatus.Cancelled;
    }

    // The case was cancelled (or finished) before this round could start, e.g. while the host was down.
    private static async Task<RelocationStatus> FinishAsync(TaskOrchestrationContext context, string id, TaskOptions retry)
    {
        await context.CallActivityAsync(nameof(ReleaseRelocationActivity), id, retry);
        return RelocationStatus.Cancelled;
    }
}
