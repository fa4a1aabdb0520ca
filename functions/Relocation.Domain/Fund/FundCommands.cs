using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>An amount in major units of a currency, unchecked: <see cref="Money.FromMajor"/> checks it.</summary>
public sealed record MoneyFields(decimal? Value, string? Currency);

/// <summary>A pledge to post: the donor as <c>DonorId</c> or (a State) <c>DonorStateCode</c>; <c>EurValue</c> may be left out when the month has a rate.</summary>
public sealed record PledgeCommand(string? DonorStateCode, MoneyFields? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference, string? DonorId = null, DateOnly? DueDate = null);

/// <summary>A receipt to post, against a pledge or not.</summary>
public sealed record ReceiptCommand(string? DonorStateCode, string? PledgeId, MoneyFields? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference, string? DonorId = null);

/// <summary>A pledge written off.</summary>
public sealed record WriteOffCommand(DateOnly? Date, string? Reason);

/// <summary>A commitment for a relocation; <c>Purpose</c> (optional) lets the commitment use money earmarked for it.</summary>
public sealed record CommitmentCommand(string? RelocationId, decimal? EurValue, DateOnly? Date, string? Reference, string? Purpose = null);

/// <summary>A commitment released, in part or in full.</summary>
public sealed record ReleaseCommand(decimal? EurValue, DateOnly? Date);

/// <summary>A disbursement against a commitment.</summary>
public sealed record DisbursementCommand(string? CommitmentId, decimal? EurValue, string? Payee, DateOnly? Date, string? Reference);

/// <summary>A correction: reverses a pledge or a receipt; <c>EurValue</c> repeats the original's.</summary>
public sealed record CorrectionCommand(decimal? EurValue, DateOnly? Date, string? Reference);

/// <summary>The fund's commands checked into a <see cref="FundCommand"/>: dates, amounts, texts, ids. Field names in errors are the commands' members, camelCase.</summary>
public static class FundCommands
{
    public const int MaxEarmark = 100;
    public const int MaxReference = 200;
    public const int MaxPayee = 200;
    public const int MaxRelocationId = 64;

    /// <summary>The earliest value date: the fund did not exist before.</summary>
    public static readonly DateOnly Earliest = new(2002, 1, 1);

    /// <summary>A pledge; <paramref name="rate"/> is the EUR value of one unit of its currency in the month of its date, when finance recorded one.</summary>
    public static FundCommand Pledge(PledgeCommand input, DateOnly today, decimal? rate = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var donor = Donor(input.DonorId, input.DonorStateCode, errors);
        var amount = Amount(input.Amount, errors);
        var eur = EurOrRate(input.EurValue, amount, input.Date, rate, errors);
        var earmark = errors.Text("earmark", input.Earmark, MaxEarmark, required: false);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        if (input.DueDate is { } due && (due < Earliest || due > new DateOnly(2200, 1, 1)))
        {
            errors.Add("dueDate", $"'dueDate' must be from {Earliest:yyyy-MM-dd}.");
        }

        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Pledge, date, eur!.Value) { DonorStateCode = donor, Amount = amount, Earmark = earmark, Reference = Null(reference), DueDate = input.DueDate };
    }

    /// <summary>A receipt; <paramref name="rate"/> as for <see cref="Pledge"/>.</summary>
    public static FundCommand Receipt(ReceiptCommand input, DateOnly today, decimal? rate = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var donor = Donor(input.DonorId, input.DonorStateCode, errors);
        var pledgeId = input.PledgeId is null ? null : Id("pledgeId", input.PledgeId, errors);
        var amount = Amount(input.Amount, errors);
        var eur = EurOrRate(input.EurValue, amount, input.Date, rate, errors);
        var earmark = errors.Text("earmark", input.Earmark, MaxEarmark, required: false);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Receipt, date, eur!.Value)
        {
            DonorStateCode = donor, TargetId = pledgeId, Amount = amount, Earmark = earmark, Reference = Null(reference),
        };
    }

    public static FundCommand Commitment(CommitmentCommand input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var relocationId = RelocationId(input.RelocationId, errors);
        var eur = Eur(input.EurValue, errors);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        var purpose = errors.Text("purpose", input.Purpose, MaxEarmark, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Commitment, date, eur!.Value) { RelocationId = relocationId, Earmark = purpose, Reference = Null(reference) };
    }

    public static FundCommand Release(string commitmentId, ReleaseCommand input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var eur = Eur(input.EurValue, errors);
        var date = Date(input.Date, today, errors);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Release, date, eur!.Value) { TargetId = commitmentId };
    }

    /// <summary>A disbursement; <paramref name="supportCostPercent"/> (0 = off, the default) charges that share of it as programme support cost.</summary>
    public static FundCommand Disbursement(DisbursementCommand input, DateOnly today, decimal supportCostPercent = 0m)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var commitmentId = Id("commitmentId", input.CommitmentId, errors);
        var eur = Eur(input.EurValue, errors);
        var payee = errors.Text("payee", input.Payee, MaxPayee);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        var supportCost = (long)Math.Round(eur!.Value * supportCostPercent / 100m, 0, MidpointRounding.AwayFromZero);
        return new FundCommand(PostingKind.Disbursement, date, eur.Value) { TargetId = commitmentId, Payee = payee, Reference = Null(reference), SupportCostMinor = supportCost };
    }

    public static FundCommand WriteOff(string pledgeId, WriteOffCommand input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var date = Date(input.Date, today, errors);
        var reason = errors.Text("reason", input.Reason, MaxReference);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.WriteOff, date, 0) { TargetId = pledgeId, Reason = reason };
    }

    /// <summary>
    /// A month-end revaluation: <paramref name="lines"/> are the outstanding pledges at the month's rates (the handler
    /// computes them from the pledges and the rates); dated the month's last day, which must have passed.
    /// </summary>
    public static FundCommand Revaluation(string? month, IReadOnlyList<RevaluationLine> lines, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var errors = new FieldErrors();
        var date = default(DateOnly);
        if (FundRates.ParseMonth(month) is not { } valid)
        {
            errors.Add("month", "'month' must be yyyy-MM, from 2002-01.");
        }
        else
        {
            date = DateOnly.ParseExact(valid + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1);
            if (date > today)
            {
                errors.Add("month", "A month is revalued at its end: this one has not ended yet.");
            }
        }

        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Revaluation, date, 0) { Revaluations = lines };
    }

    public static FundCommand Correction(string postingId, CorrectionCommand input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var eur = Eur(input.EurValue, errors);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Correction, date, eur!.Value) { TargetId = postingId, Reference = Null(reference) };
    }

    /// <summary>
    /// A value date: required, not before the fund existed, not after today in UTC (no grace for time zones ahead of
    /// UTC: a workflow posting "today" must never find the ledger already dated tomorrow).
    /// </summary>
    public static DateOnly Date(DateOnly? date, DateOnly today, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (date is null)
        {
            errors.Add("date", "'date' is required.");
            return default;
        }

        if (date < Earliest || date > today)
        {
            errors.Add("date", $"'date' must be from {Earliest:yyyy-MM-dd} and not in the future.");
        }

        return date.Value;
    }

    /// <summary>A ledger id (32 lowercase hex digits).</summary>
    /// <summary>Whether <paramref name="id"/> is a relocation id a commitment accepts (letters, digits and '-').</summary>
    public static bool IsRelocationId(string? id) => id is { Length: > 0 and <= MaxRelocationId } && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    public static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    private static string Id(string field, string? id, FieldErrors errors)
    {
        if (!IsId(id))
        {
            errors.Add(field, $"'{field}' must be an id this API issued (32 hex digits).");
        }

        return id ?? string.Empty;
    }

    private static string RelocationId(string? id, FieldErrors errors)
    {
        var text = errors.Text("relocationId", id, MaxRelocationId);
        if (text.Length > 0 && !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            errors.Add("relocationId", "'relocationId' may contain only letters, digits and '-'.");
        }

        return text;
    }

    /// <summary>
    /// The donor: <c>donorId</c> (any registered donor) or <c>donorStateCode</c> (a State, as the first contract had it);
    /// both may be given when they agree. Whether the donor is registered is the handler's check (it needs storage).
    /// </summary>
    private static string Donor(string? donorId, string? stateCode, FieldErrors errors)
    {
        if (donorId is not null)
        {
            if (!FundDonorIds.IsValid(donorId))
            {
                errors.Add("donorId", FundDonorIds.Rule);
            }
            else if (stateCode is not null && stateCode != donorId)
            {
                errors.Add("donorStateCode", "'donorStateCode' and 'donorId' name different donors; give one of them.");
            }

            return donorId;
        }

        if (string.IsNullOrWhiteSpace(stateCode))
        {
            errors.Add("donorStateCode", "'donorStateCode' (or 'donorId') is required.");
        }
        else if (!IsoCodes.IsCountry(stateCode))
        {
            errors.Add("donorStateCode", "'donorStateCode' must be an ISO 3166-1 alpha-3 code in upper case, such as NOR.");
        }

        return stateCode ?? string.Empty;
    }

    /// <summary>
    /// The EUR value: as given; else the amount itself for EUR; else the amount at the month's rate, rounded to the cent
    /// (half away from zero). Without any of these it is an error on <c>eurValue</c>.
    /// </summary>
    private static long? EurOrRate(decimal? value, Money? amount, DateOnly? date, decimal? rate, FieldErrors errors)
    {
        if (value is not null || amount is null)
        {
            return Eur(value, errors);
        }

        if (amount.Value.Currency == Currencies.Euro)
        {
            return amount.Value.Minor;
        }

        if (rate is not { } r)
        {
            var month = date?.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture) ?? "the month of 'date'";
            errors.Add("eurValue", $"'eurValue' is required: there is no {amount.Value.Currency} rate for {month}; record the month's rates or give 'eurValue'.");
            return null;
        }

        var minor = (long)Math.Round(amount.Value.Major * r * 100m, 0, MidpointRounding.AwayFromZero);
        if (minor <= 0 || minor > (long)(Money.MaxMajor * 100m))
        {
            errors.Add("eurValue", "The amount at this month's rate is not a valid EUR value; give 'eurValue'.");
            return null;
        }

        return minor;
    }

    private static Money? Amount(MoneyFields? input, FieldErrors errors)
    {
        if (input is null)
        {
            errors.Add("amount", "'amount' is required.");
            return null;
        }

        return Money.FromMajor(input.Value, input.Currency, "amount.value", "amount.currency", errors);
    }

    private static long? Eur(decimal? value, FieldErrors errors) => Money.ToMinor(value, 2, "eurValue", errors);

    private static string? Null(string text) => text.Length == 0 ? null : text;
}
