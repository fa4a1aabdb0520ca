using Relocation.Domain.States;

namespace Relocation.Api.Features.States;

/// <summary>A State as the API shows it.</summary>
public sealed record StateDto(
    string Code,
    string Name,
    RegionalGroup Region,
    IReadOnlyList<string> Languages,
    bool RomeStatuteParty,
    bool ApicParty,
    IReadOnlyList<FocalPointDto> FocalPoints)
{
    public static StateDto From(State s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Code, s.Name, s.Region, s.Languages, s.RomeStatuteParty, s.ApicParty, s.FocalPoints.Select(f => new FocalPointDto(f.Name, f.Email, f.Phone)).ToArray());
    }
}

public sealed record FocalPointDto(string Name, string Email, string Phone);
