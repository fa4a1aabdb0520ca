using System.Text.RegularExpressions;
using Relocation.Domain.Common;

namespace Relocation.Domain.States;

/// <summary>A State in the register, keyed by its ISO 3166-1 alpha-3 code.</summary>
public sealed partial class State
{
    public const int MaxNameLength = 200;
    public const int MaxFocalPoints = 20;
    public const int MaxLanguages = 20;

    private State(string code, StateDetails details, string? version)
    {
        Code = code;
        Name = details.Name;
        Region = details.Region;
        Languages = details.Languages;
        RomeStatuteParty = details.RomeStatuteParty;
        ApicParty = details.ApicParty;
        FocalPoints = details.FocalPoints;
        Version = version;
    }

    public string Code { get; }

    public string Name { get; private set; }

    public RegionalGroup Region { get; private set; }

    public IReadOnlyList<string> Languages { get; private set; }

    /// <summary>
    /// Its languages include French and not English: the Court writes to its focal points in French (every other State,
    /// bilingual ones too, in English). Decided from the row alone, so a message written twice reads the same.
    /// </summary>
    public bool FrenchFirst =>
        Languages.Contains("fr", StringComparer.OrdinalIgnoreCase) && !Languages.Contains("en", StringComparer.OrdinalIgnoreCase);

    public bool RomeStatuteParty { get; private set; }

    public bool ApicParty { get; private set; }

    public IReadOnlyList<FocalPoint> FocalPoints { get; private set; }

    /// <summary>Opaque concurrency token of the stored row; null until stored.</summary>
    public string? Version { get; private set; }

    /// <summary>Validates every field of a registration and builds the State; throws with all field errors at once.</summary>
    public static State Register(string? code, StateCommand input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var validCode = ValidateCode(errors, "code", code);
        var details = Validate(errors, input);
        errors.ThrowIfAny();
        return new State(validCode, details, version: null);
    }

    public static State Rehydrate(string code, StateDetails details, string? version) => new(code, details, version);

    public static string ValidateCode(FieldErrors errors, string field, string? code)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(code))
        {
            errors.Add(field, $"'{field}' is required.");
            return string.Empty;
        }

        if (!IsoCodes.IsCountry(code))
        {
            errors.Add(field, $"'{field}' must be an ISO 3166-1 alpha-3 code in upper case, such as NOR.");
        }

        return code;
    }

    public static IReadOnlyList<string> ValidateLanguages(FieldErrors errors, string field, IReadOnlyList<string?>? languages, bool required)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (languages is null)
        {
            if (required)
            {
                errors.Add(field, $"'{field}' is required (it may be empty).");
            }

            return [];
        }

        if (languages.Count > MaxLanguages)
        {
            errors.Add(field, $"'{field}' may list at most {MaxLanguages} languages.");
            return [];
        }

        for (var i = 0; i < languages.Count; i++)
        {
            if (!IsoCodes.IsLanguage(languages[i]))
            {
                errors.Add($"{field}[{i}]", "Must be an ISO 639-1 code in lower case, such as fr.");
            }
        }

        return languages.Where(l => l is not null).Select(l => l!).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static StateDetails Validate(FieldErrors errors, StateCommand input)
    {
        var name = errors.Text("name", input.Name, MaxNameLength);
        if (input.Region is null)
        {
            errors.Add("region", "'region' is required: African, AsiaPacific, EasternEuropean, LatinAmericanCaribbean or WesternEuropeanOther.");
        }

        var languages = ValidateLanguages(errors, "languages", input.Languages, required: true);
        errors.Required("romeStatuteParty", input.RomeStatuteParty);
        errors.Required("apicParty", input.ApicParty);

        var focalPoints = new List<FocalPoint>();
        if (input.FocalPoints is null)
        {
            errors.Add("focalPoints", "'focalPoints' is required (it may be empty).");
        }
        else if (input.FocalPoints.Count > MaxFocalPoints)
        {
            errors.Add("focalPoints", $"At most {MaxFocalPoints} focal points.");
        }
        else
        {
            for (var i = 0; i < input.FocalPoints.Count; i++)
            {
                var fp = input.FocalPoints[i];
                var prefix = $"focalPoints[{i}]";
                if (fp is null)
                {
                    errors.Add(prefix, "A focal point cannot be null.");
                    continue;
                }

                var fpName = errors.Text($"{prefix}.name", fp.Name, MaxNameLength);
                var email = errors.Text($"{prefix}.email", fp.Email, 254);
                if (email.Length > 0 && !EmailPattern().IsMatch(email))
                {
                    errors.Add($"{prefix}.email", "Must be an e-mail address.");
                }

                var phone = errors.Text($"{prefix}.phone", fp.Phone, 32);
                if (phone.Length > 0 && !PhonePattern().IsMatch(phone))
                {
                    errors.Add($"{prefix}.phone", "Must be a phone number in international form, such as +31 70 515 8515.");
                }

                focalPoints.Add(new FocalPoint(fpName, email, phone));
            }
        }

        return new StateDetails(name, input.Region ?? default, languages, input.RomeStatuteParty ?? false, input.ApicParty ?? false, focalPoints);
    }

    [GeneratedRegex(@"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ().-]{4,30}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex PhonePattern();
}

/// <summary>A State to register or update, unchecked: every member may be missing and is checked.</summary>
public sealed record StateCommand(
    string? Name,
    RegionalGroup? Region,
    IReadOnlyList<string?>? Languages,
    bool? RomeStatuteParty,
    bool? ApicParty,
    IReadOnlyList<FocalPointFields?>? FocalPoints);

/// <summary>A focal point, unchecked.</summary>
public sealed record FocalPointFields(string? Name, string? Email, string? Phone);

/// <summary>A State's validated details, as stored.</summary>
public sealed record StateDetails(
    string Name,
    RegionalGroup Region,
    IReadOnlyList<string> Languages,
    bool RomeStatuteParty,
    bool ApicParty,
    IReadOnlyList<FocalPoint> FocalPoints);
