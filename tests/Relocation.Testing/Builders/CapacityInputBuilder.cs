using Relocation.Domain.Capacities;

namespace Relocation.Testing.Builders;

/// <summary>A valid capacity by default; each With… breaks or changes one thing.</summary>
public sealed class CapacityInputBuilder
{
    private CapacityCommand _input = new(
        [RelocationKind.TemporaryRelocation, RelocationKind.WitnessRelocation],
        4,
        5,
        ["fr", "en"],
        true,
        new DateOnly(2026, 12, 1),
        new DateOnly(2027, 12, 1),
        false);

    public CapacityInputBuilder With(Func<CapacityCommand, CapacityCommand> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _input = change(_input);
        return this;
    }

    public CapacityInputBuilder WithPlaces(int? places) => With(i => i with { Places = places });

    public CapacityCommand Build() => _input;

    public CapacityTerms BuildTerms() => CapacityTerms.From(_input);

    /// <summary>The same capacity as a JSON body of the HTTP contract.</summary>
    public Dictionary<string, object?> BuildBody() => new()
    {
        ["kinds"] = _input.Kinds?.Select(k => k?.ToString()).ToArray(),
        ["places"] = _input.Places,
        ["maxHouseholdSize"] = _input.MaxHouseholdSize,
        ["languages"] = _input.Languages,
        ["medicalCare"] = _input.MedicalCare,
        ["availableFrom"] = _input.AvailableFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["availableUntil"] = _input.AvailableUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["needsFundSupport"] = _input.NeedsFundSupport,
    };
}
