using Relocation.Domain.Relocations;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// The orchestration's input: the case id and its pseudonym, nothing about the person. Placed is true once the person
/// arrived: the orchestration continued as new to follow the placement (a withdrawal by the receiving State) with a
/// fresh history.
/// </summary>
public sealed record RelocationWorkflowInput(string RelocationId, string Pseudonym, bool Placed = false);

/// <summary>The relocation clock, started at acceptance: reminders to VWU at 50% and 90%, overdue at 100%.</summary>
public sealed record PlacementClock(DateTime AcceptedUtc, DateTime DueUtc)
{
    public static readonly IReadOnlyList<int> Percents = [50, 90, 100];

    /// <summary>The points of the clock in order; the last (100) is the due time itself.</summary>
    public IReadOnlyList<(DateTime At, int Percent)> Points() =>
        DueUtc <= AcceptedUtc ? [(DueUtc, 100)]
        : Percents.Select(p => (p == 100 ? DueUtc : AcceptedUtc + ((DueUtc - AcceptedUtc) * p / 100.0), p)).ToArray();
}

/// <summary>A point of the relocation clock reached.</summary>
public sealed record PlacementPoint(string RelocationId, int Percent);

/// <summary>
/// What happened to a case, raised by the API after it recorded it; ids only. For a response, the API (which has just
/// written the case) says whether every asked State has now declined, so the round can end without another read.
/// For acceptance, arrival and cancellation the event only says "look at the row": the orchestration acts on the steps
/// recorded there (<see cref="Domain.Relocations.CaseStep"/>), in sequence order, never on what the event carries.
/// </summary>
public sealed record CaseEvent(CaseEventKind Kind, string? RequestId = null, bool RoundOver = false, int? Sequence = null);

/// <summary>A step of a case that the orchestration applied.</summary>
public sealed record CaseStepApplied(string RelocationId, int Sequence);

/// <summary>Kinds of <see cref="CaseEvent"/>.</summary>
public enum CaseEventKind
{
    Response = 1,
    Acceptance,
    Arrival,
    Cancellation,
    Consent,
    Withdrawal,
    Review,
    Extension,

    /// <summary>
    /// Something the plan depends on changed elsewhere (new or revised capacity, another case's answer, acceptance,
    /// cancellation or withdrawal, a new request): a round that could ask nobody re-plans; any other state ignores it.
    /// </summary>
    PlanChanged,
}

/// <summary>When the next protection review is due; <see cref="Version"/> changes when an extension moves it.</summary>
public sealed record ReviewClock(DateTime DueUtc, int Version);

/// <summary>Start the review clock; <see cref="Restart"/> after a confirmed extension moved the end date.</summary>
public sealed record ReviewClockRequest(string RelocationId, bool Restart);

/// <summary>A review due time reached without a review.</summary>
public sealed record ReviewDue(string RelocationId, DateTime DueUtc);

/// <summary>A step on one round of a case.</summary>
public sealed record RoundStep(string RelocationId, int Round);

/// <summary>
/// The round as opened: how many States were asked, from when until when, and whether the case still needs rounds.
/// <see cref="OpenedUtc"/> is last and optional so histories written before it replay (no reminders for them).
/// </summary>
/// <see cref="AwaitsConsent"/>: no round was opened, because a Normal or Urgent request waits for the person's consent.
/// <see cref="WaitsForPlan"/>: the round asked nobody and is not sent yet; until its deadline it re-plans on events and now
/// and then (Normal and Urgent only: an Emergency round that can ask nobody ends at once, so the Registrar hears of it
/// within minutes, and its next round plans afresh).
public sealed record RoundOpened(int Round, int Asked, DateTime DeadlineUtc, int MaxRounds, bool Stop, DateTime OpenedUtc = default, bool AwaitsConsent = false, bool WaitsForPlan = false)
{
    /// <summary>The reminder points of the round, in order: 50% and 90% of the response window.</summary>
    public IReadOnlyList<(DateTime At, int Percent)> ReminderPoints()
    {
        if (OpenedUtc == default || DeadlineUtc <= OpenedUtc)
        {
            return [];
        }

        var window = DeadlineUtc - OpenedUtc;
        return RoundReminder.Percents.Select(p => (OpenedUtc + (window * p / 100.0), p)).ToArray();
    }
}

/// <summary>A reminder point of a round.</summary>
public sealed record RoundReminder(string RelocationId, int Round, int Percent)
{
    /// <summary>Where the States that have not answered are reminded.</summary>
    public static readonly IReadOnlyList<int> Percents = [50, 90];

    /// <summary>At this point VWU also hears when the round has no offer.</summary>
    public const int ClosingPercent = 90;
}

/// <summary>An acceptance to carry out.</summary>
public sealed record AcceptanceStep(string RelocationId, string RequestId);

/// <summary>Tell the asked States something about the case.</summary>
public sealed record NotifyStates(string RelocationId, string What);

/// <summary>Names used between the API and the orchestration.</summary>
public static class RelocationInstance
{
    public const string EventName = "CaseEvent";

    /// <summary>The instance id is the relocation id itself.</summary>
    public static string IdFor(string relocationId) => relocationId;
}

/// <summary>The receiving State answered an extension (step <see cref="Sequence"/>).</summary>
public sealed record ExtensionStep(string RelocationId, int Sequence, bool Confirmed);

/// <summary>
/// What an acceptance needs, read from the case once. <see cref="Decided"/> is set when a run before a crash already
/// decided this request (the saga is not run again); <see cref="Refusal"/> when it can be refused before anything is held.
/// </summary>
public sealed record AcceptancePlan(
    bool? Decided,
    string? Refusal,
    string StateCode,
    string CapacityId,
    int Places,
    bool NeedsFundSupport,
    long CostEurMinor)
{
    /// <summary><see cref="Refusal"/> as a code (null in histories written before refusals had codes).</summary>
    public CaseExplanation? RefusalExplanation { get; init; }
}

/// <summary>
/// Places of one capacity row, for one case: held by the saga, released by its compensation. <see cref="RequestId"/>:
/// the acceptance it carries out, so the step can join the request that is carrying it out in this process, or find it
/// done on the rows (null in histories written before the request did the work: the step then just holds).
/// </summary>
public sealed record PlacesStep(string RelocationId, string StateCode, string CapacityId, int Places, string? RequestId = null);

/// <summary>Money committed for one case (<see cref="RequestId"/> as for <see cref="PlacesStep"/>).</summary>
public sealed record FundStep(string RelocationId, long CostEurMinor, string? RequestId = null);

/// <summary>The outcome of one saga step: done, or refused with the reason VWU reads.</summary>
public sealed record SagaStepResult(string? Refusal, string? CommitmentId = null)
{
    /// <summary><see cref="Refusal"/> as a code (null in histories written before refusals had codes).</summary>
    public CaseExplanation? RefusalExplanation { get; init; }

    public static SagaStepResult Refused(AcceptanceRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new(refusal.Reason) { RefusalExplanation = refusal.Explanation };
    }
}

/// <summary>
/// The saga's decision, recorded on the case (accepted when <see cref="Refusal"/> is null), with the number of the
/// acceptance step it applies (marked applied in the same write).
/// </summary>
public sealed record AcceptanceDecision(string RelocationId, string RequestId, string StateCode, string CapacityId, string? CommitmentId, string? Refusal, int? Sequence = null)
{
    /// <summary><see cref="Refusal"/> as a code (null in histories written before refusals had codes).</summary>
    public CaseExplanation? RefusalExplanation { get; init; }
}

/// <summary>The decision as recorded; when accepted, the relocation clock it started.</summary>
public sealed record AcceptanceRecorded(bool Accepted, PlacementClock? Clock);

/// <summary>
/// The oldest step pending on the case, as <see cref="TakeCaseStepActivity"/> took it; for an acceptance, also what
/// carrying it out needs (read from the same row, so planning costs no round trip of its own).
/// </summary>
public sealed record TakenStep(CaseStep Step, AcceptancePlan? Acceptance = null);

/// <summary>Every commitment of a case to release, and the way the case ended (each ending releases under its own keys).</summary>
public sealed record CaseCommitmentsRelease(string RelocationId, Domain.Fund.CaseRelease Ending);

/// <summary>
/// A withdrawal's release: <see cref="WaitUntilUtc"/> null when the withdrawing State's places were freed and the
/// acceptance's commitment released (the withdrawal took effect); otherwise the time it takes effect, nothing released yet.
/// </summary>
public sealed record WithdrawalRelease(DateTime? WaitUntilUtc);
