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
                switch (caseEvent.Kind)
                {
                    case CaseEventKind.Response:
                        roundOver = caseEvent.RoundOver;
                        await context.CallActivityAsync(nameof(NotifyOffersReceivedActivity), id, Retry);
                        break;
                    case CaseEventKind.Acceptance when caseEvent.RequestId is not null:
                        accepted = await context.CallActivityAsync<bool>(nameof(AcceptRelocationOfferActivity), new AcceptanceStep(id, caseEvent.RequestId), Retry);
                        break;
                    case CaseEventKind.Cancellation:
                        return await CancelAsync(context, id);
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
        // The API writes arrival or cancellation on the case, then raises the event: a crash between the two loses the
        // event. So the case is also read now and then (30 s, doubling to 6 h), and a written step is acted on.
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
            CaseEventKind? kind;
            if (winner == look)
            {
                recheck = TimeSpan.FromTicks(Math.Min(recheck.Ticks * 2, MaxRecheck.Ticks));
                kind = await context.CallActivityAsync<RelocationStatus>(nameof(ReadRelocationStatusActivity), id, Retry) switch
                {
                    RelocationStatus.Relocated => CaseEventKind.Arrival,
                    RelocationStatus.Cancelled => CaseEventKind.Cancellation,
                    _ => null,
                };
            }
            else
            {
                kind = (await next).Kind;
            }

            switch (kind)
            {
                case CaseEventKind.Arrival:
                    await context.CallActivityAsync(nameof(CompleteRelocationArrivalActivity), id, Retry);
                    context.SetCustomStatus(new { id, pseudonym = input.Pseudonym, status = nameof(RelocationStatus.Relocated) });
                    return RelocationStatus.Relocated;
                case CaseEventKind.Cancellation:
                    return await CancelAsync(context, id);
            }
        }
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
