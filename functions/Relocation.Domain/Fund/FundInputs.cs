using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>An amount as a caller sends it: <c>{value, currency}</c> in major units.</summary>
public sealed record MoneyInput(decimal? Value, string? Currency);

/// <summary><c>POST /api/fund/pledges</c>.</summary>
public sealed record PledgeInput(string? DonorStateCode, MoneyInput? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference);

/// <summary><c>POST /api/fund/receipts</c>.</summary>
public sealed record ReceiptInput(string? DonorStateCode, string? PledgeId, MoneyInput? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference);

/// <summary><c>POST /api/fund/commitments</c>; <c>purpose</c> (optional) lets the commitment use money earmarked for it.</summary>
public sealed record CommitmentInput(string? RelocationId, decimal? EurValue, DateOnly? Date, string? Reference, string? Purpose = null);

/// <summary><c>POST /api/fund/commitments/{id}/release</c>.</summary>
public sealed record ReleaseInput(decimal? EurValue, DateOnly? Date);

/// <summary><c>POST /api/fund/disbursements</c>.</summary>
public sealed record DisbursementInput(string? CommitmentId, decimal? EurValue, string? Payee, DateOnly? Date, string? Reference);

/// <summary><c>POST /api/fund/postings/{id}/correction</c>: reverses a pledge or a receipt; <c>eurValue</c> repeats the original's.</summary>
public sealed record CorrectionInput(decimal? EurValue, DateOnly? Date, string? Reference);

/// <summary>Shared checks of fund inputs: dates, texts, ids.</summary>
public static class FundInput
{
    public const int MaxEarmark = 100;
    public const int MaxReference = 200;
    public const int MaxPayee = 200;
    public const int MaxRelocationId = 64;

    /// <summary>The earliest value date: the fund did not exist before.</summary>
    public static readonly DateOnly Earliest = new(2002, 1, 1);

    public static FundCommand Pledge(PledgeInput input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var donor = Donor(input.DonorStateCode, errors);
        var amount = Amount(input.Amount, errors);
        var eur = Eur(input.EurValue, errors);
        var earmark = errors.Text("earmark", input.Earmark, MaxEarmark, required: false);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Pledge, date, eur!.Value) { DonorStateCode = donor, Amount = amount, Earmark = earmark, Reference = Null(reference) };
    }

    public static FundCommand Receipt(ReceiptInput input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var donor = Donor(input.DonorStateCode, errors);
        var pledgeId = input.PledgeId is null ? null : Id("pledgeId", input.PledgeId, errors);
        var amount = Amount(input.Amount, errors);
        var eur = Eur(input.EurValue, errors);
        var earmark = errors.Text("earmark", input.Earmark, MaxEarmark, required: false);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Receipt, date, eur!.Value)
        {
            DonorStateCode = donor, TargetId = pledgeId, Amount = amount, Earmark = earmark, Reference = Null(reference),
        };
    }

    public static FundCommand Commitment(CommitmentInput input, DateOnly today)
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

    public static FundCommand Release(string commitmentId, ReleaseInput input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var eur = Eur(input.EurValue, errors);
        var date = Date(input.Date, today, errors);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Release, date, eur!.Value) { TargetId = commitmentId };
    }

    public static FundCommand Disbursement(DisbursementInput input, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var commitmentId = Id("commitmentId", input.CommitmentId, errors);
        var eur = Eur(input.EurValue, errors);
        var payee = errors.Text("payee", input.Payee, MaxPayee);
        var date = Date(input.Date, today, errors);
        var reference = errors.Text("reference", input.Reference, MaxReference, required: false);
        errors.ThrowIfAny();
        return new FundCommand(PostingKind.Disbursement, date, eur!.Value) { TargetId = commitmentId, Payee = payee, Reference = Null(reference) };
    }

    public static FundCommand Correction(string postingId, CorrectionInput input, DateOnly today)
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

    private static string Donor(string? code, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            errors.Add("donorStateCode", "'donorStateCode' is required.");
        }
        else if (!IsoCodes.IsCountry(code))
        {
            errors.Add("donorStateCode", "'donorStateCode' must be an ISO 3166-1 alpha-3 code in upper case, such as NOR.");
        }

        return code ?? string.Empty;
    }

    private static Money? Amount(MoneyInput? input, FieldErrors errors)
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
