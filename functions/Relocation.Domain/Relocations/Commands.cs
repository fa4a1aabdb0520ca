using System.Text.RegularExpressions;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.States;

namespace Relocation.Domain.Relocations;

/// <summary>VWU raises a relocation request, unchecked: every member may be missing and is checked.</summary>
public sealed record SubmitRelocationCommand(
    string? CaseReference,
    string? Pseudonym,
    RelocationKind? Kind,
    RelocationPriority? Priority,
    HouseholdFields? Household,
    NeedsFields? Needs,
    ProtectedPersonFields? ProtectedPerson,
    ConsentCommand? Consent = null)
{
    private static readonly Regex PseudonymPattern = new(@"^[A-Z]{1,3}-\d{3,6}$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    private static readonly Regex CaseReferencePattern = new(@"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// Validates everything; the protected fields are checked for presence and length only, and their values never
    /// appear in an error.
    /// </summary>
    public (RelocationFacts Facts, ProtectedPerson Person) Validate(DateOnly today)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(CaseReference) || !CaseReferencePattern.IsMatch(CaseReference))
        {
            errors.Invalid("caseReference", string.IsNullOrWhiteSpace(CaseReference), "up to 64 letters, digits and / . _ -, starting with a letter or digit, such as ICC-01/04-01/06");
        }

        if (string.IsNullOrWhiteSpace(Pseudonym) || !PseudonymPattern.IsMatch(Pseudonym))
        {
            errors.Invalid("pseudonym", string.IsNullOrWhiteSpace(Pseudonym), "1 to 3 capital letters, a hyphen and 3 to 6 digits, such as W-0421");
        }

        if (Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", "'kind' must be one of WitnessRelocation, TemporaryRelocation, AcquittedPersonRelocation, InterimRelease.");
        }

        if (Priority is not { } priority || !Enum.IsDefined(priority))
        {
            errors.Add("priority", "'priority' must be one of Emergency, Urgent, Normal.");
        }

        if (Household is null)
        {
            errors.Add("household", "'household' is required.");
        }
        else
        {
            if (Household.Adults is not ({ } a and >= 1 and <= CapacityTerms.MaxHousehold))
            {
                errors.Add("household.adults", $"'household.adults' must be from 1 to {CapacityTerms.MaxHousehold}.");
            }

            if (Household.Children is not ({ } c and >= 0 and <= CapacityTerms.MaxHousehold))
            {
                errors.Add("household.children", $"'household.children' must be from 0 to {CapacityTerms.MaxHousehold}.");
            }
            else if (Household.Adults is { } adults && adults + c > CapacityTerms.MaxHousehold)
            {
                errors.Add("household", $"A household has at most {CapacityTerms.MaxHousehold} people.");
            }
        }

        IReadOnlyList<string> languages = [];
        if (Needs is null)
        {
            errors.Add("needs", "'needs' is required.");
        }
        else
        {
            languages = State.ValidateLanguages(errors, "needs.languages", Needs.Languages, required: true);
            errors.Required("needs.medicalCare", Needs.MedicalCare);
        }

        var person = ProtectedPerson;
        if (person is null)
        {
            errors.Add("protectedPerson", "'protectedPerson' is required.");
        }
        else
        {
            Protected(errors, "protectedPerson.fullName", person.FullName, 200);
            Protected(errors, "protectedPerson.currentLocation", person.CurrentLocation, 500);
            Protected(errors, "protectedPerson.contact", person.Contact, 500);
            if (person.DateOfBirth is not { } born || born > today || born < today.AddYears(-130))
            {
                errors.Invalid("protectedPerson.dateOfBirth", person.DateOfBirth is null, "a past date within the last 130 years");
            }
        }

        var consent = Consent?.Validate(errors, "consent.", today);
        errors.ThrowIfAny();
        var facts = new RelocationFacts(CaseReference!, Pseudonym!, Kind!.Value, Priority!.Value,
            new Household(Household!.Adults!.Value, Household.Children!.Value), new Needs(languages, Needs!.MedicalCare!.Value));
        return (facts, new ProtectedPerson(person!.FullName!.Trim(), person.DateOfBirth!.Value, person.CurrentLocation!.Trim(), person.Contact!.Trim()) { Consent = consent });
    }

    private static void Protected(FieldErrors errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (value.Length > max)
        {
            errors.Add(field, $"'{field}' must be at most {max} characters.");
        }
        else if (value.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r'))
        {
            errors.Add(field, $"'{field}' contains characters that are not allowed.");
        }
    }
}

/// <summary>The person's consent as VWU records it (alone, or as <c>consent</c> in the creation body).</summary>
public sealed record ConsentCommand(DateOnly? GivenOn, string? RecordedBy, string? Scope)
{
    /// <summary>Checks every field into <paramref name="errors"/>; the record when all are good, else null.</summary>
    public ConsentRecord? Validate(FieldErrors errors, string prefix, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (GivenOn is not { } given || given > today || given < today.AddYears(-2))
        {
            errors.Invalid(prefix + "givenOn", GivenOn is null, "a date in the last two years, not in the future");
        }

        var by = errors.Text(prefix + "recordedBy", RecordedBy, 200);
        var scope = errors.Text(prefix + "scope", Scope, 500);
        return GivenOn is { } on && by.Length > 0 && scope.Length > 0 && on <= today && on >= today.AddYears(-2) ? new ConsentRecord(on, by, scope) : null;
    }
}

/// <summary>The household, unchecked.</summary>
public sealed record HouseholdFields(int? Adults, int? Children);

/// <summary>The needs, unchecked.</summary>
public sealed record NeedsFields(IReadOnlyList<string?>? Languages, bool? MedicalCare);

/// <summary>The protected details, unchecked: validated, encrypted, never echoed.</summary>
public sealed record ProtectedPersonFields(string? FullName, DateOnly? DateOfBirth, string? CurrentLocation, string? Contact);

/// <summary>What may be known about a relocation outside VWU's case file: no identity, no location.</summary>
public sealed record RelocationFacts(string CaseReference, string Pseudonym, RelocationKind Kind, RelocationPriority Priority, Household Household, Needs Needs);
