using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Api.Features.Relocations;

/// <summary>A case as VWU sees it outside the case file.</summary>
public sealed record RelocationDto(
    string Id,
    string CaseReference,
    string Pseudonym,
    RelocationKind Kind,
    RelocationPriority Priority,
    HouseholdDto Household,
    NeedsDto Needs,
    RelocationStatus Status,
    int Round,
    DateTimeOffset? ResponsesDueAt,
    DateOnly RelocationDueOn,
    IReadOnlyList<RoundDto> Rounds,
    IReadOnlyList<OfferDto> Offers,
    AcceptedDto? Accepted,
    DateOnly? ArrivedOn,
    AcceptanceDto? LastAcceptance,
    IReadOnlyList<TimelineEntryDto> Timeline,
    long EarlierSteps)
{
    /// <summary>Only that consent exists and its date: the record is in the case file.</summary>
    public bool ConsentRecorded => ConsentOn is not null;

    public DateOnly? ConsentOn { get; init; }

    /// <summary>When the person must have arrived (set at acceptance).</summary>
    public DateTimeOffset? RelocationDueAt { get; init; }

    /// <summary>Travel step statuses; dates and escort are in the case file.</summary>
    public IReadOnlyList<TravelStatusDto> Travel { get; init; } = [];

    /// <summary>The withdrawn relocation this one re-relocates.</summary>
    public string? LinkedFrom { get; init; }

    /// <summary>The re-relocation opened when the receiving State withdrew.</summary>
    public string? ReRelocationId { get; init; }

    /// <summary>When the next protection review is due (temporary relocations, after arrival).</summary>
    public DateTimeOffset? ReviewDueAt { get; init; }

    /// <summary>The end date asked of the receiving State and not answered yet.</summary>
    public DateOnly? PendingExtension { get; init; }

    /// <summary>The end of protection the receiving State confirmed.</summary>
    public DateOnly? ProtectionEndsOn { get; init; }

    public ReviewOutcome? LastReviewOutcome { get; init; }

    /// <summary>States never asked on this relocation (one that withdrew from an earlier relocation).</summary>
    public IReadOnlyList<string> ExcludedStates { get; init; } = [];

    public static RelocationDto From(RelocationCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var current = c.CurrentRound;
        return new(c.Id, c.Facts.CaseReference, c.Facts.Pseudonym, c.Facts.Kind, c.Facts.Priority, HouseholdDto.From(c.Facts.Household), NeedsDto.From(c.Facts.Needs), c.Status,
            current?.Number ?? 0, current is { ClosedAt: null } ? current.Deadline : null, c.State.RelocationDueOn,
            c.Rounds.Select(r => new RoundDto(r.Number, r.Asked.Select(a => a.StateCode).ToArray(), r.StartedAt, r.Deadline, r.ClosedAt)).ToArray(),
            c.Offers.Select(o => new OfferDto(o.StateCode, o.Round, o.Decision, o.Places, o.AvailableFrom, o.EstimatedCostEurMinor / 100m, o.Note, o.At)).ToArray(),
            c.State.Accepted is { } a ? new AcceptedDto(a.StateCode, a.CommitmentId is not null, a.At) : null,
            c.State.ArrivedOn,
            c.State.PendingAcceptance is { } p ? new AcceptanceDto(p.StateCode, "Processing", null)
                : c.State.LastOutcome is { } o ? new AcceptanceDto(null, o.Accepted ? "Accepted" : "Refused", o.Reason) { Explanation = ExplanationDto.From(o.Explanation) } : null,
            c.Timeline.Select(TimelineEntryDto.From).ToArray(),
            c.TimelineOffset)
        {
            ConsentOn = c.State.ConsentOn,
            RelocationDueAt = c.State.PlacementDueAt,
            Travel = (c.State.Travel ?? []).Select(TravelStatusDto.From).ToArray(),
            LinkedFrom = c.State.LinkedFrom,
            ReRelocationId = c.State.ReRelocationId,
            ExcludedStates = c.State.ExcludedStates ?? [],
            ReviewDueAt = c.State.ReviewDueAt,
            PendingExtension = c.State.PendingExtension,
            ProtectionEndsOn = c.State.ProtectionEndsOn,
            LastReviewOutcome = c.State.LastReviewOutcome,
        };
    }
}

/// <summary>A round of offer requests.</summary>
public sealed record RoundDto(int Number, IReadOnlyList<string> AskedStates, DateTimeOffset StartedAt, DateTimeOffset Deadline, DateTimeOffset? ClosedAt);

/// <summary>A State's answer.</summary>
public sealed record OfferDto(string StateCode, int Round, OfferDecision Decision, int? Places, DateOnly? AvailableFrom, decimal? EstimatedCostEur, string? Note, DateTimeOffset At);

/// <summary>Where VWU's latest acceptance stands: Processing, Accepted, or Refused with the reason.</summary>
public sealed record AcceptanceDto(string? StateCode, string Outcome, string? Reason)
{
    /// <summary>A refusal's <c>Reason</c> as a code with arguments (<c>RefusedCannotHold</c>, …); absent when accepted or refused before refusals had codes.</summary>
    public ExplanationDto? Explanation { get; init; }
}

/// <summary>The accepted offer.</summary>
public sealed record AcceptedDto(string StateCode, bool FundCommitted, DateTimeOffset At);

/// <summary>What a State's focal point sees of a request addressed to it: only what it needs to decide.</summary>
public sealed record OfferRequestDto(
    string RelocationId,
    string Pseudonym,
    RelocationKind Kind,
    RelocationPriority Priority,
    int HouseholdSize,
    bool MedicalCare,
    IReadOnlyList<string> Languages,
    int Round,
    DateTimeOffset ResponseDueAt)
{
    public static OfferRequestDto From(OfferRequestLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new OfferRequestDto(line.RelocationId, line.Pseudonym, line.Kind, line.Priority, line.HouseholdSize, line.MedicalCare, line.Languages,
            line.Round, line.Deadline);
    }
}

/// <summary>The case file as VWU reads it.</summary>
public sealed record CaseFileDto(string RelocationId, string Pseudonym, string FullName, DateOnly DateOfBirth, string CurrentLocation, string Contact)
{
    public ConsentRecordDto? Consent { get; init; }

    public IReadOnlyList<TravelRecordDto> Travel { get; init; } = [];

    public IReadOnlyList<ReviewRecordDto> Reviews { get; init; } = [];

    /// <summary>The withdrawn request this file was re-bound from.</summary>
    public string? ReboundFrom { get; init; }
}

/// <summary>The answer to raising a request: its id, status and where to follow it.</summary>
public sealed record RelocationAcceptedDto(string Id, RelocationStatus Status, string StatusUrl);

/// <summary>One page of VWU's caseload.</summary>
public sealed record CaseloadPageDto(IReadOnlyList<CaseloadItemDto> Items, string? NextPage);

/// <summary>One line of the caseload: no protected details.</summary>
public sealed record CaseloadItemDto(string Id, string Pseudonym, RelocationKind Kind, RelocationPriority Priority, RelocationStatus Status, int Round, DateTimeOffset? Deadline, string? StateCode);

/// <summary>One page of a case's timeline, newest first.</summary>
public sealed record TimelinePageDto(IReadOnlyList<TimelineItemDto> Items, string? NextPage);

/// <summary>One step of a case's timeline, numbered from the first.</summary>
public sealed record TimelineItemDto(long Number, DateTimeOffset At, string What, string Detail, string By)
{
    /// <summary><c>Detail</c> as a code with arguments (absent on steps written before codes).</summary>
    public ExplanationDto? Explanation { get; init; }

    public static TimelineItemDto From(NumberedTimelineEntry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Number, item.Entry.At, item.Entry.What, item.Entry.Detail, item.Entry.By) { Explanation = ExplanationDto.From(item.Entry.Explanation) };
    }
}

/// <summary>A candidate State, ranked now, with the reasons of its score; <c>Planned</c>/<c>Plan</c>: matching v2's plan of the open set for it.</summary>
public sealed record CandidateDto(int Rank, string StateCode, int Score, bool HasAgreement, bool Asked, IReadOnlyList<string> Reasons, bool Planned, string Plan)
{
    /// <summary><c>Reasons</c> as codes with arguments, same order and count, for a client to word in its own language.</summary>
    public IReadOnlyList<ExplanationDto> Explanations { get; init; } = [];

    /// <summary>Why the State stands at its rank: <c>Receiving</c>, <c>Asked</c> (the latest round), <c>Planned</c> (not asked yet) or <c>Ranked</c>.</summary>
    public CandidateStanding Standing { get; init; } = CandidateStanding.Ranked;

    /// <summary>The latest round that asked this State; null when it was never asked.</summary>
    public int? AskedInRound { get; init; }
}

/// <summary>
/// One reason as a code (<c>SameRegion</c>, <c>PlanPlanned</c>, …; a client shows the English reason for a code it does
/// not know) and its arguments as invariant text (<c>region</c>: <c>WEOG</c>).
/// </summary>
public sealed record ExplanationDto(string Code, IReadOnlyDictionary<string, string> Args)
{
    public static ExplanationDto From(CandidateReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new(reason.Code.ToString(), reason.Args ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    /// <summary>A timeline detail's or a refusal's code (a <c>CaseDetailCode</c>); null stays null (written before codes).</summary>
    public static ExplanationDto? From(CaseExplanation? explanation) =>
        explanation is null ? null : new(explanation.Code, explanation.Args ?? new Dictionary<string, string>(StringComparer.Ordinal));
}

/// <summary>A State's answer as recorded.</summary>
public sealed record ResponseRecordedDto(string RelocationId, string StateCode, OfferDecision Decision, int Round, DateTimeOffset At);

/// <summary>A case that moved on: its id and the linked request opened for the same person.</summary>
public sealed record LinkedRelocationDto(string Id, string ReRelocationId, string StatusUrl);

/// <summary>The receiving State's answer to an extension, as recorded.</summary>
public sealed record ExtensionAnswerDto(string RelocationId, string StateCode, ExtensionDecision Decision, DateOnly? ProtectionEndsOn);

// The domain's values as the contract shows them: the wire keeps its shape if the domain's records change.

public sealed record HouseholdDto(int Adults, int Children, int Size)
{
    public static HouseholdDto From(Household h) => new(h.Adults, h.Children, h.Size);
}

public sealed record NeedsDto(IReadOnlyList<string> Languages, bool MedicalCare)
{
    public static NeedsDto From(Needs n) => new(n.Languages, n.MedicalCare);
}

/// <summary>One step of the relocation's timeline (never protected details).</summary>
public sealed record TimelineEntryDto(DateTimeOffset At, string What, string Detail, string By)
{
    /// <summary><c>Detail</c> as a code with arguments (a <c>CaseDetailCode</c>), for a client to word in its language; absent on steps written before codes.</summary>
    public ExplanationDto? Explanation { get; init; }

    public static TimelineEntryDto From(TimelineEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.At, e.What, e.Detail, e.By) { Explanation = ExplanationDto.From(e.Explanation) };
    }
}

/// <summary>A travel step's status; its dates and escort are in the case file.</summary>
public sealed record TravelStatusDto(TravelStep Step, TravelDocuments? Documents, DateTimeOffset At)
{
    public static TravelStatusDto From(TravelStatus t) => new(t.Step, t.Documents, t.At);
}

public sealed record ConsentRecordDto(DateOnly GivenOn, string RecordedBy, string Scope)
{
    public static ConsentRecordDto From(ConsentRecord c) => new(c.GivenOn, c.RecordedBy, c.Scope);
}

public sealed record TravelRecordDto(TravelStep Step, DateOnly? PlannedOn, bool? Escort, TravelDocuments? Documents, DateTimeOffset RecordedAt)
{
    public static TravelRecordDto From(TravelRecord t) => new(t.Step, t.PlannedOn, t.Escort, t.Documents, t.RecordedAt);
}

public sealed record ReviewRecordDto(ReviewOutcome Outcome, DateOnly ReviewedOn, DateOnly? NewEndDate, string? Note, DateTimeOffset RecordedAt)
{
    public static ReviewRecordDto From(ReviewRecord r) => new(r.Outcome, r.ReviewedOn, r.NewEndDate, r.Note, r.RecordedAt);
}
