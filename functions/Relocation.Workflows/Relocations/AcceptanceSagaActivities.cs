using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Domain.Steps;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Relocations;

// The acceptance saga's steps. The orchestrator (RelocationOrchestrator.AcceptAsync) runs them in order and runs their
// compensations; each step is idempotent by the case id, so a step run twice after a crash changes nothing.

/// <summary>
/// Reads the case for the acceptance it is about to carry out: which place, how many, whether money is needed. A
/// request already decided (by a run that died before it finished) is told to VWU again and not carried out again.
/// Run by <see cref="TakeCaseStepActivity"/> when the step it takes is an acceptance: a pure read of the row that
/// activity has just read, so it needs no engine round trip of its own.
/// </summary>
public static class AcceptancePlanning
{
    /// <summary>
    /// <paramref name="sagaWhenDecided"/>: the acceptance request carries acceptances out in-process
    /// (<see cref="OfferAcceptance"/>), so a decision on the row while the step is still pending is the normal case, not
    /// a crash's leftover: the saga then runs its steps all the same (they find the work done) so that a refusal's
    /// compensations release what the request held.
    /// </summary>
    public static async Task<AcceptancePlan> PlanAsync(RelocationCase relocation, string requestId, IOutbox? outbox, DateTimeOffset now, bool sagaWhenDecided = false)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        string stateCode;
        if (relocation.State.LastOutcome is { } found && found.RequestId == requestId && sagaWhenDecided && found.StateCode is { } decidedFor
            && relocation.Offers.Any(o => o.StateCode == decidedFor && o.Decision == OfferDecision.Offer))
        {
            stateCode = decidedFor;
        }
        else if (relocation.State.LastOutcome is { } outcome && outcome.RequestId == requestId)
        {
            if (outbox is not null)
            {
                await outbox.AddAsync(CaseNotices.AcceptanceOutcome(relocation, outcome, relocation.State.Accepted?.StateCode, now), CancellationToken.None);
            }

            return new AcceptancePlan(outcome.Accepted, null, string.Empty, string.Empty, 0, false, 0);
        }
        else if (relocation.State.PendingAcceptance is { } pending && pending.RequestId == requestId)
        {
            stateCode = pending.StateCode;
        }
        else
        {
            return new AcceptancePlan(false, null, string.Empty, string.Empty, 0, false, 0);
        }

        var asked = relocation.Rounds.SelectMany(r => r.Asked).Last(a => a.StateCode == stateCode);
        var offer = relocation.Offers.Last(o => o.StateCode == stateCode && o.Decision == OfferDecision.Offer);
        var refusal = asked.NeedsFundSupport && offer.EstimatedCostEurMinor is null ? AcceptanceRefusal.NoCost(stateCode) : null;
        return new AcceptancePlan(null, refusal?.Reason, stateCode, asked.CapacityId, relocation.Facts.Household.Size, asked.NeedsFundSupport, offer.EstimatedCostEurMinor ?? 0)
        {
            RefusalExplanation = refusal?.Explanation,
        };
    }
}

/// <summary>
/// Saga step 1: holds the household's places on the offered capacity row (once per case). Joins the acceptance request
/// that is holding them in this process, or finds its decision on the row (<see cref="OfferAcceptance"/>).
/// </summary>
public sealed class HoldPlacesActivity(ICapacityRepository capacities, OfferAcceptance? acceptance = null) : TaskActivity<PlacesStep, SagaStepResult>
{
    public override Task<SagaStepResult> RunAsync(TaskActivityContext context, PlacesStep input) =>
        acceptance is null ? OfferAcceptance.HoldHereAsync(capacities, input) : acceptance.HoldAsync(input);
}

/// <summary>
/// Compensation of <see cref="HoldPlacesActivity"/>: releases what the case holds there (nothing held is fine); joins the
/// acceptance request's own release in this process (<see cref="OfferAcceptance.ReleaseAsync"/>).
/// </summary>
public sealed class ReleasePlacesActivity(ICapacityRepository capacities, OfferAcceptance? acceptance = null) : TaskActivity<PlacesStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PlacesStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (acceptance is not null)
        {
            await acceptance.ReleaseAsync(input);
            return true;
        }

        await CaseUpdates.ChangeCapacityAsync(capacities, input.StateCode, input.CapacityId, c => c.Release(input.RelocationId));
        return true;
    }
}

/// <summary>
/// Saga step 2: commits the estimated cost in the Special Fund (once per case, by its commit key); joins or finds the
/// request's commitment as step 1 does.
/// </summary>
public sealed class CommitFundsActivity(IRelocationFund fund, OfferAcceptance? acceptance = null) : TaskActivity<FundStep, SagaStepResult>
{
    public override Task<SagaStepResult> RunAsync(TaskActivityContext context, FundStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return acceptance is null ? OfferAcceptance.CommitHereAsync(fund, input.RelocationId, input.CostEurMinor) : acceptance.CommitAsync(input);
    }
}

/// <summary>Compensation of <see cref="CommitFundsActivity"/>: releases the case's commitment (none is fine).</summary>
public sealed class ReleaseFundsActivity(IRelocationFund fund) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        await fund.ReleaseAsync(input, CaseUpdates.ReleaseKey(input), CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Saga step 3: records the decision on the case and tells VWU. Accepted only if the case still awaits offers (it may
/// have been cancelled meanwhile): then the answer is false and the orchestrator compensates steps 1 and 2.
/// The same conditional write marks the acceptance step applied and, when accepted, starts the relocation clock; the
/// States whose offers are no longer needed are told and the step leaves the pending-step index. These were separate
/// activities (CompleteCaseStep, StartPlacementClock, NotifyRelocationStates): each part is idempotent on its own (the
/// row says what is done, outbox keys are deterministic), so one retried activity keeps every guarantee with three
/// fewer engine round trips and two fewer writes of the case row.
/// </summary>
public sealed class RecordAcceptanceActivity(IRelocationRepository relocations, IOutbox outbox, IOptions<RelocationWorkflowOptions> options, TimeProvider time,
    CaseDecisionSignal? decisions = null, IPendingSteps? steps = null, OfferAcceptance? acceptance = null, IStateRepository? states = null)
    : TaskActivity<AcceptanceDecision, AcceptanceRecorded>
{
    public override async Task<AcceptanceRecorded> RunAsync(TaskActivityContext context, AcceptanceDecision input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The acceptance request carried it out in this process: its decision and notices are done; only the step is left.
        if (acceptance is not null && await acceptance.RecordJoinedAsync(input) is { } joined)
        {
            return joined;
        }

        // Otherwise from the row: a decision the request recorded elsewhere (or before a crash) is kept, not made again.
        var now = time.GetUtcNow();
        var updated = await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c =>
        {
            if (c.State.LastOutcome?.RequestId != input.RequestId)
            {
                if (input.Refusal is not null)
                {
                    c.RefuseAcceptance(input.RequestId, input.Refusal, now, input.RefusalExplanation);
                }
                else if (c.Status == RelocationStatus.AwaitingOffers)
                {
                    c.CompleteAcceptance(input.RequestId, input.CapacityId, input.CommitmentId, now);
                }
                else
                {
                    c.RefuseAcceptance(input.RequestId, AcceptanceRefusal.StatusChanged(c.Status), now);
                }
            }

            // Recorded by a run that died after writing: the rest below is still done once.
            if (c.State.LastOutcome is { Accepted: true } outcome && outcome.RequestId == input.RequestId && c.State.Accepted is { } accepted)
            {
                c.StartPlacementClock(PlacementClocks.DueFor(c, accepted.At, options.Value), now);
            }

            if (input.Sequence is { } sequence && c.PendingSteps.Any(s => s.Sequence == sequence))
            {
                c.CompleteStep(sequence);
            }
        });

        if (updated.State.LastOutcome is not { } decided || decided.RequestId != input.RequestId)
        {
            return new AcceptanceRecorded(false, null);
        }

        // The waiting HTTP request, if it waits in this process, answers now rather than at its next look at the row.
        decisions?.Raise(input.RelocationId);

        await outbox.AddAsync(CaseNotices.AcceptanceOutcome(updated, decided, input.StateCode, now), CancellationToken.None);
        PlacementClock? clock = null;
        if (decided.Accepted && updated.State.Accepted is { } taken && updated.State.PlacementDueAt is { } due)
        {
            await NotifyRelocationStatesActivity.NotifyAsync(outbox, states, updated, "OfferNoLongerNeeded", now);
            clock = new PlacementClock(taken.At.UtcDateTime, due.UtcDateTime);
        }

        if (steps is not null && input.Sequence is { } applied)
        {
            await steps.RemoveAsync(StepWorkflows.Relocation, input.RelocationId, applied, CancellationToken.None);
        }

        return new AcceptanceRecorded(decided.Accepted, clock);
    }
}
