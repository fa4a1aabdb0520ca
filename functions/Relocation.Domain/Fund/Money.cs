using System.Collections.Frozen;
using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>ISO 4217 currencies the fund accepts, with their minor digits (EUR 2, JPY 0, KWD 3).</summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> MinorDigits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        // Zero-decimal currencies.
        ["JPY"] = 0, ["KRW"] = 0, ["ISK"] = 0, ["CLP"] = 0, ["XOF"] = 0, ["XAF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["XPF"] = 0, ["KMF"] = 0, ["GNF"] = 0, ["DJF"] = 0, ["BIF"] = 0, ["VUV"] = 0,
        // Three-decimal currencies.
        ["KWD"] = 3, ["BHD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3, ["LYD"] = 3, ["IQD"] = 3,
        // Two-decimal currencies.
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["NOK"] = 2, ["SEK"] = 2, ["DKK"] = 2, ["CAD"] = 2, ["AUD"] = 2,
        ["NZD"] = 2, ["CNY"] = 2, ["BRL"] = 2, ["ARS"] = 2, ["MXN"] = 2, ["ZAR"] = 2, ["NGN"] = 2, ["KES"] = 2, ["INR"] = 2,
        ["PLN"] = 2, ["CZK"] = 2, ["HUF"] = 2, ["RON"] = 2, ["BGN"] = 2, ["TRY"] = 2, ["ILS"] = 2, ["SGD"] = 2, ["HKD"] = 2,
        ["COP"] = 2, ["PEN"] = 2, ["UYU"] = 2, ["BOB"] = 2, ["GHS"] = 2, ["SAR"] = 2, ["AED"] = 2, ["QAR"] = 2, ["EGP"] = 2,
        ["MAD"] = 2, ["CDF"] = 2, ["TZS"] = 2, ["RSD"] = 2, ["GEL"] = 2, ["UAH"] = 2, ["MYR"] = 2, ["THB"] = 2, ["PHP"] = 2,
        ["IDR"] = 2, ["BDT"] = 2, ["PKR"] = 2, ["LKR"] = 2, ["CRC"] = 2, ["DOP"] = 2, ["GTQ"] = 2, ["TTD"] = 2, ["JMD"] = 2,
        ["BBD"] = 2, ["XCD"] = 2, ["FJD"] = 2, ["MUR"] = 2, ["BWP"] = 2, ["NAD"] = 2, ["ZMW"] = 2, ["MWK"] = 2, ["SLE"] = 2,
        ["LRD"] = 2, ["GMD"] = 2, ["MGA"] = 2, ["MZN"] = 2, ["AFN"] = 2, ["MNT"] = 2, ["MDL"] = 2, ["ALL"] = 2, ["MKD"] = 2,
        ["BAM"] = 2, ["AMD"] = 2, ["VES"] = 2, ["SRD"] = 2, ["GYD"] = 2, ["HNL"] = 2, ["PAB"] = 2, ["BZD"] = 2, ["WST"] = 2,
        ["TOP"] = 2, ["PGK"] = 2, ["SBD"] = 2, ["SCR"] = 2, ["CVE"] = 2, ["STN"] = 2, ["LSL"] = 2, ["SZL"] = 2, ["ETB"] = 2,
        ["SDG"] = 2, ["SSP"] = 2, ["SOS"] = 2, ["ERN"] = 2, ["DZD"] = 2, ["KZT"] = 2, ["KGS"] = 2, ["TJS"] = 2, ["UZS"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public const string Euro = "EUR";

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    public static int DigitsOf(string code) => MinorDigits[code];
}

/// <summary>An amount as 64-bit integer minor units of an ISO 4217 currency: 1,250.50 EUR is <c>125050 EUR</c>.</summary>
public readonly record struct Money(long Minor, string Currency)
{
    /// <summary>The largest amount accepted in major units: far above any contribution, far below overflow of minor units.</summary>
    public const decimal MaxMajor = 1_000_000_000_000m;

    public static Money Euro(long minor) => new(minor, Currencies.Euro);

    public decimal Major => Minor / Pow10(Currencies.DigitsOf(Currency));

    /// <summary>Converts a positive decimal in major units; an error names <paramref name="field"/> and nothing overflows.</summary>
    public static Money? FromMajor(decimal? value, string? currency, string field, string currencyField, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Currencies.IsKnown(currency))
        {
            errors.Add(currencyField, $"'{currencyField}' must be an ISO 4217 currency code such as EUR or USD.");
            if (value is null)
            {
                errors.Add(field, $"'{field}' is required.");
            }

            return null;
        }

        var minor = ToMinor(value, Currencies.DigitsOf(currency!), field, errors);
        return minor is null ? null : new Money(minor.Value, currency!);
    }

    /// <summary>A positive decimal in major units with at most <paramref name="digits"/> decimals, as minor units.</summary>
    public static long? ToMinor(decimal? value, int digits, string field, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            errors.Add(field, $"'{field}' is required.");
            return null;
        }

        if (value <= 0m)
        {
            errors.Add(field, $"'{field}' must be greater than zero.");
            return null;
        }

        if (value > MaxMajor)
        {
            errors.Add(field, $"'{field}' must be at most {MaxMajor:0}.");
            return null;
        }

        var scaled = value.Value * Pow10(digits);
        if (scaled != decimal.Truncate(scaled))
        {
            errors.Add(field, $"'{field}' may have at most {digits} decimal(s).");
            return null;
        }

        return (long)scaled;
    }

    public static decimal EuroMajor(long minor) => minor / 100m;

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(digits)) };
}
