using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;

namespace Relocation.Web.Services;

// What the console reads from the API. Enums and the rules it checks a form with before sending come from
// Relocation.Domain, the same ones the API applies; these views mirror the API's answers, and the pages write request
// bodies out field by field (the API's wire types live in a server assembly the browser cannot load).

public sealed record CaseloadView(IReadOnlyList<CaseloadItem> Items, string? NextPage);

public sealed record CaseloadItem(string Id, string Pseudonym, RelocationKind Kind, RelocationPriority Priority, RelocationStatus Status, int Round, DateTimeOffset? Deadline, string? StateCode);

public sealed record Created(string Id, string? Status, string? StatusUrl);

public sealed record CaseView(
    string Id,
    string CaseReference,
    string Pseudonym,
    RelocationKind Kind,
    RelocationPriority Priority,
    Household Household,
    RelocationStatus Status,
    int Round,
    DateTimeOffset? ResponsesDueAt,
    DateOnly RelocationDueOn,
    IReadOnlyList<RoundView> Rounds,
    IReadOnlyList<OfferView> Offers,
    AcceptedView? Accepted,
    DateOnly? ArrivedOn,
    AcceptanceView? LastAcceptance,
    IReadOnlyList<TimelineEntry> Timeline,
    bool ConsentRecorded = false,
    DateOnly? ConsentOn = null);

public sealed record RoundView(int Number, IReadOnlyList<string> AskedStates, DateTimeOffset StartedAt, DateTimeOffset Deadline, DateTimeOffset? ClosedAt);

public sealed record OfferView(string StateCode, int Round, OfferDecision Decision, int? Places, DateOnly? AvailableFrom, decimal? EstimatedCostEur, string? Note, DateTimeOffset At);

/// <summary>The latest acceptance; <see cref="Explanation"/>: a refusal's reason as the server's code (none from an older server).</summary>
public sealed record AcceptanceView(string? StateCode, string Outcome, string? Reason, ExplanationView? Explanation = null);

public sealed record AcceptedView(string StateCode, bool FundCommitted, DateTimeOffset At);

public sealed record CandidateView(int Rank, string StateCode, int Score, bool HasAgreement, bool Asked, IReadOnlyList<string> Reasons, IReadOnlyList<ExplanationView>? Explanations = null,
    string? Standing = null);

/// <summary>A candidate's reason as the server's code and arguments (same order as the English reasons; none from an older server).</summary>
public sealed record ExplanationView(string Code, IReadOnlyDictionary<string, string>? Args = null);

public sealed record CaseFileView(string RelocationId, string Pseudonym, string FullName, DateOnly DateOfBirth, string CurrentLocation, string Contact);

public sealed record OfferRequestView(string RelocationId, string Pseudonym, RelocationKind Kind, RelocationPriority Priority, int HouseholdSize, bool MedicalCare,
    IReadOnlyList<string> Languages, int Round, DateTimeOffset ResponseDueAt);

public sealed record CapacityView(string Id, string StateCode, IReadOnlyList<RelocationKind> Kinds, int Places, int Held, int Used, int Free, int MaxHouseholdSize,
    IReadOnlyList<string> Languages, bool MedicalCare, DateOnly AvailableFrom, DateOnly AvailableUntil, bool NeedsFundSupport, DateTimeOffset RegisteredAt,
    DateTimeOffset ConfirmedAt, bool Stale, string? Version);

public sealed record BalanceView(DateOnly? AsOf, decimal Cash, decimal Committed, decimal Available, decimal PledgedOutstanding, decimal Disbursed,
    IReadOnlyList<DonorView>? ByDonor);

/// <summary>One donor's line: <c>DonorId</c> names every donor (a State's code or an id such as GATES); <c>StateCode</c> is set only for States.</summary>
public sealed record DonorView(string? StateCode, decimal Pledged, decimal Received, decimal Outstanding, string? DonorId = null);

public sealed record ReportView(string Id, string Status, DateOnly? AsOf, string? CsvUrl, string? XlsxUrl);

public sealed record StateView(string Code, string Name, string Region, IReadOnlyList<string> Languages, bool RomeStatuteParty, bool ApicParty, IReadOnlyList<FocalPointView> FocalPoints);

public sealed record FocalPointView(string Name, string Email, string Phone);

public sealed record AgreementView(string Id, string StateCode, AgreementType Type, Arrangement Arrangement, bool CostNeutral, bool Confidential, string Title,
    DateOnly? ExpiresOn, AgreementStatus Status, bool Usable, int PendingEvents, IReadOnlyList<AgreementHistoryView> History);

public sealed record AgreementHistoryView(int Sequence, AgreementEvent Event, DateOnly Date, string? Note, string By, string Role, DateTimeOffset At, AgreementStatus? Status, string? RejectedBecause,
    ExplanationView? RejectedExplanation = null);

/// <summary>One page of <c>GET /api/audit</c>, newest first; <c>NextPage</c> is the token for the next (older) page.</summary>
public sealed record AuditView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<AuditEntryView> Items, string? NextPage);

public sealed record AuditEntryView(DateTimeOffset At, string Subject, string? SubjectName, string Role, string? StateCode, string Action, string Resource, int Status, string? CorrelationId, string? Reason);

/// <summary>One page of <c>GET /api/inbox</c>, newest first; <c>NextPage</c> is the token for the next (older) page.</summary>
public sealed record InboxView(IReadOnlyList<InboxItemView> Items, string? NextPage);

/// <summary>A message; <c>Link</c> is as stored (older messages carry old paths: the console routes it with <c>ConsoleLinks.Route</c>).</summary>
public sealed record InboxItemView(string Id, string Kind, string Subject, string Body, DateTimeOffset CreatedAt, bool Read, string? Link);

/// <summary><c>POST /api/relocations/{id}/extension</c>'s answer: the new end of protection when confirmed.</summary>
public sealed record ExtensionAnswerView(string RelocationId, string StateCode, ExtensionDecision Decision, DateOnly? ProtectionEndsOn);

/// <summary><c>POST /api/relocations/{id}/withdrawal</c>'s 202: the withdrawn case and the re-relocation the Court opened.</summary>
public sealed record WithdrawalAnswerView(string Id, string ReRelocationId);
