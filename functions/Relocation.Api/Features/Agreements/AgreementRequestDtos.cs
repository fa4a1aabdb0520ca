using Relocation.Domain.Agreements;

namespace Relocation.Api.Features.Agreements;

/// <summary><c>POST /api/agreements</c>.</summary>
public sealed record AgreementInput(string? StateCode, AgreementType? Type, Arrangement? Arrangement, bool? CostNeutral, bool? Confidential, string? Title, DateOnly? ExpiresOn, DateOnly? ReviewOn)
{
    public AgreementCommand ToCommand() => new(StateCode, Type, Arrangement, CostNeutral, Confidential, Title, ExpiresOn, ReviewOn);
}

/// <summary><c>POST /api/agreements/{id}/events</c>.</summary>
public sealed record AgreementEventInput(AgreementEvent? Event, DateOnly? Date, string? Note)
{
    public AgreementEventCommand ToCommand() => new(Event, Date, Note);
}
