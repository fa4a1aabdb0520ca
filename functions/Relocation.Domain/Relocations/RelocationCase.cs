using Relocation.Domain.Common;
using Relocation.Domain.Fund;

namespace Relocation.Domain.Relocations;

/// <summary>
/// One urgent relocation request: its rounds of offer requests, the States' answers, VWU's acceptance, arrival or
/// cancellation, and a timeline of every step. Holds no protected details: those are in the encrypted case file.
/// </summary>
public sealed class RelocationCase
{
    public const int MaxNoteLength = 500;

    /// <summary>Timeline entries kept on the case row; older ones move to the case's append-only history.</summary>
    public const int MaxTimelineOnRow = 50;

    private readonly List<RoundRecord> _rounds;
    private readonly List<OfferRecord> _offers;
    private readonly List<TimelineEntry> _timeline;

    private RelocationCase(string id, RelocationFacts facts, CaseState state, IEnumerable<RoundRecord> rounds, IEnumerable<OfferRecord> offers,
        IEnumerable<TimelineEntry> timeline, string? version, long timelineOffset = 0)
    {
        Id = id;
        TimelineOffset = timelineOffset;
        Facts = facts;
        State = state;
        _rounds = rounds.ToList();
        _offers = offers.ToList();
        _timeline = timeline.ToList();
        Version = version;
    }

    public string Id { get; }

    public RelocationFacts Facts { get; }

    /// <summary>The mutable part, as one record so storage keeps it in one place.</summary>
    public CaseState State { get; private set; }

    public RelocationStatus Status => State.Status;

    public IReadOnlyList<RoundRecord> Rounds => _rounds;

    public IReadOnlyList<OfferRecord> Offers => _offers;

    /// <summary>The most recent steps (at most <see cref="MaxTimelineOnRow"/> once stored); older ones are in the history.</summary>
    public IReadOnlyList<TimelineEntry> Timeline => _timeline;

    /// <summary>How many earlier steps were moved to the history: <see cref="Timeline"/>[0] is step number TimelineOffset.</summary>
    public long TimelineOffset { get; }

    public string? Version { get; private set; }

    public RoundRecord? CurrentRound => _rounds.Count == 0 ? null : _rounds[^1];

    public bool IsFinal => Status is RelocationStatus.Relocated or RelocationStatus.Escalated or RelocationStatus.Cancelled
        or RelocationStatus.Withdrawn or RelocationStatus.Ended;

    /// <summary>
    /// A Normal or Urgent request asks no State before the person's consent is recorded (Regulation 96(3)); an Emergency
    /// one is sent at once and waits for consent only at acceptance.
    /// </summary>
    public bool AwaitsConsent => State.ConsentOn is null && Facts.Priority != RelocationPriority.Emergency;

    /// <summary>A new request; <paramref name="consentOn"/> is the date consent was given, when the creation body carried it.</summary>
    public static RelocationCase Submit(string id, RelocationFacts facts, DateTimeOffset now, string byRole, DateOnly? consentOn = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var due = DateOnly.FromDateTime((now + PriorityClock.For(facts.Priority).RelocationDue).UtcDateTime);
        var relocation = new RelocationCase(id, facts, new CaseState(RelocationStatus.Submitted, now, due, null, null, null, null) { ConsentOn = consentOn }, [], [], [], null);
        relocation.Log(now, "Submitted", $"{facts.Priority} request for {facts.Kind}, household of {facts.Household.Size}; relocation due {due:yyyy-MM-dd}.", byRole,
            CaseExplanation.Of(CaseDetailCode.Submitted, ("priority", facts.Priority), ("kind", facts.Kind), ("householdSize", facts.Household.Size), ("dueOn", due)));
        if (consentOn is not null)
        {
            relocation.Log(now, "ConsentRecorded", "The person's consent is recorded in the case file.", byRole, CaseExplanation.Of(CaseDetailCode.ConsentOnSubmit));
        }

        return relocation;
    }

    /// <summary>
    /// The linked request opened when the receiving State withdrew: same facts (the person and household did not
    /// change) at <paramref name="priority"/>, the consent date carried over, and the withdrawing State excluded from
    /// its candidates together with every State excluded before.
    /// </summary>
    public static RelocationCase ReRelocate(string newId, RelocationCase withdrawn, string withdrawingState, RelocationPriority priority, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(withdrawn);
        var relocation = Submit(newId, withdrawn.Facts with { Priority = priority }, now, "system", withdrawn.State.ConsentOn);
        relocation.State = relocation.State with
        {
            LinkedFrom = withdrawn.Id,
            ExcludedStates = [.. (withdrawn.State.ExcludedStates ?? []).Append(withdrawingState).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        };
        relocation.Log(now, "ReRelocation", $"Opened because {withdrawingState} withdrew from relocation {withdrawn.Id}; {withdrawingState} is excluded from the candidates.", "system",
            CaseExplanation.Of(CaseDetailCode.ReRelocation, ("state", withdrawingState), ("from", withdrawn.Id)));
        return relocation;
    }

    /// <summary>
    /// VWU recorded the person's consent (the record itself is in the case file). A request held back for it becomes a
    /// numbered step, so its orchestration opens the first round.
    /// </summary>
    public void RecordConsent(DateOnly givenOn, DateTimeOffset now)
    {
        if (IsFinal)
        {
            throw new ConflictException($"The relocation is {Status}: consent can no longer be recorded.");
        }

        if (givenOn > DateOnly.FromDateTime(now.UtcDateTime) || givenOn < DateOnly.FromDateTime(now.UtcDateTime).AddYears(-2))
        {
            throw new DomainValidationException("givenOn", "'givenOn' must be a date in the last two years, not in the future.");
        }

        var waited = AwaitsConsent;
        State = State with { ConsentOn = givenOn };
        if (waited && Status == RelocationStatus.Submitted)
        {
            AddStep(CaseStepKind.Consent, null, now);
        }

        Log(now, "ConsentRecorded", $"Consent given on {givenOn:yyyy-MM-dd} is recorded in the case file.", "Vwu.Officer", CaseExplanation.Of(CaseDetailCode.ConsentRecorded, ("givenOn", givenOn)));
    }

    /// <summary>The relocation clock starts at acceptance: the due time is set once, by the orchestration.</summary>
    public void StartPlacementClock(DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (State.PlacementDueAt is not null)
        {
            return;
        }

        State = State with { PlacementDueAt = dueAt, RelocationDueOn = DateOnly.FromDateTime(dueAt.UtcDateTime) };
        Log(now, "RelocationClockStarted", $"The person must arrive by {dueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.", "system", CaseExplanation.Of(CaseDetailCode.RelocationClockStarted, ("dueAt", dueAt)));
    }

    /// <summary>Accepted and not arrived by the due time: Overdue (arrival still clears it). False when nothing changed.</summary>
    public bool MarkOverdue(DateTimeOffset now)
    {
        if (Status != RelocationStatus.OfferAccepted)
        {
            return false;
        }

        State = State with { Status = RelocationStatus.Overdue };
        Log(now, "Overdue", $"Not arrived by the relocation due date {State.RelocationDueOn:yyyy-MM-dd}: escalated to the Registry.", "system", CaseExplanation.Of(CaseDetailCode.Overdue, ("dueOn", State.RelocationDueOn)));
        return true;
    }

    /// <summary>
    /// The receiving State withdraws: the case becomes Withdrawn, linked to <paramref name="reRelocationId"/>, and a
    /// numbered step tells the orchestration to release places and commitment. Only the State whose offer was accepted
    /// may withdraw (another is forbidden); twice with the same linked id changes nothing.
    /// </summary>
    public void Withdraw(string stateCode, string reason, DateOnly effectiveOn, string reRelocationId, DateTimeOffset now)
    {
        if (Status == RelocationStatus.Withdrawn && State.ReRelocationId == reRelocationId)
        {
            return;
        }

        if (State.Accepted is not { } accepted || accepted.StateCode != stateCode)
        {
            throw new ForbiddenException($"{stateCode} is not the receiving State of this relocation.");
        }

        if (Status is not (RelocationStatus.OfferAccepted or RelocationStatus.Overdue or RelocationStatus.Relocated))
        {
            throw new ConflictException($"The relocation is {Status}: there is no placement to withdraw from.");
        }

        State = State with { Status = RelocationStatus.Withdrawn, ReRelocationId = reRelocationId, WithdrawnBy = stateCode, WithdrawalEffectiveOn = effectiveOn, WithdrawnAt = now };
        AddStep(CaseStepKind.Withdrawal, null, now);
        Log(now, "Withdrawn", $"{stateCode} withdrew, effective {effectiveOn:yyyy-MM-dd}: {reason}. Re-relocation {reRelocationId} opened.", "State.FocalPoint",
            CaseExplanation.Of(CaseDetailCode.Withdrawn, ("state", stateCode), ("effectiveOn", effectiveOn), ("reason", reason), ("reRelocationId", reRelocationId)));
    }

    /// <summary>
    /// When a withdrawal frees the withdrawing State's places and releases the case's commitments: null when it does so
    /// at once (no withdrawal effective date, or one today or past, in UTC), else the start of <c>effectiveOn</c> (UTC).
    /// The person still lives in the withdrawing State until that day, so its places stay used and the money committed
    /// for the placement stays committed; the re-relocation opens at once all the same, so a new place is found in time.
    /// </summary>
    public DateTimeOffset? WithdrawalReleaseAt(DateTimeOffset now) => WithdrawalReleaseAt(State.WithdrawalEffectiveOn, now);

    /// <inheritdoc cref="WithdrawalReleaseAt(DateTimeOffset)"/>
    public static DateTimeOffset? WithdrawalReleaseAt(DateOnly? effectiveOn, DateTimeOffset now) =>
        effectiveOn is { } on && on > DateOnly.FromDateTime(now.UtcDateTime) ? new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    /// <summary>The review clock (set by the orchestration once the person arrived, and again when an extension is confirmed).</summary>
    public void StartReviewClock(DateTimeOffset dueAt, DateTimeOffset now)
    {
        if (State.ReviewDueAt == dueAt)
        {
            return;
        }

        State = State with { ReviewDueAt = dueAt };
        Log(now, "ReviewDue", $"Protection review due by {dueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC.", "system", CaseExplanation.Of(CaseDetailCode.ReviewDue, ("dueAt", dueAt)));
    }

    /// <summary>
    /// VWU's protection review of a placed person. Extend waits for the receiving State's confirmation; End and
    /// ReRelocate end the protection here (status Ended; ReRelocate names the linked request). Each is a numbered step
    /// the orchestration acts on. The review's note is in the case file, never here.
    /// </summary>
    public void RecordReview(ReviewOutcome outcome, DateOnly reviewedOn, DateOnly? newEndDate, string? reRelocationId, DateTimeOffset now)
    {
        if (Status != RelocationStatus.Relocated)
        {
            throw new ConflictException($"A protection review is recorded for a placed person; the relocation is {Status}.");
        }

        if (State.PendingExtension is not null)
        {
            throw new ConflictException("An extension awaits the receiving State's answer.");
        }

        switch (outcome)
        {
            case ReviewOutcome.Extend:
                if (newEndDate is not { } end || end <= reviewedOn)
                {
                    throw new DomainValidationException("newEndDate", newEndDate is null
                        ? "'newEndDate' is required for Extend: a date after 'reviewedOn'."
                        : "'newEndDate' must be after 'reviewedOn'.");
                }

                State = State with { PendingExtension = end, LastReviewOn = reviewedOn, LastReviewOutcome = outcome };
                Log(now, "ReviewExtend", $"Review of {reviewedOn:yyyy-MM-dd}: extension to {end:yyyy-MM-dd} asked of {State.Accepted!.StateCode}.", "Vwu.Officer",
                    CaseExplanation.Of(CaseDetailCode.ReviewExtend, ("reviewedOn", reviewedOn), ("end", end), ("state", State.Accepted!.StateCode)));
                break;
            case ReviewOutcome.End:
                State = State with { Status = RelocationStatus.Ended, LastReviewOn = reviewedOn, LastReviewOutcome = outcome };
                Log(now, "ReviewEnd", $"Review of {reviewedOn:yyyy-MM-dd}: protection ended.", "Vwu.Officer", CaseExplanation.Of(CaseDetailCode.ReviewEnd, ("reviewedOn", reviewedOn)));
                break;
            case ReviewOutcome.ReRelocate:
                State = State with { Status = RelocationStatus.Ended, LastReviewOn = reviewedOn, LastReviewOutcome = outcome, ReRelocationId = reRelocationId };
                Log(now, "ReviewReRelocate", $"Review of {reviewedOn:yyyy-MM-dd}: the person moves on; re-relocation {reRelocationId} opened.", "Vwu.Officer",
                    CaseExplanation.Of(CaseDetailCode.ReviewReRelocate, ("reviewedOn", reviewedOn), ("reRelocationId", reRelocationId)));
                break;
            default:
                throw new DomainValidationException("outcome", "'outcome' must be Extend, End or ReRelocate.");
        }

        AddStep(CaseStepKind.Review, null, now);
    }

    /// <summary>The receiving State confirms or refuses the extension VWU asked for (another State is forbidden).</summary>
    public void AnswerExtension(string stateCode, ExtensionDecision decision, DateTimeOffset now)
    {
        if (State.Accepted?.StateCode != stateCode)
        {
            throw new ForbiddenException($"{stateCode} is not the receiving State of this relocation.");
        }

        if (Status != RelocationStatus.Relocated || State.PendingExtension is not { } end)
        {
            throw new ConflictException("No extension awaits your State's answer.");
        }

        State = decision == ExtensionDecision.Confirm
            ? State with { PendingExtension = null, ProtectionEndsOn = end }
            : State with { PendingExtension = null };
        AddStep(CaseStepKind.Extension, decision.ToString(), now);
        Log(now, "Extension" + decision, decision == ExtensionDecision.Confirm
            ? $"{stateCode} confirmed the extension to {end:yyyy-MM-dd}."
            : $"{stateCode} refused the extension to {end:yyyy-MM-dd}.", "State.FocalPoint",
            CaseExplanation.Of(decision == ExtensionDecision.Confirm ? CaseDetailCode.ExtensionConfirmed : CaseDetailCode.ExtensionRefused, ("state", stateCode), ("end", end)));
    }

    /// <summary>A travel step: only its status is kept on the row (dates and escort are in the case file).</summary>
    public void RecordTravel(TravelStep step, TravelDocuments? documents, DateTimeOffset now)
    {
        if (Status is not (RelocationStatus.OfferAccepted or RelocationStatus.Overdue))
        {
            throw new ConflictException($"Travel is recorded between acceptance and arrival; the relocation is {Status}.");
        }

        State = State with { Travel = [.. State.Travel ?? [], new TravelStatus(step, documents, now)] };
        Log(now, "Travel" + step, documents is { } d ? $"Travel {step}; documents {d}." : $"Travel {step}.", "Vwu.Officer",
            documents is { } docs ? CaseExplanation.Of(CaseDetailCode.TravelWithDocuments, ("step", step), ("documents", docs)) : CaseExplanation.Of(CaseDetailCode.Travel, ("step", step)));
    }

    public static RelocationCase Rehydrate(string id, RelocationFacts facts, CaseState state, IEnumerable<RoundRecord> rounds, IEnumerable<OfferRecord> offers,
        IEnumerable<TimelineEntry> timeline, string? version, long timelineOffset = 0) => new(id, facts, state, rounds, offers, timeline, version, timelineOffset);

    /// <summary>Opens a round of offer requests; starting the same round again changes nothing.</summary>
    public RoundRecord StartRound(int number, IReadOnlyList<AskedState> asked, DateTimeOffset now, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(asked);
        if (_rounds.FirstOrDefault(r => r.Number == number) is { } existing)
        {
            return existing;
        }

        if (Status is not (RelocationStatus.Submitted or RelocationStatus.AwaitingOffers))
        {
            throw new ConflictException($"A round cannot start while the relocation is {Status}.");
        }

        if (CurrentRound is { ClosedAt: null } open)
        {
            CloseRound(open.Number, now);
        }

        var round = new RoundRecord(number, asked, now, deadline, null);
        _rounds.Add(round);
        State = State with { Status = RelocationStatus.AwaitingOffers };
        Log(now, "RoundStarted", asked.Count == 0
            ? $"Round {number}: no State fits the request."
            : $"Round {number}: offer requests sent to {string.Join(", ", asked.Select(a => a.StateCode))}; answers due {deadline:yyyy-MM-dd HH:mm} UTC.", "system",
            asked.Count == 0
                ? CaseExplanation.Of(CaseDetailCode.RoundNoFit, ("round", number))
                : CaseExplanation.Of(CaseDetailCode.RoundSent, ("round", number), ("states", string.Join(", ", asked.Select(a => a.StateCode))), ("deadline", deadline)));
        return round;
    }

    /// <summary>
    /// Sends a round that asked nobody when it opened (no State could be asked then) to the States a re-plan found: the
    /// round's clock starts now. A round that already asked someone is never changed (a round sent is never withdrawn or
    /// widened behind a State's back); sending again changes nothing.
    /// </summary>
    public RoundRecord SendRound(int number, IReadOnlyList<AskedState> asked, DateTimeOffset now, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var index = _rounds.FindIndex(r => r.Number == number);
        if (index < 0 || _rounds[index].Asked.Count > 0 || _rounds[index].ClosedAt is not null || asked.Count == 0 || Status is not RelocationStatus.AwaitingOffers)
        {
            return index < 0 ? throw new ConflictException($"Round {number} has not started.") : _rounds[index];
        }

        var round = _rounds[index] with { Asked = asked, StartedAt = now, Deadline = deadline };
        _rounds[index] = round;
        Log(now, "RoundStarted", $"Round {number} re-planned: offer requests sent to {string.Join(", ", asked.Select(a => a.StateCode))}; answers due {deadline:yyyy-MM-dd HH:mm} UTC.", "system",
            CaseExplanation.Of(CaseDetailCode.RoundReplanned, ("round", number), ("states", string.Join(", ", asked.Select(a => a.StateCode))), ("deadline", deadline)));
        return round;
    }

    public void CloseRound(int number, DateTimeOffset now)
    {
        var index = _rounds.FindIndex(r => r.Number == number);
        if (index < 0 || _rounds[index].ClosedAt is not null)
        {
            return;
        }

        _rounds[index] = _rounds[index] with { ClosedAt = now };
        Log(now, "RoundClosed", $"Round {number} closed.", "system", CaseExplanation.Of(CaseDetailCode.RoundClosed, ("round", number)));
    }

    /// <summary>
    /// Records a State's answer. A State not asked in the open round is forbidden. The round closed, the request no longer
    /// waiting, or an answer already given is a conflict. A refusal changes nothing on the case (a State could repeat it without
    /// end): it is answered, audited and counted by the caller.
    /// </summary>
    public OfferRecord RecordResponse(string stateCode, ResponseCommand input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var (note, costMinor) = input.Check(errors);
        errors.ThrowIfAny();
        var round = CurrentRound;
        var askedEver = _rounds.Any(r => r.Asked.Any(a => a.StateCode == stateCode));
        string? refusal = null;
        var forbidden = false;
        if (!askedEver)
        {
            refusal = $"{stateCode} was not asked for an offer on this relocation.";
            forbidden = true;
        }
        else if (Status != RelocationStatus.AwaitingOffers)
        {
            refusal = $"The relocation is {Status}: answers are no longer taken.";
        }
        else if (round is null || round.ClosedAt is not null || round.Asked.All(a => a.StateCode != stateCode))
        {
            refusal = $"The round in which {stateCode} was asked has closed.";
        }
        else if (_offers.Any(o => o.StateCode == stateCode && o.Round == round.Number))
        {
            refusal = $"{stateCode} has already answered in round {round.Number}.";
        }

        if (refusal is not null)
        {
            throw forbidden ? new ForbiddenException(refusal) : new ConflictException(refusal);
        }

        var offer = new OfferRecord(stateCode, round!.Number, input.Decision!.Value, input.Places, input.AvailableFrom, costMinor, note.Length == 0 ? null : note, now);
        _offers.Add(offer);
        Log(now, input.Decision == OfferDecision.Offer ? "OfferReceived" : "DeclineReceived", $"{stateCode} answered {input.Decision} in round {round.Number}.", "State.FocalPoint",
            CaseExplanation.Of(CaseDetailCode.Answered, ("state", stateCode), ("decision", input.Decision), ("round", round.Number)));
        return offer;
    }

    /// <summary>True when every State asked in the round has answered and none offered: the round need not wait for its deadline.</summary>
    public bool AllDeclined(int round)
    {
        var r = _rounds.FirstOrDefault(x => x.Number == round);
        return r is not null && r.Asked.Count > 0
            && r.Asked.All(a => _offers.Any(o => o.Round == round && o.StateCode == a.StateCode && o.Decision == OfferDecision.Decline));
    }

    /// <summary>
    /// VWU asks to accept a State's offer. Only one acceptance is processed at a time; the orchestration holds places and
    /// commits money, then records the outcome under <paramref name="requestId"/>.
    /// </summary>
    public void RequestAcceptance(string stateCode, string requestId, DateTimeOffset now)
    {
        if (Status != RelocationStatus.AwaitingOffers)
        {
            throw new ConflictException($"The relocation is {Status}: no offer can be accepted now.").WithCode<ConflictException>(ProblemCode.NotAcceptingOffers, ("status", Status));
        }

        if (State.ConsentOn is null)
        {
            throw new ConflictException("The person's consent must be recorded before an offer is accepted.").WithCode<ConflictException>(ProblemCode.ConsentRequired);
        }

        if (!_offers.Any(o => o.StateCode == stateCode && o.Decision == OfferDecision.Offer))
        {
            throw new ConflictException($"{stateCode} has not offered a place for this relocation.").WithCode<ConflictException>(ProblemCode.NoOfferFrom, ("state", stateCode));
        }

        if (State.PendingAcceptance is { } pending && pending.RequestId != requestId)
        {
            throw new ConflictException($"An acceptance of {pending.StateCode}'s offer is being processed; wait for its outcome.")
                .WithCode<ConflictException>(ProblemCode.AcceptancePending, ("state", pending.StateCode));
        }

        State = State with { PendingAcceptance = new PendingAcceptance(stateCode, requestId, now) };
        if (!PendingSteps.Any(s => s.Kind == CaseStepKind.Acceptance && s.RequestId == requestId))
        {
            AddStep(CaseStepKind.Acceptance, requestId, now);
        }

        Log(now, "AcceptanceRequested", $"VWU accepts {stateCode}'s offer.", "Vwu.Officer", CaseExplanation.Of(CaseDetailCode.AcceptanceRequested, ("state", stateCode)));
    }

    /// <summary>Places held and money committed: the offer is accepted.</summary>
    public void CompleteAcceptance(string requestId, string capacityId, string? commitmentId, DateTimeOffset now)
    {
        if (State.LastOutcome?.RequestId == requestId)
        {
            return;
        }

        var pending = State.PendingAcceptance ?? throw new ConflictException("No acceptance is being processed.");
        State = State with
        {
            Status = RelocationStatus.OfferAccepted,
            PendingAcceptance = null,
            Accepted = new AcceptedOffer(pending.StateCode, capacityId, commitmentId, now),
            LastOutcome = new AcceptanceOutcome(requestId, true, null, pending.StateCode),
        };
        if (CurrentRound is { ClosedAt: null } open)
        {
            CloseRound(open.Number, now);
        }

        Log(now, "OfferAccepted", $"{pending.StateCode}'s offer accepted; {Facts.Household.Size} place(s) held" + (commitmentId is null ? "." : "; cost committed on the Special Fund."), "system",
            CaseExplanation.Of(commitmentId is null ? CaseDetailCode.OfferAccepted : CaseDetailCode.OfferAcceptedCommitted, ("state", pending.StateCode), ("places", Facts.Household.Size)));
    }

    /// <summary>The acceptance could not be carried out (no places, not enough money): the request keeps waiting.</summary>
    public void RefuseAcceptance(string requestId, AcceptanceRefusal refusal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        RefuseAcceptance(requestId, refusal.Reason, now, refusal.Explanation);
    }

    /// <summary>
    /// As above, from a reason an orchestration carried: <paramref name="explanation"/> is null when it was written before
    /// refusals had codes (its history holds the English reason only), and a client then shows the English reason.
    /// </summary>
    public void RefuseAcceptance(string requestId, string reason, DateTimeOffset now, CaseExplanation? explanation = null)
    {
        if (State.LastOutcome?.RequestId == requestId)
        {
            return;
        }

        State = State with
        {
            PendingAcceptance = null,
            LastOutcome = new AcceptanceOutcome(requestId, false, reason, State.PendingAcceptance?.StateCode) { Explanation = explanation },
        };
        Log(now, "AcceptanceRefused", reason, "system", explanation);
    }

    public void Arrive(DateOnly arrivedOn, DateTimeOffset now)
    {
        if (Status is not (RelocationStatus.OfferAccepted or RelocationStatus.Overdue))
        {
            throw new ConflictException($"Arrival can be recorded only after an offer is accepted; the relocation is {Status}.");
        }

        if (arrivedOn > DateOnly.FromDateTime(now.UtcDateTime) || arrivedOn < DateOnly.FromDateTime(State.SubmittedAt.UtcDateTime))
        {
            throw new DomainValidationException("arrivedOn", "'arrivedOn' must be between the relocation's submission and today.");
        }

        State = State with { Status = RelocationStatus.Relocated, ArrivedOn = arrivedOn };
        AddStep(CaseStepKind.Arrival, null, now);
        Log(now, "Arrived", $"Arrived in {State.Accepted!.StateCode} on {arrivedOn:yyyy-MM-dd}.", "Vwu.Officer",
            CaseExplanation.Of(CaseDetailCode.Arrived, ("state", State.Accepted!.StateCode), ("arrivedOn", arrivedOn)));
    }

    /// <summary>
    /// Whether Finance may still commit money to the case by hand (a commitment posting naming it): only while a path
    /// of the workflow still releases every commitment of the case (a cancellation, a withdrawal, a review ending the
    /// protection). Once the case is Cancelled, Withdrawn or Ended that release has run or is scheduled, so a later
    /// commitment would stay committed for ever. Escalated and Relocated cases can still be cancelled, withdrawn or ended.
    /// </summary>
    /// <remarks>Exactly the statuses with an ending that releases commitments (<see cref="Fund.CaseCommitments.EndingOf"/>), so a
    /// commitment refused because its case closed always has a key to be released under.</remarks>
    public bool TakesCommitments => Fund.CaseCommitments.EndingOf(Status) is null;

    /// <summary>Refuses a commitment for a case that no longer takes one (a conflict, code <see cref="ProblemCode.CaseClosedToCommitments"/>).</summary>
    public void EnsureTakesCommitments()
    {
        if (!TakesCommitments)
        {
            throw new ConflictException($"The relocation is {Status}: nothing more can be committed to it.").WithCode<ConflictException>(ProblemCode.CaseClosedToCommitments, ("status", Status));
        }
    }

    public void Cancel(string reason, DateTimeOffset now)
    {
        if (Status is RelocationStatus.Relocated or RelocationStatus.Cancelled or RelocationStatus.Withdrawn or RelocationStatus.Ended)
        {
            throw new ConflictException($"The relocation is {Status}; it cannot be cancelled.").WithCode<ConflictException>(ProblemCode.CannotCancel, ("status", Status));
        }

        if (State.PendingAcceptance is { } pending)
        {
            RefuseAcceptance(pending.RequestId, AcceptanceRefusal.Cancelled, now);
        }

        var escalated = Status == RelocationStatus.Escalated;
        State = State with { Status = RelocationStatus.Cancelled };
        if (!escalated)
        {
            // An escalated case's orchestration has ended and holds nothing: there is nothing to apply.
            AddStep(CaseStepKind.Cancellation, null, now);
        }

        if (CurrentRound is { ClosedAt: null } open)
        {
            CloseRound(open.Number, now);
        }

        Log(now, "Cancelled", reason, "Vwu.Officer", CaseExplanation.Of(CaseDetailCode.Cancelled, ("reason", reason)));
    }

    /// <summary>Steps callers recorded that the orchestration has not applied yet, in order.</summary>
    public IReadOnlyList<CaseStep> PendingSteps => State.Steps ?? [];

    /// <summary>
    /// Cancelled before any round opened: no State was asked, so no offer was made or accepted, no place held and no money
    /// committed. Its pending steps (the cancellation, a consent before it) have nothing left to do, so whoever finds
    /// the case with no orchestration to apply them (one never started: its request died before scheduling it) may mark
    /// them applied (<see cref="CompleteStep"/>, idempotent); an orchestration started later finds the case cancelled
    /// and ends.
    /// </summary>
    public bool CancelledBeforeAnyRound => Status == RelocationStatus.Cancelled && _rounds.Count == 0 && State.Accepted is null;

    /// <summary>The step recorded last by the change just made (what the API raises).</summary>
    public CaseStep? LastStep => PendingSteps.Count == 0 ? null : PendingSteps[^1];

    /// <summary>The orchestration applied step <paramref name="sequence"/>: it leaves the pending list; doing it twice changes nothing.</summary>
    public bool CompleteStep(int sequence)
    {
        if (PendingSteps.All(s => s.Sequence != sequence))
        {
            return false;
        }

        State = State with { Steps = PendingSteps.Where(s => s.Sequence != sequence).ToArray(), StepsApplied = Math.Max(State.StepsApplied, sequence) };
        return true;
    }

    private void AddStep(CaseStepKind kind, string? requestId, DateTimeOffset now)
    {
        var step = new CaseStep(State.NextStep, kind, requestId, now);
        State = State with { Steps = [.. PendingSteps, step], NextStep = State.NextStep + 1 };
    }

    public void Escalate(DateTimeOffset now)
    {
        if (Status != RelocationStatus.AwaitingOffers && Status != RelocationStatus.Submitted)
        {
            return;
        }

        if (State.PendingAcceptance is { } pending)
        {
            // The acceptance raced the last deadline and lost: its caller gets a clear refusal instead of waiting.
            RefuseAcceptance(pending.RequestId, AcceptanceRefusal.Escalated, now);
        }

        State = State with { Status = RelocationStatus.Escalated };
        Log(now, "Escalated", "No offer accepted after the last round: escalated to the Registrar.", "system", CaseExplanation.Of(CaseDetailCode.Escalated));
    }

    public void Note(DateTimeOffset now, string what, string detail, CaseExplanation? explanation = null) => Log(now, what, detail, "system", explanation);

    // Every entry the case writes names its detail's code beside the English text (null only for a refusal an older
    // orchestration history carried without one), so a client can word it in its own language.
    private void Log(DateTimeOffset at, string what, string detail, string role, CaseExplanation? explanation) =>
        _timeline.Add(new TimelineEntry(at, what, detail, role) { Explanation = explanation });
}

/// <summary>The parts of a case that change, kept together.</summary>
public sealed record CaseState(
    RelocationStatus Status,
    DateTimeOffset SubmittedAt,
    DateOnly RelocationDueOn,
    PendingAcceptance? PendingAcceptance,
    AcceptanceOutcome? LastOutcome,
    AcceptedOffer? Accepted,
    DateOnly? ArrivedOn,
    IReadOnlyList<CaseStep>? Steps = null,
    int NextStep = 1,
    int StepsApplied = 0)
{
    /// <summary>When the person consented (the record itself is in the case file); null until recorded.</summary>
    public DateOnly? ConsentOn { get; init; }

    /// <summary>When the person must have arrived, set at acceptance (7/42/365 days by priority).</summary>
    public DateTimeOffset? PlacementDueAt { get; init; }

    /// <summary>States never asked on this relocation (a State that withdrew from an earlier one).</summary>
    public IReadOnlyList<string>? ExcludedStates { get; init; }

    /// <summary>The withdrawn request this one re-relocates.</summary>
    public string? LinkedFrom { get; init; }

    /// <summary>The request opened when the receiving State withdrew from this one.</summary>
    public string? ReRelocationId { get; init; }

    public string? WithdrawnBy { get; init; }

    public DateOnly? WithdrawalEffectiveOn { get; init; }

    /// <summary>When the withdrawal was recorded (null on rows written before it was kept).</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }

    /// <summary>When the next protection review is due (a temporary relocation, after arrival).</summary>
    public DateTimeOffset? ReviewDueAt { get; init; }

    /// <summary>The end date VWU asked the receiving State to confirm.</summary>
    public DateOnly? PendingExtension { get; init; }

    /// <summary>The end of protection the receiving State confirmed.</summary>
    public DateOnly? ProtectionEndsOn { get; init; }

    public DateOnly? LastReviewOn { get; init; }

    public ReviewOutcome? LastReviewOutcome { get; init; }

    /// <summary>Travel step statuses only; dates, places and escort are in the case file.</summary>
    public IReadOnlyList<TravelStatus>? Travel { get; init; }
}

/// <summary>A travel step's status on the case row.</summary>
public sealed record TravelStatus(TravelStep Step, TravelDocuments? Documents, DateTimeOffset At);

/// <summary>What a caller said that the orchestration must act on, numbered on the case row.</summary>
public enum CaseStepKind
{
    Acceptance = 2,
    Arrival,
    Cancellation,
    Consent,
    Withdrawal,
    Review,
    Extension,
}

/// <summary>A step recorded on the case row and not yet applied by its orchestration; applied once, in sequence order.</summary>
public sealed record CaseStep(int Sequence, CaseStepKind Kind, string? RequestId, DateTimeOffset At);

/// <summary>A round of offer requests.</summary>
public sealed record RoundRecord(int Number, IReadOnlyList<AskedState> Asked, DateTimeOffset StartedAt, DateTimeOffset Deadline, DateTimeOffset? ClosedAt);

/// <summary>A State asked in a round, with the capacity that made it a candidate.</summary>
public sealed record AskedState(string StateCode, string CapacityId, bool NeedsFundSupport, int Score);

/// <summary>A State's answer.</summary>
public sealed record OfferRecord(string StateCode, int Round, OfferDecision Decision, int? Places, DateOnly? AvailableFrom, long? EstimatedCostEurMinor, string? Note, DateTimeOffset At);

/// <summary>An acceptance being carried out.</summary>
public sealed record PendingAcceptance(string StateCode, string RequestId, DateTimeOffset At);

/// <summary>
/// How the last acceptance ended, so whoever asked for it learns the outcome (and the reason for a refusal), and whose
/// offer it was: the orchestration's saga, finding a decision the request already made, needs the place to undo.
/// </summary>
public sealed record AcceptanceOutcome(string RequestId, bool Accepted, string? Reason, string? StateCode = null)
{
    /// <summary>The refusal's reason as a code with arguments (null when accepted, or refused before refusals had codes).</summary>
    public CaseExplanation? Explanation { get; init; }
}

/// <summary>The accepted offer: where places are held and what is committed.</summary>
public sealed record AcceptedOffer(string StateCode, string CapacityId, string? CommitmentId, DateTimeOffset At);

/// <summary>One step of the case, for VWU: never protected details.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string What, string Detail, string By)
{
    /// <summary><see cref="Detail"/> as a code with arguments, for a client to word in its language (null on entries written before codes).</summary>
    public CaseExplanation? Explanation { get; init; }
}

/// <summary>A State's answer to an offer request, unchecked.</summary>
public sealed record ResponseCommand(string? StateCode, OfferDecision? Decision, int? Places, DateOnly? AvailableFrom, MoneyFields? EstimatedCost, string? Note)
{
    /// <summary>
    /// Checks the answer's own fields (not <see cref="StateCode"/>, which the caller checks against the caller's State)
    /// into <paramref name="errors"/>: the trimmed note and the cost in euro cents.
    /// </summary>
    public (string Note, long? CostMinor) Check(FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Decision is not { } decision || !Enum.IsDefined(decision))
        {
            errors.Add("decision", "'decision' must be Offer or Decline.");
        }

        var note = errors.Text("note", Note, RelocationCase.MaxNoteLength, required: false);
        long? costMinor = null;
        if (Decision == OfferDecision.Offer)
        {
            if (Places is { } places && (places < 1 || places > 10_000))
            {
                errors.Add("places", "'places' must be from 1 to 10000.");
            }

            if (EstimatedCost is { } cost)
            {
                if (cost.Currency != "EUR")
                {
                    errors.Add("estimatedCost.currency", "The Special Fund is kept in euros: give 'estimatedCost' in EUR.");
                }

                if (cost.Value is not ({ } amount and > 0 and <= 100_000_000m) || decimal.Round(amount, 2) != amount)
                {
                    errors.Add("estimatedCost.value", "'estimatedCost.value' must be positive, at most 100000000, with at most 2 decimals.");
                }
                else
                {
                    costMinor = (long)(amount * 100);
                }
            }
        }

        return (note, costMinor);
    }
}

