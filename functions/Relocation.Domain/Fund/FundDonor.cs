using System.Globalization;
using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>Who gives to the Fund.</summary>
public enum DonorKind
{
    State = 1,
    Organisation,
    Foundation,
    Individual,
}

/// <summary>A donor to register, unchecked: <see cref="FundDonor.Register"/> checks it.</summary>
public sealed record DonorCommand(string? Name, string? Kind, string? Country);

/// <summary>A donor of the register. A State donor's id is its ISO 3166-1 alpha-3 code.</summary>
public sealed record FundDonor(string Id, string Name, DonorKind Kind, string? Country)
{
    public const int MaxName = 200;

    public static FundDonor Register(string id, DonorCommand input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (!FundDonorIds.IsValid(id))
        {
            errors.Add("id", FundDonorIds.Rule);
        }

        var name = errors.Text("name", input.Name, MaxName);
        DonorKind kind = default;
        if (string.IsNullOrWhiteSpace(input.Kind) || !Enum.TryParse(input.Kind, ignoreCase: false, out kind) || !Enum.IsDefined(kind) || int.TryParse(input.Kind, out _))
        {
            errors.Add("kind", "'kind' must be one of State, Organisation, Foundation, Individual.");
        }
        else if ((kind == DonorKind.State) != IsoCodes.IsCountry(id))
        {
            errors.Add("kind", kind == DonorKind.State
                ? "A State donor's id is its ISO 3166-1 alpha-3 code, such as CAN."
                : "A country code is reserved for that State as a donor; give this donor another id.");
        }

        if (input.Country is not null && !IsoCodes.IsCountry(input.Country))
        {
            errors.Add("country", "'country' must be an ISO 3166-1 alpha-3 code in upper case, such as CAN.");
        }
        else if (kind == DonorKind.State && input.Country is not null && input.Country != id)
        {
            errors.Add("country", "A State donor's country is the State itself.");
        }

        errors.ThrowIfAny();
        return new FundDonor(id, name, kind, kind == DonorKind.State ? id : input.Country);
    }
}

/// <summary>The shape of a donor id: it names ledger accounts, so it has no separator characters.</summary>
public static class FundDonorIds
{
    public const string Rule = "A donor id is 3 to 64 letters, digits or '-' (a State's id is its ISO 3166-1 alpha-3 code).";

    public static bool IsValid(string? id) =>
        id is { Length: >= 3 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}

/// <summary>A month's rates to record, unchecked: the EUR value of one unit of each currency in that month.</summary>
public sealed record RatesCommand(IReadOnlyDictionary<string, decimal>? Rates);

/// <summary>The UN operational rates of exchange of one month, as finance records them (EUR per unit).</summary>
public sealed record FundRates(string Month, IReadOnlyDictionary<string, decimal> Rates)
{
    public const int MaxCurrencies = 200;
    private const decimal MaxRate = 1_000_000m;

    /// <summary>A month key <c>yyyy-MM</c> from 2002-01, or null.</summary>
    public static string? ParseMonth(string? text) =>
        text is { Length: 7 } && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d >= FundCommands.Earliest && d.Year < 2200
            ? text
            : null;

    public static string MonthOf(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static FundRates Create(string month, RatesCommand input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (ParseMonth(month) is null)
        {
            errors.Add("month", "The month in the path must be yyyy-MM, from 2002-01.");
        }

        if (input.Rates is not { Count: > 0 } rates)
        {
            errors.Add("rates", "'rates' is required: {\"CAD\": 0.68, …} (EUR per unit).");
            errors.ThrowIfAny();
            return null!;
        }

        if (rates.Count > MaxCurrencies)
        {
            errors.Add("rates", $"'rates' may name at most {MaxCurrencies} currencies.");
        }

        foreach (var (currency, rate) in rates)
        {
            if (!Currencies.IsKnown(currency) || currency == Currencies.Euro)
            {
                errors.Add("rates", $"'{Safe(currency)}' is not a currency with a rate (ISO 4217, not EUR).");
            }
            else if (rate <= 0m || rate > MaxRate || decimal.Round(rate, 10) != rate)
            {
                errors.Add("rates", $"The {currency} rate must be greater than 0, at most {MaxRate:0}, with at most 10 decimals.");
            }
        }

        errors.ThrowIfAny();
        return new FundRates(month, new SortedDictionary<string, decimal>(rates.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal), StringComparer.Ordinal));
    }

    private static string Safe(string text) => new(text.Take(10).Where(char.IsAsciiLetterOrDigit).ToArray());
}

/// <summary>The rate table and the donor register (point reads by month and by id).</summary>
public interface IFundRegister
{
    Task SaveRatesAsync(FundRates rates, CancellationToken cancellationToken);

    Task<FundRates?> FindRatesAsync(string month, CancellationToken cancellationToken);

    /// <summary>Saves a donor; answers whether it was new.</summary>
    Task<bool> SaveDonorAsync(FundDonor donor, CancellationToken cancellationToken);

    Task<FundDonor?> FindDonorAsync(string id, CancellationToken cancellationToken);
}
