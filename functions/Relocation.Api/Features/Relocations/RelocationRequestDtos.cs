using Relocation.Api.Json;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;

namespace Relocation.Api.Features.Relocations;

// The relocation routes' request bodies as the contract names them. Those with a domain rule map to its command;
// the others are checked by their handler.

/// <summary><c>POST /api/relocations</c>: VWU raises a relocation request.</summary>
public sealed record RelocationInput(
    string? CaseReference,
    string? Pseudonym,
    RelocationKind? Kind,
    RelocationPriority? Priority,
    HouseholdInput? Household,
    NeedsInput? Needs,
    ProtectedPersonInput? ProtectedPerson,
    ConsentInput? Consent = null)
{
    public SubmitRelocationCommand ToCommand() => new(CaseReference, Pseudonym, Kind, Priority,
        Household is null ? null : new HouseholdFields(Household.Adults, Household.Children),
        Needs is null ? null : new NeedsFields(Needs.Languages, Needs.MedicalCare),
        ProtectedPerson is null ? null : new ProtectedPersonFields(ProtectedPerson.FullName, ProtectedPerson.DateOfBirth, ProtectedPerson.CurrentLocation, ProtectedPerson.Contact),
        Consent?.ToCommand());
}

public sealed record HouseholdInput(int? Adults, int? Children);

public sealed record NeedsInput(IReadOnlyList<string?>? Languages, bool? MedicalCare);

/// <summary>The protected details: validated, encrypted, never echoed.</summary>
public sealed record ProtectedPersonInput(string? FullName, DateOnly? DateOfBirth, string? CurrentLocation, string? Contact);

/// <summary><c>POST /api/relocations/{id}/consent</c>, or <c>consent</c> in the creation body.</summary>
public sealed record ConsentInput(DateOnly? GivenOn, string? RecordedBy, string? Scope)
{
    public ConsentCommand ToCommand() => new(GivenOn, RecordedBy, Scope);
}

/// <summary><c>POST /api/relocations/{id}/responses</c>: a State offers or declines.</summary>
public sealed record ResponseInput(string? StateCode, OfferDecision? Decision, int? Places, DateOnly? AvailableFrom, MoneyDto? EstimatedCost, string? Note)
{
    public ResponseCommand ToCommand() => new(StateCode, Decision, Places, AvailableFrom, EstimatedCost?.ToFields(), Note);
}

/// <summary><c>POST /api/relocations/{id}/acceptance</c>.</summary>
public sealed record AcceptanceInput(string? StateCode);

/// <summary><c>POST /api/relocations/{id}/arrival</c>.</summary>
public sealed record ArrivalInput(DateOnly? ArrivedOn);

/// <summary><c>POST /api/relocations/{id}/cancellation</c>.</summary>
public sealed record CancellationInput(string? Reason);

/// <summary><c>POST /api/relocations/{id}/travel</c>.</summary>
public sealed record TravelInput(TravelStep? Step, DateOnly? PlannedOn, bool? Escort, TravelDocuments? Documents);

/// <summary><c>POST /api/relocations/{id}/reviews</c>.</summary>
public sealed record ReviewInput(ReviewOutcome? Outcome, DateOnly? ReviewedOn, DateOnly? NewEndDate, string? Note);

/// <summary><c>POST /api/relocations/{id}/extension</c>: the receiving State's answer.</summary>
public sealed record ExtensionInput(string? StateCode, ExtensionDecision? Decision);

/// <summary><c>POST /api/relocations/{id}/withdrawal</c>: the receiving State withdraws.</summary>
public sealed record WithdrawalInput(string? StateCode, string? Reason, DateOnly? EffectiveOn);
