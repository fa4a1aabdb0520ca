using System.Resources;

namespace Relocation.Web.Services;

/// <summary>
/// The console's words in English and French, from resource files. Both languages are embedded in the main assembly
/// (no satellite assemblies), so switching is instant and keeps the in-memory sign-in.
/// </summary>
public sealed class Text
{
    private static readonly ResourceManager English = new("Relocation.Web.Resources.English", typeof(Text).Assembly);
    private static readonly ResourceManager French = new("Relocation.Web.Resources.French", typeof(Text).Assembly);

    public string Language { get; private set; } = "en";

    public event Action? Changed;

    /// <summary>The word for <paramref name="key"/>; a key missing in French falls back to English, a key missing everywhere shows itself.</summary>
    public string this[string key] =>
        (Language == "fr" ? French.GetString(key, System.Globalization.CultureInfo.InvariantCulture) : null)
        ?? English.GetString(key, System.Globalization.CultureInfo.InvariantCulture)
        ?? key;

    /// <summary>
    /// The word for an enum value (key <c>Type.Value</c>), so statuses and priorities read in the console's language;
    /// the wire name is the fallback, and stays the value that forms and data attributes carry.
    /// </summary>
    public string Of(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = $"{value.GetType().Name}.{value}";
        var word = this[key];
        return word == key ? value.ToString() : word;
    }

    /// <summary>
    /// The words for a role claim or the timeline's "system" (key <c>RoleName.Name</c>): people read "VWU officer",
    /// not the claim <c>Vwu.Officer</c>; an unknown name (a State code, a later role) shows as sent.
    /// </summary>
    public string RoleName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return name ?? string.Empty;
        }

        var key = "RoleName." + name;
        var word = this[key];
        return word == key ? name : word;
    }

    /// <summary>
    /// The words for a case timeline entry's event code (the server's <c>what</c>: <c>OfferAccepted</c>, …; key
    /// <c>Timeline.Code</c>); an unknown code shows as sent. The entry's detail is the server's English text.
    /// </summary>
    public string Event(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var key = "Timeline." + code;
        var word = this[key];
        return word == key ? code : word;
    }

    /// <summary>
    /// The word for an enum value the server sent as text (<paramref name="type"/> is the enum's name: a State's
    /// <c>RegionalGroup</c>, a statistics row's <c>AgreementType</c>); an unknown value shows as sent.
    /// </summary>
    public string Of(string type, string? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (string.IsNullOrEmpty(value))
        {
            return value ?? string.Empty;
        }

        var key = $"{type}.{value}";
        var word = this[key];
        return word == key ? value : word;
    }

    /// <summary>
    /// A candidate's reason in the console's language: the words for the server's code (key <c>Reason.Code</c>) with its
    /// named arguments (<c>{region}</c>) put in. English shows the server's own text, the most precise (the plan's lines
    /// name the other State and fits); an unknown code, a missing argument or no code at all shows the English text.
    /// </summary>
    public string Reason(ExplanationView? explanation, string english) => Explain("Reason.", explanation, english);

    /// <summary>
    /// A server text that also came as a code with arguments (a timeline entry's detail, a refused acceptance's reason:
    /// key <c>Detail.Code</c>), worded like <see cref="Reason"/>: English as sent, French from the code, English again
    /// for a code or argument the console does not know.
    /// </summary>
    public string Detail(ExplanationView? explanation, string english) => Explain("Detail.", explanation, english);

    /// <summary>
    /// A domain refusal given as a code with arguments (an agreement's refused event, key <c>Problem.Code</c>, the same
    /// codes a problem carries), worded like <see cref="Detail(ExplanationView?, string)"/>.
    /// </summary>
    public string Refusal(ExplanationView? explanation, string english) => Explain("Problem.", explanation, english);

    /// <summary>As above, from a timeline entry the console reads into the domain's record.</summary>
    public string Detail(Domain.Relocations.CaseExplanation? explanation, string english) =>
        Detail(explanation is null ? null : new ExplanationView(explanation.Code, explanation.Args), english);

    private string Explain(string prefix, ExplanationView? explanation, string english)
    {
        ArgumentNullException.ThrowIfNull(english);
        if (Language != "fr" || explanation is null)
        {
            return english;
        }

        var key = prefix + explanation.Code;
        var words = this[key];
        if (words == key)
        {
            return english;
        }

        foreach (var (name, value) in explanation.Args ?? new Dictionary<string, string>())
        {
            words = words.Replace("{" + name + "}", Argument(name, value), StringComparison.Ordinal);
        }

        return words.Contains('{', StringComparison.Ordinal) ? english : words;
    }

    // An argument that carries an enum's wire name (the plan's priority, a region) reads like the enum does elsewhere in
    // the console, so a French sentence has no English word in brackets; any other argument (a date, a State code) as sent.
    // A list of names (an agreement's possible events) is worded name by name.
    private string Argument(string name, string value) =>
        EnumArguments.TryGetValue(name, out var type)
            ? string.Join(", ", value.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(v => Of(type, v)))
            : value;

    private static readonly Dictionary<string, string> EnumArguments = new(StringComparer.Ordinal)
    {
        ["priority"] = nameof(Domain.Relocations.RelocationPriority),
        ["kind"] = nameof(Domain.Capacities.RelocationKind),
        ["status"] = nameof(Domain.Relocations.RelocationStatus),
        ["decision"] = nameof(Domain.Relocations.OfferDecision),
        ["region"] = nameof(Domain.States.RegionalGroup),
        ["step"] = nameof(Domain.Relocations.TravelStep),
        ["documents"] = nameof(Domain.Relocations.TravelDocuments),
        ["agreementStatus"] = nameof(Domain.Agreements.AgreementStatus),
        ["agreementEvent"] = nameof(Domain.Agreements.AgreementEvent),
        ["possibleEvents"] = nameof(Domain.Agreements.AgreementEvent),
    };

    /// <summary>
    /// A problem's message in the console's language. English: the server's detail, as before. French: the words for the
    /// problem's code (key <c>Problem.Code</c>, a code from Domain), else for its status (key <c>Problem.409</c>) with the
    /// server's English detail kept beside it (<see cref="ProblemText.English"/>, shown marked as English), else the detail.
    /// </summary>
    public ProblemText Problem(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (Language != "fr")
        {
            return new(problem.Message, null);
        }

        if (problem.Code is { Length: > 0 } code && Explain("Problem.", new ExplanationView(code, problem.Args), "") is { Length: > 0 } coded)
        {
            return new(coded, null);
        }

        var key = "Problem." + problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var words = this[key];
        return words == key ? new(problem.Message, null) : new(words, problem.Detail);
    }

    public string Format(string key, params object?[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, this[key], args);

    public void Use(string language)
    {
        var next = language == "fr" ? "fr" : "en";
        if (next != Language)
        {
            Language = next;
            Changed?.Invoke();
        }
    }
}

/// <summary>A problem as the console shows it: its message in the console's language, and the server's English detail when the message is not a translation of it.</summary>
public sealed record ProblemText(string Message, string? English);
