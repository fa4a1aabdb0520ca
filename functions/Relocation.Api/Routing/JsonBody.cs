using System.Text.Json;
using System.Text.Json.Nodes;
using Relocation.Api.Json;
using Relocation.Domain.Common;

namespace Relocation.Api.Routing;

/// <summary>
/// Reads a request body into its wire type and checks it. The serializer stops at the first member of the wrong type
/// or unknown to the contract; a client fixing a body would then learn one mistake per attempt. So on such a failure
/// the member is taken out and the rest read again, until the rest reads, and the rest is then checked by the route's
/// own rule: the 400 lists every invalid field at once. A body with any error is never handed to the handler.
/// </summary>
internal static class JsonBody
{
    /// <summary>More wrong members than this in one body are not worth reading on for (each is one more parse).</summary>
    private const int MaxMembersTakenOut = 32;

    public static TResult Read<T, TResult>(ReadOnlySpan<byte> body, Func<T, TResult> check)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(check);
        if (body.IsEmpty)
        {
            throw new DomainValidationException("body", "A JSON body is required.");
        }

        if (!IsWellFormedJson(body))
        {
            throw new DomainValidationException("body", "The body is not valid JSON.");
        }

        T value;
        try
        {
            value = JsonSerializer.Deserialize<T>(body, ApiJson.Options)
                ?? throw new DomainValidationException("body", "A JSON object is required.");
        }
        catch (JsonException ex)
        {
            throw EveryError(body, ex, check);
        }

        return check(value);
    }

    private static DomainValidationException EveryError<T, TResult>(ReadOnlySpan<byte> body, JsonException first, Func<T, TResult> check)
        where T : class
    {
        // Insertion order is kept: the first field the serializer met stays the first one named.
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var takenOut = new List<string>();
        var field = FieldOf(first);
        Add(errors, field, Describe<T>(first, field));
        try
        {
            if (field != "body" && JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true }, new JsonDocumentOptions { MaxDepth = 16 }) is JsonObject root)
            {
                ReadTheRest(root, field, errors, takenOut, check);
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // A body the tree cannot hold (a duplicate member): the errors found so far are the answer.
        }

        return new DomainValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }

    private static void ReadTheRest<T, TResult>(JsonObject root, string field, Dictionary<string, List<string>> errors, List<string> takenOut, Func<T, TResult> check)
        where T : class
    {
        for (var i = 0; i < MaxMembersTakenOut; i++)
        {
            var member = TakeOut(root, field);
            if (member is null)
            {
                return;
            }

            takenOut.Add(member);
            try
            {
                if (root.Deserialize<T>(ApiJson.Options) is { } rest)
                {
                    _ = check(rest);
                }

                return;
            }
            catch (JsonException next)
            {
                field = FieldOf(next);
                if (errors.ContainsKey(field) || field == "body")
                {
                    return;
                }

                Add(errors, field, Describe<T>(next, field));
            }
            catch (DomainValidationException rule)
            {
                // The rule's view of the rest: a member taken out reads as missing there, and it is already named.
                foreach (var (name, messages) in rule.Errors)
                {
                    if (!errors.ContainsKey(name) && !takenOut.Any(t => Within(name, t) || Within(t, name)))
                    {
                        errors[name] = [.. messages];
                    }
                }

                return;
            }
        }
    }

    /// <summary>True when <paramref name="field"/> is <paramref name="member"/> or inside it (<c>a.b</c>, <c>a[0]</c> in <c>a</c>).</summary>
    private static bool Within(string field, string member) =>
        field == member
        || (field.StartsWith(member, StringComparison.Ordinal) && field.Length > member.Length && field[member.Length] is '.' or '[');

    /// <summary>
    /// Removes the member a field names (<c>needs.languages[0]</c> takes out the whole <c>needs.languages</c>, as an
    /// element cannot be taken out without renumbering the others); the member's path, or null when it is not there.
    /// </summary>
    private static string? TakeOut(JsonObject root, string field)
    {
        var segments = field.Split('.');
        JsonNode? node = root;
        var path = new List<string>();
        for (var i = 0; i < segments.Length; i++)
        {
            var (name, indices) = Split(segments[i]);
            if (node is not JsonObject parent || !TryGet(parent, name, out var actual, out var child))
            {
                return null;
            }

            path.Add(name);
            if (i == segments.Length - 1)
            {
                return parent.Remove(actual) ? string.Join('.', path) : null;
            }

            node = child;
            foreach (var index in indices)
            {
                if (node is not JsonArray array || index >= array.Count)
                {
                    return null;
                }

                node = array[index];
                path[^1] += $"[{index}]";
            }
        }

        return null;
    }

    private static bool TryGet(JsonObject parent, string name, out string actual, out JsonNode? child)
    {
        foreach (var (key, value) in parent)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                (actual, child) = (key, value);
                return true;
            }
        }

        (actual, child) = (name, null);
        return false;
    }

    private static (string Name, List<int> Indices) Split(string segment)
    {
        var indices = new List<int>();
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return (segment, indices);
        }

        foreach (var part in segment[(open + 1)..].TrimEnd(']').Split("]["))
        {
            if (int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                indices.Add(index);
            }
        }

        return (segment[..open], indices);
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            list = [];
            errors[field] = list;
        }

        list.Add(message);
    }

    private static string FieldOf(JsonException ex)
    {
        if (ex is JsonMemberException { Member.Length: > 0 } member)
        {
            return JoinPath(ex.Path, member.Member);
        }

        if (IsUnmapped(ex) && ex.Message.Split('\'') is { Length: >= 2 } parts)
        {
            // An unknown member: name it, it is what the caller must remove.
            return JoinPath(ex.Path, parts[1]);
        }

        var path = ex.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string JoinPath(string? path, string member)
    {
        var parent = (path ?? string.Empty).TrimStart('$').TrimStart('.');
        if (parent == member || parent.EndsWith("." + member, StringComparison.Ordinal))
        {
            return parent;
        }

        return parent.Length == 0 ? member : $"{parent}.{member}";
    }

    private static bool IsUnmapped(JsonException ex) => ex.Message.Contains("could not be mapped", StringComparison.Ordinal);

    // Syntax first, so a truncated body is reported as such rather than as a wrong type at the place it was cut.
    private static bool IsWellFormedJson(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What the field must be, from the wire type's member at that path; the value itself is never echoed.</summary>
    private static string Describe<T>(JsonException ex, string field)
    {
        if (IsUnmapped(ex))
        {
            return "This member is not part of the contract.";
        }

        if (field == "body")
        {
            return "The body is not valid JSON.";
        }

        var type = TypeAt(typeof(T), field);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var shape = type switch
        {
            null => null,
            _ when type == typeof(DateOnly) => "a date such as 2026-12-01",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ => null,
        };
        return shape is null ? "This value has the wrong type or format." : $"'{field}' must be {shape}.";
    }

    /// <summary>The declared type of the member a field path names in <paramref name="root"/>, or null.</summary>
    private static Type? TypeAt(Type root, string field)
    {
        Type? type = root;
        foreach (var segment in field.Split('.'))
        {
            var (name, indices) = Split(segment);
            var info = ApiJson.Options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            type = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            foreach (var _ in indices)
            {
                type = type?.IsArray == true ? type.GetElementType()
                    : type?.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            }

            if (type is null)
            {
                return null;
            }
        }

        return type;
    }
}
