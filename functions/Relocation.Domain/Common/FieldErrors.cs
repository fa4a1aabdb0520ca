namespace Relocation.Domain.Common;

/// <summary>Collects every invalid field of one input so the caller learns them all at once.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
        return this;
    }

    /// <summary>
    /// A value that is missing or breaks its rule. Only a missing value is answered "is required": a value that is there
    /// but wrong ("W-1" for a pseudonym) is told what it must be, not that it is absent.
    /// </summary>
    public void Invalid(string field, bool missing, string rule) =>
        Add(field, missing ? $"'{field}' is required: {rule}." : $"'{field}' must be {rule}.");

    public void Required(string field, object? value)
    {
        if (value is null || (value is string s && string.IsNullOrWhiteSpace(s)))
        {
            Add(field, $"'{field}' is required.");
        }
    }

    /// <summary>Checks a required text for presence, length and control characters; returns the trimmed text.</summary>
    public string Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"'{field}' is required.");
            }

            return string.Empty;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            Add(field, $"'{field}' must be at most {maxLength} characters.");
        }
        else if (trimmed.Any(c => char.IsControl(c) && c != '\n' && c != '\r' && c != '\t') || HasLoneSurrogate(trimmed))
        {
            Add(field, $"'{field}' contains characters that are not allowed.");
        }

        return trimmed;
    }

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new DomainValidationException(_errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
