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
        var accepted = false;

        for (var round = 1; !accepted; round++)
        {
            var opened = await context.CallActivityAsync<RoundOpened>(nameof(StartRelocationRoundActivity), new RoundStep(id, round), Retry);
            if (opened.Stop)
            {
                return await FinishAsync(context, id, Retry);
            }

            context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.AwaitingOffers), round });
            var roundOver = opened.Asked == 0;
            // One timer at a time: the next reminder point (50%, 90% of the window), then the deadline. A reminder
            // timer that loses to an event is cancelled like the deadline's; the round's end drops the rest.
            var reminders = opened.ReminderPoints();
            var nextReminder = 0;
            while (!roundOver && !accepted)
            {
                using var cancel = new CancellationTokenSource();
                var next = context.WaitForExternalEvent<CaseEvent>(RelocationInstance.EventName, cancel.Token);
                var reminder = nextReminder < reminders.Count ? reminders[nextReminder] : default((DateTime At, int Percent)?);
                var deadline = context.CreateTimer(reminder?.At ?? opened.DeadlineUtc, cancel.Token);
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
                    continue;
                }

                var caseEvent = await next;
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
        // The API writes arrival or cancellation on the case, then raises the event; the reconciler re-raises a lost one
        // within seconds. The case is also read now and then (30 s, doubling to 6 h) as a last resort.
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

            // Woken by an event or by the periodic look alike, it acts only on steps recorded on the row, in order.
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
                        context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Relocated) });
                        return RelocationStatus.Relocated;
                    case CaseStepKind.Cancellation:
                        return await CancelAsync(context, id);
                }
            }
        }
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
