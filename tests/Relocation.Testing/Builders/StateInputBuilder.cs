using Relocation.Domain.States;

namespace Relocation.Testing.Builders;

/// <summary>A valid State registration by default.</summary>
public sealed class StateInputBuilder
{
    private StateCommand _input = new(
        "Norway",
        RegionalGroup.WesternEuropeanOther,
        ["nb", "nn"],
        true,
        true,
        [new FocalPointFields("ICC desk", "icc-desk@example.org", "+47 22 00 00 00")]);

    public StateInputBuilder With(Func<StateCommand, StateCommand> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _input = change(_input);
        return this;
    }

    public StateCommand Build() => _input;

    public Dictionary<string, object?> BuildBody() => new()
    {
        ["name"] = _input.Name,
        ["region"] = _input.Region?.ToString(),
        ["languages"] = _input.Languages,
        ["romeStatuteParty"] = _input.RomeStatuteParty,
        ["apicParty"] = _input.ApicParty,
        ["focalPoints"] = _input.FocalPoints?.Select(f => f is null ? null : new Dictionary<string, object?> { ["name"] = f.Name, ["email"] = f.Email, ["phone"] = f.Phone }).ToArray(),
    };
}
