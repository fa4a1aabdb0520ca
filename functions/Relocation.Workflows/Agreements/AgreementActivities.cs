using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Steps;

namespace Relocation.Workflows.Agreements;

/// <summary>
/// Applies, in order, every event the API accepted for the agreement and this activity has not applied yet. Running it
/// twice applies nothing twice: the history knows each sequence number. A lost race on the row (412) is retried by the
/// orchestration's retry policy.
/// </summary>
public sealed class ApplyAgreementEventsActivity(IAgreementRepository agreements, IOptions<AgreementWorkflowOptions> options, IPendingSteps? steps = null)
    : TaskActivity<string, AgreementPlan>
{
    public override async Task<AgreementPlan> RunAsync(TaskActivityContext context, string input)
    {
        var agreement = await agreements.FindAsync(input, CancellationToken.None) ?? throw new NotFoundException($"Agreement {input} not found.");
        var applying = agreement.Pending.Select(p => p.Sequence).ToArray();
        if (agreement.ApplyPending() > 0)
        {
            agreement = await agreements.UpdateAsync(agreement, CancellationToken.None);
        }

        await ForgetAsync(steps, agreement.Id, applying);
        return AgreementPlanner.Plan(agreement, options.Value);
    }

    /// <summary>Applied steps leave the pending-step index (after the row, so a crash in between only costs the reconciler a look).</summary>
    internal static async Task ForgetAsync(IPendingSteps? steps, string agreementId, IEnumerable<int> sequences)
    {
        if (steps is null)
        {
            return;
        }

        foreach (var sequence in sequences)
        {
            await steps.RemoveAsync(StepWorkflows.Agreement, agreementId, sequence, CancellationToken.None);
        }
    }
}

/// <summary>Writes a reminder to the outbox (once, by its id) or expires an in-force agreement.</summary>
public sealed class FireAgreementAlarmActivity(IAgreementRepository agreements, IOutbox outbox, IOptions<AgreementWorkflowOptions> options, TimeProvider time, IPendingSteps? steps = null)
    : TaskActivity<AgreementAlarmFired, AgreementPlan>
{
    public override async Task<AgreementPlan> RunAsync(TaskActivityContext context, AgreementAlarmFired input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var agreement = await agreements.FindAsync(input.AgreementId, CancellationToken.None) ?? throw new NotFoundException($"Agreement {input.AgreementId} not found.");
        var alarm = input.Alarm;
        if (alarm.Kind == AgreementAlarmKind.Expiry)
        {
            // Events the API accepted before the date came are applied first (a suspension, a termination), so the
            // expiry is judged against what they produce instead of being put off while they wait.
            var applying = agreement.Pending.Select(p => p.Sequence).ToArray();
            var applied = agreement.ApplyPending();
            if (agreement.Expire(now) || applied > 0)
            {
                agreement = await agreements.UpdateAsync(agreement, CancellationToken.None);
            }

            await ApplyAgreementEventsActivity.ForgetAsync(steps, agreement.Id, applying);
        }
        else
        {
            var what = alarm.Kind == AgreementAlarmKind.ReviewReminder ? "review" : "expiry";
            await outbox.AddAsync(
                new OutboxMessage(
                    AgreementPlanner.ReminderId(agreement.Id, alarm),
                    alarm.Kind.ToString(),
                    Recipients.Registry,
                    $"{agreement.Details.Type} agreement with {agreement.Details.StateCode} ({agreement.Id}): {what} due {alarm.DueOn:yyyy-MM-dd}, in {alarm.LeadDays} days.",
                    agreement.Id,
                    now,
                    alarm.DueOn)
                {
                    Body = $"The {what} of the {agreement.Details.Type} agreement with {agreement.Details.StateCode} is due on {alarm.DueOn:yyyy-MM-dd}.\n",
                    Link = ConsoleLinks.Agreement(agreement.Id),
                },
                CancellationToken.None);
        }

        return AgreementPlanner.Plan(agreement, options.Value);
    }
}
