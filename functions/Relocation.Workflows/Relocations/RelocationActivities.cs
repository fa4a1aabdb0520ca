using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Domain.Steps;
using Relocation.Matching;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// Plans the open set (matching v2), records the round's offer requests on the case and in the State index, and puts one
/// notification per asked State in the outbox (<see cref="RoundOpening"/>). Starting the same round again changes
/// nothing: the case keeps the round. Round 1 is usually already on the row, opened in-process by the request that
/// created the case; this activity stays the guarantee: it finds the round and writes its index rows and notices again
/// (keyed, so nothing twice), in case that request's process died between the round and them.
/// </summary>
public sealed class StartRelocationRoundActivity(RoundOpening opening, TimeProvider time) : TaskActivity<RoundStep, RoundOpened>
{
    // The process's one RoundOpening (a singleton) knows the openings its requests made, so the activity can join them.
    private readonly RoundOpening _opening = opening;

    public override async Task<RoundOpened> RunAsync(TaskActivityContext context, RoundStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (relocation, round, outcome) = await _opening.OpenAsync(input.RelocationId, input.Round, "activity", tellWhenAlreadyOpen: true);
        var clock = PriorityClock.For(relocation.Facts.Priority);
        var now = time.GetUtcNow();
        switch (outcome)
        {
            case RoundOpeningOutcome.Cancelled:
                return new RoundOpened(input.Round, 0, now.UtcDateTime, clock.Rounds, Stop: true);
            case RoundOpeningOutcome.AwaitsConsent:
                // Regulation 96(3): no State hears of a Normal or Urgent request before the person consented.
                return new RoundOpened(input.Round, 0, now.UtcDateTime, clock.Rounds, Stop: false, AwaitsConsent: true);
        }

        return new RoundOpened(round!.Number, round.Asked.Count, round.Deadline.UtcDateTime, clock.Rounds, Stop: false, round.StartedAt.UtcDateTime,
            WaitsForPlan: WaitsForPlan(relocation, round));
    }

    /// <summary>
    /// Indexes the round's offer request for each asked State and puts its notice in the outbox, after the round is on
    /// the case. One State's writes do not depend on another's: written side by side, not one after the other (five
    /// States were ten sequential round trips on the way from request to offers out). Each write is keyed, so a rerun
    /// repeats nothing. The index row carries what the State is shown, and its list trusts it until the deadline: so it
    /// is written only while the case as read still asks the State in this round (a rerun after the State answered or
    /// the round closed writes none back). The notice is in the language of the State's row in <paramref name="states"/>
    /// (<see cref="NoticeLanguages"/>).
    /// </summary>
    internal static Task TellAskedStatesAsync(IRelocationRepository relocations, IOutbox outbox, IStateRepository? states, RelocationCase relocation, RoundRecord round,
        DateTimeOffset now) =>
        Task.WhenAll(round.Asked.Select(async asked =>
        {
            if (OfferRequestLine.OpenFor(relocation, asked.StateCode) is { } line && line.Round == round.Number)
            {
                await relocations.IndexOfferRequestAsync(asked.StateCode, line, CancellationToken.None);
            }

            var language = await NoticeLanguages.ForAsync(states, asked.StateCode);
            await outbox.AddAsync(CaseNotices.OfferRequest(relocation, round, asked.StateCode, language, now), CancellationToken.None);
        }));

    /// <summary>A round that asked nobody waits for a re-plan, except an Emergency's (see <see cref="RoundOpened.WaitsForPlan"/>).</summary>
    internal static bool WaitsForPlan(RelocationCase relocation, RoundRecord round) =>
        round.Asked.Count == 0 && round.ClosedAt is null && relocation.Facts.Priority != RelocationPriority.Emergency;
}

/// <summary>
/// Re-plans a round that asked nobody when it opened (a round not yet sent): plans the open set again and, if a State
/// can now be asked, sends the round to it (recorded on the case first, then indexed and put in the outbox, like a round
/// opening). A round already sent is returned unchanged, so a rerun after a crash only repeats the notifications (the
/// outbox keys them) and never asks anyone else.
/// </summary>
public sealed class ReplanRelocationRoundActivity(
    IRelocationRepository relocations,
    ICandidateData candidates,
    IOutbox outbox,
    IOptions<RelocationWorkflowOptions> options,
    TimeProvider time,
    ICaseloadIndex? caseload = null,
    IStateRepository? states = null) : TaskActivity<RoundStep, RoundOpened>
{
    private readonly RoundPlanning _planning = new(relocations, candidates, caseload, options);

    public override async Task<RoundOpened> RunAsync(TaskActivityContext context, RoundStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        var clock = PriorityClock.For(relocation.Facts.Priority);
        var round = relocation.Rounds.FirstOrDefault(r => r.Number == input.Round)
            ?? throw new InvalidOperationException($"Round {input.Round} has not started.");
        if (relocation.Status is not RelocationStatus.AwaitingOffers || round.ClosedAt is not null)
        {
            return new RoundOpened(round.Number, round.Asked.Count, round.Deadline.UtcDateTime, clock.Rounds, Stop: relocation.Status is RelocationStatus.Cancelled, round.StartedAt.UtcDateTime);
        }

        if (round.Asked.Count == 0)
        {
            var planned = await _planning.PlanAsync(relocation, now, opening: true, CancellationToken.None);
            var chosen = RoundSelection.Select(planned.Ranked, planned.Placement, input.Round, options.Value.RoundSizeFor(relocation.Facts.Priority));
            if (chosen.Count == 0)
            {
                return new RoundOpened(round.Number, 0, round.Deadline.UtcDateTime, clock.Rounds, Stop: false, round.StartedAt.UtcDateTime,
                    WaitsForPlan: StartRelocationRoundActivity.WaitsForPlan(relocation, round));
            }

            var deadline = now + (clock.ResponsesDue * options.Value.ClockScale);
            var asked = chosen.Select(c => new AskedState(c.StateCode, c.CapacityId, c.NeedsFundSupport, c.Score)).ToArray();
            relocation = await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c => c.SendRound(input.Round, asked, now, deadline));
            round = relocation.Rounds.First(r => r.Number == input.Round);
        }

        await StartRelocationRoundActivity.TellAskedStatesAsync(relocations, outbox, states, relocation, round, now);
        return new RoundOpened(round.Number, round.Asked.Count, round.Deadline.UtcDateTime, clock.Rounds, Stop: false, round.StartedAt.UtcDateTime);
    }
}

/// <summary>Closes a round: answers after this are refused (409).</summary>
public sealed class CloseRelocationRoundActivity(IRelocationRepository relocations, TimeProvider time, IOutbox? outbox = null) : TaskActivity<RoundStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RoundStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var closed = await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c => c.CloseRound(input.Round, time.GetUtcNow()));
        if (outbox is not null)
        {
            await OfferNotices.EnsureAsync(outbox, closed, time.GetUtcNow());
        }

        return true;
    }
}

/// <summary>Tells the States asked about a case that their offer is no longer needed, or that the case was cancelled.</summary>
public sealed class NotifyRelocationStatesActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time, IStateRepository? states = null)
    : TaskActivity<NotifyStates, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, NotifyStates input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await NotifyAsync(outbox, states, await CaseUpdates.FindAsync(relocations, input.RelocationId), input.What, time.GetUtcNow());
        return true;
    }

    /// <summary>
    /// One keyed message per asked State (a rerun adds nothing); the accepted State hears only of a cancellation. Each in
    /// the language of the State's row in <paramref name="states"/> (<see cref="NoticeLanguages"/>).
    /// </summary>
    public static async Task NotifyAsync(IOutbox outbox, IStateRepository? states, RelocationCase relocation, string what, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(relocation);
        var accepted = relocation.State.Accepted?.StateCode;
        foreach (var state in relocation.Rounds.SelectMany(r => r.Asked).Select(a => a.StateCode).Distinct(StringComparer.Ordinal).Where(s => s != accepted || what == "Cancelled"))
        {
            await outbox.AddAsync(CaseNotices.ToAskedState(relocation, what, state, await NoticeLanguages.ForAsync(states, state), now), CancellationToken.None);
        }
    }
}

/// <summary>
/// Applies the arrival step: the held places become used, a temporary relocation gets its protection review reminder
/// and its review clock, and the step is marked applied (in the same write as the clock) and leaves the pending-step
/// index. Returns the review clock (null for other kinds). These were three activities (CompleteRelocationArrival,
/// CompleteCaseStep, StartReviewClock); each part is idempotent (the capacity row knows the case, the outbox key is
/// deterministic, the row says what is done), so one retried activity keeps every guarantee with two fewer round trips.
/// The work is <see cref="CaseArrival"/>'s, shared with the arrival request, which usually did it already: in its process
/// this joins that run and writes only "applied"; elsewhere it finds the clock on the row and does the same.
/// </summary>
public sealed class ApplyArrivalActivity(IRelocationRepository relocations, ICapacityRepository capacities, IOutbox outbox, IOptions<RelocationWorkflowOptions> options,
    TimeProvider time, IPendingSteps? steps = null, CaseArrival? arrival = null) : TaskActivity<CaseStepApplied, ReviewClock?>
{
    /// <summary>A temporary relocation is reviewed before 6 months; the reminder comes at 5.</summary>
    public const int ReviewReminderMonths = 5;

    private readonly CaseArrival _arrival = arrival ?? new CaseArrival(relocations, capacities, outbox, options, time, steps);

    public override async Task<ReviewClock?> RunAsync(TaskActivityContext context, CaseStepApplied input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var relocation = await _arrival.ApplyStepAsync(input.RelocationId, input.Sequence);
        return relocation.Facts.Kind == RelocationKind.TemporaryRelocation && relocation.State.ReviewDueAt is { } set ? new ReviewClock(set.UtcDateTime, 0) : null;
    }
}

/// <summary>Cancelled: releases every hold this case has on any capacity and its fund commitment. Releasing twice is harmless.</summary>
public sealed class ReleaseRelocationActivity(IRelocationRepository relocations, ICapacityRepository capacities, IRelocationFund fund) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        foreach (var asked in relocation.Rounds.SelectMany(r => r.Asked).DistinctBy(a => (a.StateCode, a.CapacityId)))
        {
            await CaseUpdates.ChangeCapacityAsync(capacities, asked.StateCode, asked.CapacityId, c => c.Release(relocation.Id));
        }

        await fund.ReleaseAsync(relocation.Id, CaseUpdates.ReleaseKey(relocation.Id), CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Cancelled: releases what remains of every commitment made for the case, including those Finance made by hand
/// (<c>POST /api/fund/commitments</c> naming the case), which <see cref="ReleaseRelocationActivity"/> does not know of.
/// Each release is keyed by its commitment (<see cref="Relocation.Domain.Fund.FundService.CancelReleaseKey"/>), so a rerun releases nothing more.
/// </summary>
public sealed class ReleaseCaseCommitmentsActivity(IRelocationFund fund) : TaskActivity<string, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, string input) => fund.ReleaseAllAsync(input, CancellationToken.None);
}

/// <summary>
/// No offer accepted after the last round: the case goes to the Registrar. False when it did not: the acceptance request
/// carries out an acceptance recorded before the deadline itself (<see cref="OfferAcceptance"/>) and wrote its decision
/// first, so the case is accepted and the orchestration goes on with it (histories written before this answer true).
/// </summary>
public sealed class EscalateRelocationActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        var now = time.GetUtcNow();
        var relocation = await CaseUpdates.UpdateAsync(relocations, input, c => c.Escalate(now));
        if (relocation.Status != RelocationStatus.Escalated)
        {
            return false;
        }

        await outbox.AddAsync(CaseNotices.Escalation(relocation, now), CancellationToken.None);
        return true;
    }
}

/// <summary>The oldest step recorded on the case and not applied yet (null when none): what the orchestration acts on.</summary>
public sealed class TakeCaseStepActivity(IRelocationRepository relocations, IOutbox? outbox = null, TimeProvider? time = null,
    IOptions<RelocationWorkflowOptions>? options = null) : TaskActivity<string, TakenStep?>
{
    public override async Task<TakenStep?> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        if (relocation.PendingSteps.OrderBy(s => s.Sequence).FirstOrDefault() is not { } step)
        {
            return null;
        }

        // An acceptance is planned from this same read (it was a separate PlanAcceptance activity reading the same row).
        return step.Kind == CaseStepKind.Acceptance && step.RequestId is { } requestId
            ? new TakenStep(step, await AcceptancePlanning.PlanAsync(relocation, requestId, outbox, (time ?? TimeProvider.System).GetUtcNow(),
                sagaWhenDecided: options?.Value.AcceptWithRequest ?? false))
            : new TakenStep(step);
    }
}

/// <summary>Marks a step applied on the case row, then removes it from the pending-step index. Twice changes nothing.</summary>
public sealed class CompleteCaseStepActivity(IRelocationRepository relocations, IPendingSteps? steps = null) : TaskActivity<CaseStepApplied, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CaseStepApplied input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        if (relocation.PendingSteps.Any(s => s.Sequence == input.Sequence))
        {
            await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c => c.CompleteStep(input.Sequence));
        }

        if (steps is not null)
        {
            await steps.RemoveAsync(StepWorkflows.Relocation, input.RelocationId, input.Sequence, CancellationToken.None);
        }

        return true;
    }
}

/// <summary>
/// A reminder point of a round (50% or 90% of the response window): the asked States that have not answered yet get a
/// reminder; at the last point VWU hears when the round is about to close with no offer. Keys per round, point and
/// State, so a rerun sends nothing twice.
/// </summary>
public sealed class RemindRelocationRoundActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time, IStateRepository? states = null)
    : TaskActivity<RoundReminder, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, RoundReminder input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        var round = relocation.Rounds.FirstOrDefault(r => r.Number == input.Round);
        if (round is null || round.ClosedAt is not null || relocation.Status != RelocationStatus.AwaitingOffers)
        {
            return 0;
        }

        await OfferNotices.EnsureAsync(outbox, relocation, now);
        var answered = relocation.Offers.Where(o => o.Round == round.Number).Select(o => o.StateCode).ToHashSet(StringComparer.Ordinal);
        var sent = 0;
        foreach (var asked in round.Asked.Where(a => !answered.Contains(a.StateCode)))
        {
            var language = await NoticeLanguages.ForAsync(states, asked.StateCode);
            await outbox.AddAsync(CaseNotices.OfferRequestReminder(relocation, round, asked.StateCode, input.Percent, language, now), CancellationToken.None);
            sent++;
        }

        if (input.Percent >= RoundReminder.ClosingPercent && !relocation.Offers.Any(o => o.Round == round.Number && o.Decision == OfferDecision.Offer))
        {
            await outbox.AddAsync(CaseNotices.RoundClosingWithoutOffer(relocation, round, now), CancellationToken.None);
        }

        return sent;
    }
}

/// <summary>
/// VWU hears of every offer recorded on the case, once each (keyed by round and State). The answer's handler writes the
/// notice itself, right after the offer is on the row (<see cref="RelocationCommands.RespondAsync"/>); the round's
/// reminder points and its close call this again, so a notice lost to a crash between those two writes still goes out.
/// </summary>
public static class OfferNotices
{
    public static async Task<int> EnsureAsync(IOutbox outbox, RelocationCase relocation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(relocation);
        var offers = relocation.Offers.Where(o => o.Decision == OfferDecision.Offer).ToArray();
        foreach (var offer in offers)
        {
            await outbox.AddAsync(CaseNotices.OfferReceived(relocation, offer, now), CancellationToken.None);
        }

        return offers.Length;
    }
}

/// <summary>
/// Starts the relocation clock at acceptance (7/42/365 days by priority, scaled in tests) and returns it; the due time
/// is written once on the case, so a rerun returns the same clock.
/// </summary>
public sealed class StartPlacementClockActivity(IRelocationRepository relocations, IOptions<RelocationWorkflowOptions> options, TimeProvider time)
    : TaskActivity<string, PlacementClock>
{
    public override async Task<PlacementClock> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        var accepted = relocation.State.Accepted ?? throw new ConflictException("No offer is accepted on this request.");
        if (relocation.State.PlacementDueAt is null)
        {
            var due = PlacementClocks.DueFor(relocation, accepted.At, options.Value);
            relocation = await CaseUpdates.UpdateAsync(relocations, input, c => c.StartPlacementClock(due, time.GetUtcNow()));
        }

        return new PlacementClock(accepted.At.UtcDateTime, relocation.State.PlacementDueAt!.Value.UtcDateTime);
    }
}

/// <summary>When the person must arrive: 7/42/365 days after acceptance by priority, scaled in tests.</summary>
public static class PlacementClocks
{
    public static DateTimeOffset DueFor(RelocationCase relocation, DateTimeOffset acceptedAt, RelocationWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(options);
        return acceptedAt + (PriorityClock.For(relocation.Facts.Priority).RelocationDue * (options.PlacementClockScale ?? options.ClockScale));
    }
}

/// <summary>
/// A point of the relocation clock: at 50% and 90% VWU is reminded while arrival is not recorded; at 100% the case
/// becomes Overdue and the Registry (and VWU) are told. Messages are keyed by case and point, so a rerun sends nothing twice.
/// </summary>
public sealed class PlacementPointActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time) : TaskActivity<PlacementPoint, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PlacementPoint input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        if (input.Percent < 100)
        {
            if (relocation.Status != RelocationStatus.OfferAccepted || relocation.State.PlacementDueAt is not { } due)
            {
                return false;
            }

            await outbox.AddAsync(CaseNotices.PlacementReminder(relocation, input.Percent, due, now), CancellationToken.None);
            return true;
        }

        if (relocation.Status == RelocationStatus.OfferAccepted)
        {
            relocation = await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c => c.MarkOverdue(now));
        }

        if (relocation.Status != RelocationStatus.Overdue)
        {
            return false;
        }

        await outbox.AddAsync(CaseNotices.Overdue(relocation, Recipients.Registry, now), CancellationToken.None);
        await outbox.AddAsync(CaseNotices.Overdue(relocation, Recipients.Vwu, now), CancellationToken.None);
        return true;
    }
}

/// <summary>
/// The receiving State withdrew: VWU is told and the case file (already re-encrypted under the re-relocation's id by the
/// API) removed from this case. The places and the money stay until the withdrawal takes effect
/// (<see cref="ReleaseWithdrawnPlacementActivity"/>). Each part is idempotent, so a rerun changes nothing.
/// </summary>
public sealed class WithdrawRelocationActivity(IRelocationRepository relocations, ICaseFileStore caseFiles, IOutbox outbox, TimeProvider time) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        if (relocation.Status != RelocationStatus.Withdrawn)
        {
            return false;
        }

        await outbox.AddAsync(CaseNotices.Withdrawn(relocation, time.GetUtcNow()), CancellationToken.None);
        if (relocation.State.ReRelocationId is { } next && await caseFiles.ReadAsync(next, CancellationToken.None) is not null)
        {
            // The file lives under the new case only; deleting it here before the copy existed would lose it.
            await caseFiles.DeleteAsync(relocation.Id, CancellationToken.None);
        }

        return true;
    }
}

/// <summary>
/// A withdrawal takes effect on its <c>effectiveOn</c> (<see cref="RelocationCase.WithdrawalReleaseAt(DateTimeOffset)"/>):
/// not yet → nothing is released and the answer says until when to wait (scaled by the placement clock in tests, from
/// the time the withdrawal was recorded, so a rerun answers the same); due → every place held or used for the case is
/// freed and the acceptance's commitment released. Idempotent (vacating twice and the keyed release change nothing).
/// </summary>
public sealed class ReleaseWithdrawnPlacementActivity(IRelocationRepository relocations, ICapacityRepository capacities, IRelocationFund fund,
    IOptions<RelocationWorkflowOptions> options, TimeProvider time) : TaskActivity<string, WithdrawalRelease>
{
    public override async Task<WithdrawalRelease> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        var now = time.GetUtcNow();
        if (relocation.Status == RelocationStatus.Withdrawn && DueAt(relocation, options.Value, now) is { } due && now < due)
        {
            return new WithdrawalRelease(due.UtcDateTime);
        }

        foreach (var asked in relocation.Rounds.SelectMany(r => r.Asked).DistinctBy(a => (a.StateCode, a.CapacityId)))
        {
            await CaseUpdates.ChangeCapacityAsync(capacities, asked.StateCode, asked.CapacityId, c => c.Vacate(relocation.Id));
        }

        await fund.ReleaseAsync(relocation.Id, CaseUpdates.ReleaseKey(relocation.Id), CancellationToken.None);
        return new WithdrawalRelease(null);
    }

    /// <summary>When the withdrawal takes effect (null: now); a placement clock scale below 1 shrinks the wait from the withdrawal's recording.</summary>
    public static DateTimeOffset? DueAt(RelocationCase relocation, RelocationWorkflowOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(options);
        if (relocation.WithdrawalReleaseAt(now) is not { } at)
        {
            return null;
        }

        var scale = options.PlacementClockScale ?? options.ClockScale;
        var from = relocation.State.WithdrawnAt ?? now;
        return scale >= 1.0 || at <= from ? at : from + ((at - from) * scale);
    }
}

/// <summary>
/// A withdrawal took effect, or a review ended the protection: what remains of every commitment made for the case is
/// released, Finance's by hand included (<c>POST /api/fund/commitments</c> naming the case), as a cancellation does
/// (<see cref="ReleaseCaseCommitmentsActivity"/>). Each release is keyed by its commitment and the ending
/// (<see cref="Relocation.Domain.Fund.FundService.ReleaseKeyFor"/>), so a rerun releases nothing more.
/// </summary>
public sealed class ReleaseEndedCaseCommitmentsActivity(IRelocationFund fund) : TaskActivity<CaseCommitmentsRelease, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, CaseCommitmentsRelease input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return fund.ReleaseAllAsync(input.RelocationId, input.Ending, CancellationToken.None);
    }
}

/// <summary>
/// The review clock of a temporary relocation: due six months after arrival, or at the end date the receiving State
/// confirmed (scaled in tests). Written once per due time, so a rerun returns the same clock; null for other kinds.
/// </summary>
public sealed class StartReviewClockActivity(IRelocationRepository relocations, IOptions<RelocationWorkflowOptions> options, TimeProvider time)
    : TaskActivity<ReviewClockRequest, ReviewClock?>
{
    /// <summary>A temporary relocation is reviewed before 6 months.</summary>
    public const int ReviewMonths = 6;

    public override async Task<ReviewClock?> RunAsync(TaskActivityContext context, ReviewClockRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        if (relocation.Facts.Kind != RelocationKind.TemporaryRelocation || relocation.State.ArrivedOn is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (DueFor(relocation, input.Restart, options.Value, now) is { } due)
        {
            relocation = await CaseUpdates.UpdateAsync(relocations, input.RelocationId, c => c.StartReviewClock(due, now));
        }

        return new ReviewClock(relocation.State.ReviewDueAt!.Value.UtcDateTime, 0);
    }

    /// <summary>The review due time to write, or null when nothing is to be written (not temporary, not arrived, already set).</summary>
    public static DateTimeOffset? DueFor(RelocationCase relocation, bool restart, RelocationWorkflowOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(options);
        if (relocation.Facts.Kind != RelocationKind.TemporaryRelocation || relocation.State.ArrivedOn is not { } arrived || (!restart && relocation.State.ReviewDueAt is not null))
        {
            return null;
        }

        var until = relocation.State.ProtectionEndsOn ?? arrived.AddMonths(ReviewMonths);
        var scale = options.PlacementClockScale ?? options.ClockScale;
        return scale >= 1.0
            ? new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : now + (TimeSpan.FromDays(Math.Max(1, until.DayNumber - DateOnly.FromDateTime(now.UtcDateTime).DayNumber)) * scale);
    }
}

/// <summary>A review due time passed with no review recorded: the Registry and VWU are told, once per due time.</summary>
public sealed class ReviewDueActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time) : TaskActivity<ReviewDue, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ReviewDue input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        if (relocation.Status != RelocationStatus.Relocated || relocation.State.ReviewDueAt?.UtcDateTime != input.DueUtc)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var key = $"review-overdue-{input.DueUtc.Ticks}";
        var subject = $"Protection review of {relocation.Facts.Pseudonym} is overdue.";
        const string Body = "The protection review was due and none is recorded. The case is escalated to the Registry.";
        await outbox.AddAsync(CaseNotices.Protection(relocation, key, "ReviewOverdue", Recipients.Registry, subject, Body, now), CancellationToken.None);
        await outbox.AddAsync(CaseNotices.Protection(relocation, key, "ReviewOverdue", Recipients.Vwu, subject, Body, now), CancellationToken.None);
        return true;
    }
}

/// <summary>
/// Acts on VWU's review. End or ReRelocate: every place held or used is freed, the fund commitment released (what
/// disbursements did not use), the State told, and a re-bound case file removed from this case. Extend: the receiving
/// State's focal points are asked to confirm. True when the protection here has ended. Idempotent.
/// </summary>
public sealed class ApplyReviewActivity(IRelocationRepository relocations, ICapacityRepository capacities, IRelocationFund fund, ICaseFileStore caseFiles,
    IOutbox outbox, TimeProvider time, IStateRepository? states = null) : TaskActivity<string, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, input);
        var now = time.GetUtcNow();
        var state = relocation.State.Accepted?.StateCode;
        if (relocation.Status == RelocationStatus.Ended)
        {
            foreach (var asked in relocation.Rounds.SelectMany(r => r.Asked).DistinctBy(a => (a.StateCode, a.CapacityId)))
            {
                await CaseUpdates.ChangeCapacityAsync(capacities, asked.StateCode, asked.CapacityId, c => c.Vacate(relocation.Id));
            }

            await fund.ReleaseAsync(relocation.Id, CaseUpdates.ReleaseKey(relocation.Id), CancellationToken.None);
            if (relocation.State.ReRelocationId is { } next && await caseFiles.ReadAsync(next, CancellationToken.None) is not null)
            {
                await caseFiles.DeleteAsync(relocation.Id, CancellationToken.None);
            }

            if (state is not null)
            {
                await outbox.AddAsync(CaseNotices.ProtectionEnded(relocation, state, await NoticeLanguages.ForAsync(states, state), now), CancellationToken.None);
            }

            return true;
        }

        if (relocation.State.PendingExtension is { } end && state is not null)
        {
            await outbox.AddAsync(CaseNotices.ExtensionRequest(relocation, state, end, await NoticeLanguages.ForAsync(states, state), now), CancellationToken.None);
        }

        return false;
    }
}

/// <summary>The receiving State answered an extension: VWU is told; a confirmed one moves the review clock (the caller restarts it).</summary>
public sealed class ApplyExtensionActivity(IRelocationRepository relocations, IOutbox outbox, TimeProvider time) : TaskActivity<ExtensionStep, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ExtensionStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var relocation = await CaseUpdates.FindAsync(relocations, input.RelocationId);
        var subject = input.Confirmed
            ? $"{relocation.State.Accepted?.StateCode} confirmed the extension of {relocation.Facts.Pseudonym} until {relocation.State.ProtectionEndsOn:yyyy-MM-dd}."
            : $"{relocation.State.Accepted?.StateCode} refused the extension of {relocation.Facts.Pseudonym}.";
        await outbox.AddAsync(CaseNotices.Protection(relocation, $"extension-answer-{input.Sequence}", input.Confirmed ? "ExtensionConfirmed" : "ExtensionRefused", Recipients.Vwu,
            subject, input.Confirmed ? "The next protection review is due by the new end date." : "The protection review is still due; record another outcome.", time.GetUtcNow()),
            CancellationToken.None);
        return input.Confirmed;
    }
}
