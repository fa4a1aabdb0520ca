using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Domain.Common;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// What callers say about a case, answered synchronously: each command is checked against the stored case and the
/// domain rules, recorded on the case row with its ETag, and only then raised to the orchestration as an event of ids.
/// The API handlers are thin wrappers around these; the workflow tests drive the orchestration through them too.
/// Acceptance, arrival and cancellation are numbered steps on the row, indexed as pending before the row is written
/// (<see cref="IPendingSteps"/>), so the reconciler re-raises any whose event was lost.
/// </summary>
public sealed class RelocationCommands(IRelocationRepository relocations, TimeProvider time, IPendingSteps? steps = null, CaseDecisionSignal? decisions = null, IOutbox? outbox = null,
    OfferAcceptance? acceptance = null, CaseArrival? arrival = null, Common.AcknowledgedRaises? raises = null)
{
    /// <summary>The meter of refused case commands (no ids or States as tags: counts only).</summary>
    public const string MeterName = "Relocation.Cases";

    /// <summary>How often a waiting acceptance reads the row when no decision signal came (the saga ran on another instance).</summary>
    private static readonly TimeSpan OtherInstancePoll = TimeSpan.FromSeconds(1);

    private static readonly System.Diagnostics.Metrics.Meter Meter = new(MeterName);
    private static readonly System.Diagnostics.Metrics.Counter<long> RefusedCommands =
        Meter.CreateCounter<long>("relocation.commands.refused", description: "Answers and acceptances refused by the case's rules.");

    /// <summary>
    /// Schedules the case's orchestration unless it already exists (a retried create starts one case). A case row
    /// written just now (<paramref name="retried"/> false) cannot have one yet, so only a retry pays the instance
    /// lookup (a query of the engine's Instances table, which Azurite answers by scanning it). A retry that has just
    /// written the row itself (<paramref name="rowIsNew"/>) and finds the instance finished schedules it again: that is
    /// the orchestration of an attempt that died between its schedule and its row, which gave up finding the row
    /// (docs/durability.md, "The first round").
    /// </summary>
    public async Task StartAsync(DurableTaskClient client, RelocationCase relocation, CancellationToken cancellationToken, bool retried = true, bool rowIsNew = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(relocation);
        if (retried && await client.GetInstanceAsync(RelocationInstance.IdFor(relocation.Id), cancellationToken) is { } existing && !(rowIsNew && existing.IsCompleted))
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(RelocationOrchestrator), new RelocationWorkflowInput(relocation.Id, relocation.Facts.Pseudonym),
                new StartOrchestrationOptions(RelocationInstance.IdFor(relocation.Id)), cancellationToken);
        }
        catch (Exception ex) when (ex.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Started by a concurrent retry of the same request.
        }
    }

    /// <summary>
    /// Schedules the case's orchestration unless an instance with its id exists, whatever its status (every status is a
    /// dedupe status; the engine makes the same three storage calls either way): <c>POST /api/relocations</c>'s first
    /// attempt (side by side with the case file, its row not written yet, so a reused key can never restart a live
    /// case's orchestration: its row's insert then fails and the request takes the retry path), the reconciler's start
    /// of a case whose schedule had not landed when a step came, and the unscheduled-case sweep.
    /// </summary>
    public static async Task ScheduleNeverReplacingAsync(DurableTaskClient client, RelocationCase relocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(relocation);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(RelocationOrchestrator), new RelocationWorkflowInput(relocation.Id, relocation.Facts.Pseudonym),
                new StartOrchestrationOptions(RelocationInstance.IdFor(relocation.Id)).WithDedupeStatuses(NeverReplaced), cancellationToken);
        }
        catch (Exception ex) when (ex.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // An instance with this id exists: left as it is.
        }
    }

    private static readonly OrchestrationRuntimeStatus[] NeverReplaced = [.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses];

    /// <summary>
    /// A State's answer: 403 when it was not asked, 409 when its round closed or it already answered (counted, never
    /// kept on the row). An offer is told to VWU from here, right after it is on the row (the notice is keyed by round
    /// and State; the round's reminder points and its close write it again, so a crash between the two writes delays it
    /// and loses nothing). The orchestration hears of an answer only when it ends the round (every asked State
    /// declined): an offer needs nothing from it until VWU accepts one, so the engine pays no round trip per answer.
    /// </summary>
    public async Task<RelocationCase> RespondAsync(DurableTaskClient client, string id, string stateCode, ResponseCommand input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var relocation = await RecordingRefusalsAsync(id, c => c.RecordResponse(stateCode, input, time.GetUtcNow()), cancellationToken);
        var answer = relocation.Offers.Last(o => o.StateCode == stateCode);
        if (answer.Decision == OfferDecision.Offer && outbox is not null)
        {
            await outbox.AddAsync(CaseNotices.OfferReceived(relocation, answer, time.GetUtcNow()), cancellationToken);
        }

        if (relocation.AllDeclined(answer.Round))
        {
            await RaiseAsync(client, id, new CaseEvent(CaseEventKind.Response, RoundOver: true), cancellationToken);
        }

        return relocation;
    }

    /// <summary>
    /// VWU's acceptance, answered synchronously. The acceptance is recorded as pending on the case row (a second one
    /// meanwhile is a 409 there and then) and the orchestration is told. Then (<see cref="OfferAcceptance"/>, on by
    /// <see cref="RelocationWorkflowOptions.AcceptWithRequest"/>) this request holds the places, commits the money and
    /// records the decision itself, under the row's ETag, and answers with it: accepted, or refused with the reason (no
    /// places, not enough money), which the caller turns into 409. The orchestration's saga stays the guarantee and the
    /// place of the compensations: its steps join this work in this process or find it on the rows elsewhere or after a
    /// crash, and a refusal after the hold is undone there. Before, the request waited for the engine to dispatch the saga
    /// (under load, most of acceptance→hold; bench/README.md, Load); it still does when the option is off or the
    /// in-process work failed. Everything is keyed by <paramref name="requestId"/> (from the Idempotency-Key), so a
    /// retried call gets the same outcome. Null outcome: not decided within <paramref name="wait"/>; the caller answers
    /// 202 and VWU follows the case.
    /// </summary>
    public async Task<(RelocationCase Case, AcceptanceOutcome? Outcome)> AcceptAsync(
        DurableTaskClient client, string id, string stateCode, string requestId, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var relocation = await CaseUpdates.FindAsync(relocations, id);
        if (relocation.State.LastOutcome?.RequestId != requestId)
        {
            relocation = await RecordingStepAsync(relocation, () => RecordingRefusalsAsync(id, c => c.RequestAcceptance(stateCode, requestId, time.GetUtcNow()), cancellationToken), cancellationToken);
            // Started before the raise: the orchestration's saga, woken by it in this process, joins this run.
            var carrying = acceptance is { WithRequest: true } ? acceptance.CarryOutAsync(id, requestId, relocation) : null;
            await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Acceptance, requestId, Sequence: relocation.LastStep?.Sequence), cancellationToken);
            if (carrying is not null)
            {
                try
                {
                    if (await carrying is { Outcome: not null } carried)
                    {
                        return (carried.Case, carried.Outcome);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Logged by OfferAcceptance: the saga carries the acceptance out; this waits for it below.
                }
            }
        }

        // Woken by the saga's decision in this process; a decision recorded by another instance is read within a second.
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var decided = decisions?.Next(id) ?? Task.Delay(50, cancellationToken);
            relocation = await CaseUpdates.FindAsync(relocations, id);
            if (relocation.State.LastOutcome is { } outcome && outcome.RequestId == requestId)
            {
                return (relocation, outcome);
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                decisions?.Forget(id, decided);
                return (relocation, null);
            }

            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(decided, Task.Delay(left < OtherInstancePoll ? left : OtherInstancePoll, stopWaiting.Token));
            await stopWaiting.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// The person arrived: recorded now as a numbered step (index, row, event), then (<see cref="CaseArrival"/>, on by
    /// <see cref="RelocationWorkflowOptions.ArriveWithRequest"/>) applied by this request itself: the held places become
    /// used, a temporary relocation gets its protection-review notice and its review clock, and the answer carries the
    /// review due date. The step stays pending: the orchestration's <see cref="ApplyArrivalActivity"/> joins this work in
    /// this process or finds it on the rows, marks the step applied and follows the placement, and does it all itself
    /// when this process died first or the in-process work failed (then the answer has no review date yet). A second
    /// arrival is refused by the row (409) before anything is applied.
    /// </summary>
    public async Task<RelocationCase> ArriveAsync(DurableTaskClient client, string id, DateOnly arrivedOn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        var relocation = await RecordingStepAsync(before, () => CaseUpdates.UpdateAsync(relocations, id, c => c.Arrive(arrivedOn, time.GetUtcNow()), cancellationToken), cancellationToken);
        var step = relocation.PendingSteps.LastOrDefault(s => s.Kind == CaseStepKind.Arrival);
        // Started before the raise: the orchestration's activity, woken by it in this process, joins this run.
        var applying = arrival is { WithRequest: true } && step is not null ? arrival.CarryOutAsync(relocation, step.Sequence) : null;
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Arrival, Sequence: relocation.LastStep?.Sequence), cancellationToken);
        if (applying is not null)
        {
            try
            {
                return await applying;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Logged by CaseArrival: the orchestration applies the arrival; the answer is the step as recorded.
            }
        }

        return relocation;
    }

    /// <summary>Cancelled now; the orchestration releases holds and commitments and tells the States.</summary>
    public async Task<RelocationCase> CancelAsync(DurableTaskClient client, string id, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        if (before.Status == RelocationStatus.Escalated)
        {
            // An escalated case's orchestration has ended and holds nothing: no step to apply.
            return await CaseUpdates.UpdateAsync(relocations, id, c => c.Cancel(reason, time.GetUtcNow()), cancellationToken);
        }

        var relocation = await RecordingStepAsync(before, () => CaseUpdates.UpdateAsync(relocations, id, c => c.Cancel(reason, time.GetUtcNow()), cancellationToken), cancellationToken);
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Cancellation, Sequence: relocation.LastStep?.Sequence), cancellationToken);

        return relocation;
    }

    /// <summary>
    /// Consent recorded on the row (its record is already in the case file). A request held back for it gets a numbered
    /// step, so its orchestration opens the first round; otherwise nothing needs the orchestration.
    /// </summary>
    public async Task<RelocationCase> RecordConsentAsync(DurableTaskClient client, string id, DateOnly givenOn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        if (!(before.AwaitsConsent && before.Status == RelocationStatus.Submitted))
        {
            return await CaseUpdates.UpdateAsync(relocations, id, c => c.RecordConsent(givenOn, time.GetUtcNow()), cancellationToken);
        }

        var relocation = await RecordingStepAsync(before, () => CaseUpdates.UpdateAsync(relocations, id, c => c.RecordConsent(givenOn, time.GetUtcNow()), cancellationToken), cancellationToken);
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Consent, Sequence: relocation.LastStep?.Sequence), cancellationToken);
        return relocation;
    }

    /// <summary>The receiving State withdrew: the case is Withdrawn now; the orchestration frees places and releases the commitment.</summary>
    public async Task<RelocationCase> WithdrawAsync(DurableTaskClient client, string id, string stateCode, string reason, DateOnly effectiveOn, string reRelocationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        var relocation = before.Status == RelocationStatus.Withdrawn && before.State.ReRelocationId == reRelocationId
            ? before
            : await RecordingStepAsync(before, () => CaseUpdates.UpdateAsync(relocations, id, c => c.Withdraw(stateCode, reason, effectiveOn, reRelocationId, time.GetUtcNow()), cancellationToken),
                cancellationToken);
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Withdrawal, Sequence: relocation.PendingSteps.LastOrDefault(s => s.Kind == CaseStepKind.Withdrawal)?.Sequence), cancellationToken);
        return relocation;
    }

    /// <summary>VWU's protection review, recorded now as a numbered step; the orchestration releases or asks the State.</summary>
    public async Task<RelocationCase> RecordReviewAsync(DurableTaskClient client, string id, ReviewOutcome outcome, DateOnly reviewedOn, DateOnly? newEndDate,
        string? reRelocationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        var relocation = before.State.ReRelocationId is not null && before.State.ReRelocationId == reRelocationId
            ? before
            : await RecordingStepAsync(before, () => CaseUpdates.UpdateAsync(relocations, id, c => c.RecordReview(outcome, reviewedOn, newEndDate, reRelocationId, time.GetUtcNow()), cancellationToken),
                cancellationToken);
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Review, Sequence: relocation.LastStep?.Sequence), cancellationToken);
        return relocation;
    }

    /// <summary>The receiving State confirms or refuses an extension; the orchestration moves the review clock and tells VWU.</summary>
    public async Task<RelocationCase> AnswerExtensionAsync(DurableTaskClient client, string id, string stateCode, ExtensionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var before = await CaseUpdates.FindAsync(relocations, id);
        var relocation = await RecordingStepAsync(before, () => RecordingRefusalsAsync(id, c => c.AnswerExtension(stateCode, decision, time.GetUtcNow()), cancellationToken), cancellationToken);
        await RaiseStepAsync(client, id, new CaseEvent(CaseEventKind.Extension, Sequence: relocation.LastStep?.Sequence), cancellationToken);
        return relocation;
    }

    /// <summary>
    /// Indexes the step as pending under the number it will most likely get (the row's next), then records it on the
    /// row. A crash between the two leaves an entry the reconciler drops (no such step on the row); a refused change
    /// removes it at once; the rare write that lost a race and took a later number indexes that one too.
    /// </summary>
    private async Task<RelocationCase> RecordingStepAsync(RelocationCase before, Func<Task<RelocationCase>> record, CancellationToken cancellationToken)
    {
        if (steps is null)
        {
            return await record();
        }

        var predicted = before.State.NextStep;
        await steps.AddAsync(new PendingStep(StepWorkflows.Relocation, before.Id, predicted, time.GetUtcNow()), cancellationToken);
        RelocationCase relocation;
        try
        {
            relocation = await record();
        }
        catch (Exception ex) when (ex is ConflictException or ForbiddenException or DomainValidationException or PreconditionFailedException)
        {
            // A concurrent caller may have won that number (two acceptances at once): its entry stays.
            if (await relocations.FindAsync(before.Id, CancellationToken.None) is not { } now || now.PendingSteps.All(s => s.Sequence != predicted))
            {
                await steps.RemoveAsync(StepWorkflows.Relocation, before.Id, predicted, CancellationToken.None);
            }

            throw;
        }

        if (relocation.LastStep is { } step && step.Sequence != predicted)
        {
            await steps.AddAsync(new PendingStep(StepWorkflows.Relocation, before.Id, step.Sequence, step.At), cancellationToken);
        }

        return relocation;
    }

    private async Task<RelocationCase> RecordingRefusalsAsync(string id, Action<RelocationCase> change, CancellationToken cancellationToken)
    {
        try
        {
            return await CaseUpdates.UpdateAsync(relocations, id, change, cancellationToken);
        }
        catch (Exception ex) when (ex is ConflictException or ForbiddenException)
        {
            // Never written to the case row: a caller repeating a refused answer must not be able to grow (and so jam)
            // the case. The API's audit log records each refusal with its outcome; this counts them for monitoring.
            RefusedCommands.Add(1, new KeyValuePair<string, object?>("outcome", ex is ForbiddenException ? "forbidden" : "conflict"));
            throw;
        }
    }

    /// <summary>
    /// Tells a case's orchestration that the plan may have changed (<see cref="CaseEventKind.PlanChanged"/>). Nothing is
    /// recorded: a lost signal costs only time, because a round waiting to be sent also re-plans now and then on its own.
    /// </summary>
    public static Task PlanChangedAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return RaiseAsync(client, id, new CaseEvent(CaseEventKind.PlanChanged), cancellationToken);
    }

    /// <summary>
    /// New or revised capacity: every open case whose current round could ask nobody (not sent yet) is told to re-plan.
    /// The open partition of the caseload index, each line point-read; at most <see cref="RoundPlanning.MaxOpenSet"/>. The
    /// client is resolved only when a case needs the signal.
    /// </summary>
    public async Task SignalUnsentRoundsAsync(Func<DurableTaskClient> client, ICaseloadIndex caseload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(caseload);
        string? page = null;
        var read = 0;
        do
        {
            var lines = await caseload.ListAsync(new CaseloadQuery(RelocationStatus.AwaitingOffers, null, null, now, page, 200), cancellationToken);
            foreach (var line in lines.Items)
            {
                if (++read > RoundPlanning.MaxOpenSet)
                {
                    return;
                }

                if (await relocations.FindAsync(line.Id, cancellationToken) is { Status: RelocationStatus.AwaitingOffers, CurrentRound: { ClosedAt: null, Asked.Count: 0 } })
                {
                    await RaiseAsync(client(), line.Id, new CaseEvent(CaseEventKind.PlanChanged), cancellationToken);
                }
            }

            page = lines.NextPage;
        }
        while (page is not null);
    }

    /// <summary>Raises a recorded step's event; once the engine accepted it, the reconciler need not raise it again soon.</summary>
    private async Task RaiseStepAsync(DurableTaskClient client, string id, CaseEvent caseEvent, CancellationToken cancellationToken)
    {
        await RaiseAsync(client, id, caseEvent, cancellationToken);
        if (caseEvent.Sequence is { } sequence)
        {
            raises?.Raised(StepWorkflows.Relocation, id, sequence);
        }
    }

    private static Task RaiseAsync(DurableTaskClient client, string id, CaseEvent caseEvent, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(RelocationInstance.IdFor(id), RelocationInstance.EventName, caseEvent, cancellationToken);
}
