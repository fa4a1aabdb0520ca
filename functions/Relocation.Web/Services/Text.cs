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
    /// A candidate's reason in the console's language: the words for the server's code (key <c>Reason.Code</c>) with its
    /// named arguments (<c>{region}</c>) put in. English shows the server's own text, the most precise (the plan's lines
    /// name the other State and fits); an unknown code, a missing argument or no code at all shows the English text.
    /// </summary>
    public string Reason(ExplanationView? explanation, string english)
    {
        ArgumentNullException.ThrowIfNull(english);
        if (Language != "fr" || explanation is null)
        {
            return english;
        }

        var key = "Reason." + explanation.Code;
        var words = this[key];
        if (words == key)
        {
            return english;
        }

        foreach (var (name, value) in explanation.Args ?? new Dictionary<string, string>())
        {
            words = words.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return words.Contains('{', StringComparison.Ordinal) ? english : words;
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
