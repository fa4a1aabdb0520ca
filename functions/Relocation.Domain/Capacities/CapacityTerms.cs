using Relocation.Domain.Common;
using Relocation.Domain.States;

namespace Relocation.Domain.Capacities;

/// <summary>The validated terms of a capacity: what a State offers, for what and when.</summary>
public sealed record CapacityTerms(
    IReadOnlyList<RelocationKind> Kinds,
    int Places,
    int MaxHouseholdSize,
    IReadOnlyList<string> Languages,
    bool MedicalCare,
    DateOnly AvailableFrom,
    DateOnly AvailableUntil,
    bool NeedsFundSupport)
{
    /// <summary>More places than any State has ever offered the Court; a guard against typos and overflow, not a policy.</summary>
    public const int MaxPlaces = 10_000;
    public const int MaxHousehold = 50;

    public static CapacityTerms From(CapacityCommand input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var kinds = new List<RelocationKind>();
        if (input.Kinds is null || input.Kinds.Count == 0)
        {
            errors.Add("kinds", "'kinds' must list at least one of WitnessRelocation, TemporaryRelocation, AcquittedPersonRelocation, InterimRelease.");
        }
        else
        {
            for (var i = 0; i < input.Kinds.Count; i++)
            {
                if (input.Kinds[i] is not { } kind || !Enum.IsDefined(kind))
                {
                    errors.Add($"kinds[{i}]", "Unknown kind.");
                }
                else if (!kinds.Contains(kind))
                {
                    kinds.Add(kind);
                }
            }
        }

        Positive(errors, "places", input.Places, MaxPlaces);
        Positive(errors, "maxHouseholdSize", input.MaxHouseholdSize, MaxHousehold);
        var languages = State.ValidateLanguages(errors, "languages", input.Languages, required: true);
        errors.Required("medicalCare", input.MedicalCare);
        errors.Required("availableFrom", input.AvailableFrom);
        errors.Required("availableUntil", input.AvailableUntil);
        errors.Required("needsFundSupport", input.NeedsFundSupport);
        if (input.AvailableFrom is { } from && input.AvailableUntil is { } until && from > until)
        {
            errors.Add("availableUntil", "'availableUntil' must not be before 'availableFrom'.");
        }

        errors.ThrowIfAny();
        return new CapacityTerms(
            kinds,
            input.Places!.Value,
            input.MaxHouseholdSize!.Value,
            languages,
            input.MedicalCare!.Value,
            input.AvailableFrom!.Value,
            input.AvailableUntil!.Value,
            input.NeedsFundSupport!.Value);
    }

    private static void Positive(FieldErrors errors, string field, int? value, int max)
    {
        if (value is null)
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (value <= 0)
        {
            errors.Add(field, $"'{field}' must be a positive whole number.");
        }
        else if (value > max)
        {
            errors.Add(field, $"'{field}' must be at most {max}.");
        }
    }
}
