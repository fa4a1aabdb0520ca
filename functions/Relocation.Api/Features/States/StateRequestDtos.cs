using Relocation.Domain.States;

namespace Relocation.Api.Features.States;

/// <summary><c>PUT /api/states/{code}</c>.</summary>
public sealed record StateInput(string? Name, RegionalGroup? Region, IReadOnlyList<string?>? Languages, bool? RomeStatuteParty, bool? ApicParty, IReadOnlyList<FocalPointInput?>? FocalPoints)
{
    public StateCommand ToCommand() => new(Name, Region, Languages, RomeStatuteParty, ApicParty,
        FocalPoints?.Select(f => f is null ? null : new FocalPointFields(f.Name, f.Email, f.Phone)).ToArray());
}

public sealed record FocalPointInput(string? Name, string? Email, string? Phone);
