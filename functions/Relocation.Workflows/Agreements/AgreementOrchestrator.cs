using Microsoft.DurableTask;
using Relocation.Domain.Agreements;

namespace Relocation.Workflows.Agreements;

/// <summary>
/// One per agreement, for its whole life: applies lifecycle events as the API accepts them, writes reminders before
/// review and expiry, and expires an in-force agreement at its expiry date. Continues as new every few events so its
/// history stays small however long the agreement lives.
/// </summary>
public sealed class AgreementOrchestrator : TaskOrchestrator<AgreementWorkflowInput, AgreementStatus>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(10, TimeSpan.FromMilliseconds(200), 2, TimeSpan.FromSeconds(10)));

    public override async Task<AgreementStatus> RunAsync(TaskOrchestrationContext context, AgreementWorkflowInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        // Events accepted while the previous generation was ending are applied first.
        var plan = await context.CallActivityAsync<AgreementPlan>(nameof(ApplyAgreementEventsActivity), input.AgreementId, Retry);
        var applied = input.EventsApplied;
        var lastFired = input.LastFired;
        while (!plan.IsFinal)
        {
            context.SetCustomStatus(new { status = plan.Status.ToString(), generation = input.Generation });
            // The expiry stays armed even once fired: an agreement resumed after its date must still expire. It cannot
            // fire in a loop, because the plan only has it while the agreement is in force and firing it ends that.
            var alarm = AgreementAlarm.InOrder(plan.Alarms).FirstOrDefault(a => a.Kind == AgreementAlarmKind.Expiry || a.IsAfter(lastFired));
            using var cancel = new CancellationTokenSource();
            var lifecycleEvent = context.WaitForExternalEvent<AgreementEventRaised>(AgreementInstance.EventName, cancel.Token);
            if (alarm is null)
            {
                await lifecycleEvent;
            }
            else
            {
                var timer = context.CreateTimer(alarm.AtUtc, cancel.Token);
                var winner = await Task.WhenAny(lifecycleEvent, timer);
                // Synchronously: CancelAsync would run the callbacks on the thread pool, outside the orchestration's replay.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
                if (winner == timer)
                {
                    lastFired = alarm;
                    plan = await context.CallActivityAsync<AgreementPlan>(nameof(FireAgreementAlarmActivity), new AgreementAlarmFired(input.AgreementId, alarm), Retry);
                    continue;
                }
            }

            plan = await context.CallActivityAsync<AgreementPlan>(nameof(ApplyAgreementEventsActivity), input.AgreementId, Retry);
            applied++;
            if (!plan.IsFinal && applied % plan.EventsPerGeneration == 0)
            {
                context.ContinueAsNew(input with { EventsApplied = applied, Generation = input.Generation + 1, LastFired = lastFired }, preserveUnprocessedEvents: true);
                return plan.Status;
            }
        }

        context.SetCustomStatus(new { status = plan.Status.ToString(), generation = input.Generation });
        return plan.Status;
    }
}
