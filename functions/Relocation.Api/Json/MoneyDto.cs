using System.Text.Json;
using System.Text.Json.Serialization;
using Relocation.Api.OpenApi;
using Relocation.Domain.Fund;

namespace Relocation.Api.Json;

/// <summary>
/// The one shape of money on the wire: <c>{value, currency}</c>, the value a decimal in major units. It is what the
/// fund's routes always used and what postings answer with. Offer responses first took <c>estimatedCost</c> as
/// <c>{amount, currency}</c>; that shape is still read (<see cref="MoneyJsonConverter"/>) so existing clients keep
/// working, and never written.
/// </summary>
[JsonConverter(typeof(MoneyJsonConverter))]
[ContractSchema("Money", typeof(MoneyShape), "An amount: 'value' in major units of the ISO 4217 'currency'. Clients written against the first contract may send 'amount' in place of 'value' (offer responses' estimatedCost); answers always carry 'value'.")]
public sealed record MoneyDto(decimal? Value, string? Currency)
{
    public static MoneyDto From(Money money) => new(money.Major, money.Currency);

    /// <summary>The amount as the domain checks it.</summary>
    public MoneyFields ToFields() => new(Value, Currency);

    /// <summary>What the contract documents: the converter's written shape.</summary>
    internal sealed record MoneyShape(decimal Value, string Currency);
}

/// <summary>
/// Reads <c>{value, currency}</c> or the older <c>{amount, currency}</c>; writes only <c>{value, currency}</c>. Any
/// other member, or both <c>value</c> and <c>amount</c>, is refused like every unknown member of the API's JSON.
/// </summary>
public sealed class MoneyJsonConverter : JsonConverter<MoneyDto>
{
    private const string Value = "value";
    private const string LegacyValue = "amount";
    private const string Currency = "currency";

    public override MoneyDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The JSON value could not be converted to Money.");
        }

        decimal? value = null, legacy = null;
        string? currency = null;
        bool sawValue = false, sawLegacy = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString() ?? string.Empty;
            reader.Read();
            if (name.Equals(Value, StringComparison.OrdinalIgnoreCase))
            {
                (value, sawValue) = (ReadDecimal(ref reader, Value), true);
            }
            else if (name.Equals(LegacyValue, StringComparison.OrdinalIgnoreCase))
            {
                (legacy, sawLegacy) = (ReadDecimal(ref reader, LegacyValue), true);
            }
            else if (name.Equals(Currency, StringComparison.OrdinalIgnoreCase))
            {
                currency = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    _ => throw new JsonMemberException(Currency, "The JSON value could not be converted to System.String."),
                };
            }
            else
            {
                throw Unmapped(name);
            }
        }

        if (sawValue && sawLegacy)
        {
            // Two values for one amount: the older name is the one to drop.
            throw Unmapped(LegacyValue);
        }

        return new MoneyDto(sawValue ? value : legacy, currency);
    }

    public override void Write(Utf8JsonWriter writer, MoneyDto value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.Value is { } major)
        {
            writer.WriteNumber(Value, major);
        }

        if (value.Currency is { } currency)
        {
            writer.WriteString(Currency, currency);
        }

        writer.WriteEndObject();
    }

    private static decimal? ReadDecimal(ref Utf8JsonReader reader, string member)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        // Strict like the rest of the API: a number, never a number in a string.
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var number))
        {
            throw new JsonMemberException(member, "The JSON value could not be converted to System.Decimal.");
        }

        return number;
    }

    // The wording ApiRequest recognises for an unknown member, so the 400 names it like any other.
    private static JsonException Unmapped(string name) =>
        new($"The JSON property '{name}' could not be mapped to any .NET member contained in type 'Money'.");
}

/// <summary>
/// A member of a value read by a hand-written converter was wrong. The serializer sets <see cref="JsonException.Path"/>
/// only to the converter's own property (<c>$.amount</c>), so the member travels here and the 400 can name
/// <c>amount.value</c> as it did when the money was a plain record.
/// </summary>
public sealed class JsonMemberException : JsonException
{
    public JsonMemberException(string member, string message)
        : base(message) => Member = member;

    public JsonMemberException()
    {
    }

    public JsonMemberException(string message)
        : base(message)
    {
    }

    public JsonMemberException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Member { get; } = string.Empty;
}
