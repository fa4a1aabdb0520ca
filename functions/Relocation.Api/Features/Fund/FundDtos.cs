using Relocation.Api.Json;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;

namespace Relocation.Api.Features.Fund;

internal sealed record EntryDto(string Account, decimal EurValue);

/// <summary>A posting as the API shows it: EUR in major units; the id names it for releases, disbursements and corrections.</summary>
internal sealed record PostingDto(
    string Id,
    long Sequence,
    string Kind,
    DateOnly Date,
    DateTimeOffset RecordedAt,
    decimal EurValue,
    MoneyDto? Amount,
    string? DonorStateCode,
    string? PledgeId,
    string? CommitmentId,
    string? CorrectsId,
    string? RelocationId,
    string? Earmark,
    string? Payee,
    string? Reference,
    IReadOnlyList<EntryDto> Entries)
{
    /// <summary>The donor's id (for a State, the same as <c>donorStateCode</c>).</summary>
    public string? DonorId { get; init; }

    public DateOnly? DueDate { get; init; }

    public string? Reason { get; init; }

    /// <summary>For a receipt against a pledge: its realised exchange difference in EUR, positive for a gain.</summary>
    public decimal? ExchangeGainLoss { get; init; }

    /// <summary>For a revaluation (or its correction): each pledge, its outstanding amount and its new EUR value.</summary>
    public IReadOnlyList<RevaluationDto>? Revaluations { get; init; }

    public static PostingDto From(Posting p) => new(
        p.Id,
        p.Sequence,
        p.Kind.ToString(),
        p.Date,
        p.RecordedAt,
        Money.EuroMajor(p.EurMinor),
        p.Amount is { } a ? MoneyDto.From(a) : null,
        IsoCodes.IsCountry(p.DonorStateCode) ? p.DonorStateCode : null,
        p.Kind is PostingKind.Receipt or PostingKind.WriteOff ? p.TargetId : null,
        p.Kind is PostingKind.Release or PostingKind.Disbursement ? p.TargetId : null,
        p.Kind == PostingKind.Correction ? p.TargetId : null,
        p.RelocationId,
        p.Earmark.Length == 0 ? null : p.Earmark,
        p.Payee,
        p.Reference,
        p.Entries.Select(e => new EntryDto(e.Account, Money.EuroMajor(e.EurMinor))).ToArray())
    {
        DonorId = p.DonorStateCode,
        DueDate = p.DueDate,
        Reason = p.Reason,
        ExchangeGainLoss = p.Kind == PostingKind.Receipt && p.TargetId is not null ? Money.EuroMajor(p.EurMinor - p.Booked) : null,
        Revaluations = p.Revaluations.Count == 0 ? null : p.Revaluations.Select(r => new RevaluationDto(r.PledgeId, r.DonorId, r.NewEur / 100m, Money.EuroMajor(r.Adjustment))).ToArray(),
    };
}

/// <summary>A donor's line; <c>stateCode</c> only for a State donor, <c>donorId</c> for every donor.</summary>
internal sealed record DonorDto(string? StateCode, decimal Pledged, decimal Received, decimal Outstanding)
{
    public string DonorId { get; init; } = string.Empty;

    public decimal ExchangeGainLoss { get; init; }

    public decimal WrittenOff { get; init; }
}

internal sealed record YearDto(int Year, decimal Pledged, decimal Received, decimal Committed, decimal Released, decimal Disbursed)
{
    public decimal ExchangeGainLoss { get; init; }

    public decimal WrittenOff { get; init; }
}

internal sealed record RevaluationDto(string PledgeId, string? DonorId, decimal EurValue, decimal Adjustment);

/// <summary><c>PUT /api/fund/rates/{yyyy-MM}</c>'s answer.</summary>
internal sealed record RatesDto(string Month, IReadOnlyDictionary<string, decimal> Rates);

/// <summary><c>PUT /api/fund/donors/{id}</c>'s answer.</summary>
internal sealed record DonorRegisterDto(string Id, string Name, string Kind, string? Country);

internal sealed record EarmarkDto(string? Earmark, decimal Cash);

/// <summary><c>GET /api/fund/balance</c>: every amount in EUR (major units).</summary>
internal sealed record BalanceDto(
    DateOnly? AsOf,
    long Sequence,
    decimal Cash,
    decimal Committed,
    decimal Available,
    decimal PledgedOutstanding,
    decimal Disbursed,
    IReadOnlyList<DonorDto> ByDonor,
    IReadOnlyList<YearDto> ByYear,
    IReadOnlyList<EarmarkDto> ByEarmark)
{
    /// <summary>Realised exchange differences, positive for a net gain.</summary>
    public decimal ExchangeGainLoss { get; init; }

    public decimal WrittenOff { get; init; }

    /// <summary>Unrealised exchange differences of month-end revaluations, positive for a net gain.</summary>
    public decimal UnrealisedExchangeGainLoss { get; init; }

    /// <summary>Programme support cost charged on disbursements (0 while the charge is off, the default).</summary>
    public decimal ProgrammeSupportCost { get; init; }

    public static BalanceDto From(FundBalance b) => new(
        b.AsOf,
        b.Sequence,
        Money.EuroMajor(b.Cash),
        Money.EuroMajor(b.Committed),
        Money.EuroMajor(b.Available),
        Money.EuroMajor(b.PledgedOutstanding),
        Money.EuroMajor(b.Disbursed),
        b.ByDonor.Select(d => new DonorDto(IsoCodes.IsCountry(d.StateCode) ? d.StateCode : null, Money.EuroMajor(d.Pledged), Money.EuroMajor(d.Received), Money.EuroMajor(d.Outstanding))
        {
            DonorId = d.StateCode, ExchangeGainLoss = Money.EuroMajor(d.ExchangeGainLoss), WrittenOff = Money.EuroMajor(d.WrittenOff),
        }).ToArray(),
        b.ByYear.Select(y => new YearDto(y.Year, Money.EuroMajor(y.Pledged), Money.EuroMajor(y.Received), Money.EuroMajor(y.Committed), Money.EuroMajor(y.Released), Money.EuroMajor(y.Disbursed))
        {
            ExchangeGainLoss = Money.EuroMajor(y.ExchangeGainLoss), WrittenOff = Money.EuroMajor(y.WrittenOff),
        }).ToArray(),
        b.CashByEarmark.Select(e => new EarmarkDto(e.Key.Length == 0 ? null : e.Key, Money.EuroMajor(e.Value))).ToArray())
    {
        ExchangeGainLoss = Money.EuroMajor(b.ExchangeGainLoss),
        WrittenOff = Money.EuroMajor(b.WrittenOff),
        UnrealisedExchangeGainLoss = Money.EuroMajor(b.UnrealisedExchange),
        ProgrammeSupportCost = Money.EuroMajor(b.ProgrammeSupportCost),
    };
}

internal sealed record ExpectedReceiptDto(string PledgeId, string DonorId, DateOnly? DueDate, MoneyDto? Amount, decimal EurValue);

/// <summary><c>GET /api/fund/forecast</c>: EUR in major units; <c>runwayMonths</c> and <c>runsOutOn</c> absent when nothing was disbursed in 12 months.</summary>
internal sealed record ForecastDto(
    DateOnly AsOf,
    decimal Available,
    decimal CommittedOutstanding,
    IReadOnlyList<ExpectedReceiptDto> ExpectedReceipts,
    decimal ExpectedReceiptsTotal,
    decimal AverageMonthlyDisbursement,
    decimal? RunwayMonths,
    DateOnly? RunsOutOn,
    decimal ThresholdMonths,
    bool BelowThreshold)
{
    public static ForecastDto From(FundForecast f) => new(
        f.AsOf,
        Money.EuroMajor(f.Available),
        Money.EuroMajor(f.CommittedOutstanding),
        f.ExpectedReceipts.Select(r => new ExpectedReceiptDto(r.PledgeId, r.DonorId, r.DueDate, r.Outstanding is { } m ? new MoneyDto(m.Major, m.Currency) : null, Money.EuroMajor(r.EurMinor))).ToArray(),
        Money.EuroMajor(f.ExpectedReceiptsTotal),
        Money.EuroMajor(f.AverageMonthlyDisbursement),
        f.RunwayMonths,
        f.RunsOutOn,
        f.ThresholdMonths,
        f.BelowThreshold);
}

internal sealed record StatementDonorDto(string Id, string Name, string Kind, string? Country);

internal sealed record StatementLineDto(DateOnly Date, string Item, string PostingId, string? PledgeId, MoneyDto? Amount, decimal EurValue, decimal ExchangeGainLoss, string? Earmark, string? Reference);

internal sealed record StatementPledgeDto(string PledgeId, DateOnly Date, DateOnly? DueDate, MoneyDto? Amount, decimal EurValue, MoneyDto? Received, MoneyDto? WrittenOff, MoneyDto? Outstanding, decimal OutstandingEur, string? Earmark);

internal sealed record StatementEarmarkDto(string Earmark, decimal Received, decimal FundCashRemaining);

/// <summary>
/// <c>GET /api/fund/donors/{id}/statement</c> (IPSAS 23 presentation): pledges disclosed, revenue at pledge (receipt
/// when unpledged), exchange differences and write-offs apart; no relocation, case, pseudonym or receiving State.
/// </summary>
internal sealed record StatementDto(
    StatementDonorDto Donor,
    DateOnly From,
    DateOnly To,
    decimal OpeningOutstanding,
    decimal Pledged,
    decimal Received,
    decimal ReceivedUnpledged,
    decimal ExchangeGainLoss,
    decimal UnrealisedExchangeGainLoss,
    decimal WrittenOff,
    decimal ClosingOutstanding,
    IReadOnlyList<StatementLineDto> Lines,
    IReadOnlyList<StatementPledgeDto> Pledges,
    IReadOnlyList<StatementEarmarkDto> Earmarks)
{
    public static StatementDto Of(FundStatement s) => new(
        new StatementDonorDto(s.Donor.Id, s.Donor.Name, s.Donor.Kind.ToString(), s.Donor.Country),
        s.From,
        s.To,
        Money.EuroMajor(s.OpeningOutstanding),
        Money.EuroMajor(s.Pledged),
        Money.EuroMajor(s.Received),
        Money.EuroMajor(s.ReceivedUnpledged),
        Money.EuroMajor(s.ExchangeGainLoss),
        Money.EuroMajor(s.UnrealisedExchange),
        Money.EuroMajor(s.WrittenOff),
        Money.EuroMajor(s.ClosingOutstanding),
        s.Lines.Select(l => new StatementLineDto(l.Date, l.Kind, l.PostingId, l.PledgeId, M(l.Amount), Money.EuroMajor(l.EurMinor), Money.EuroMajor(l.ExchangeGainLoss), l.Earmark, l.Reference)).ToArray(),
        s.Pledges.Select(p => new StatementPledgeDto(p.PledgeId, p.Date, p.DueDate, M(p.Amount), Money.EuroMajor(p.EurMinor),
            M(p.Amount is { } a ? a with { Minor = p.ReceivedAmount } : null), M(p.Amount is { } b ? b with { Minor = p.WrittenOffAmount } : null),
            M(p.Amount is { } c ? c with { Minor = p.OutstandingAmount } : null), Money.EuroMajor(p.OutstandingEur), p.Earmark)).ToArray(),
        s.Earmarks.Select(e => new StatementEarmarkDto(e.Earmark, Money.EuroMajor(e.Received), Money.EuroMajor(e.FundCashRemaining))).ToArray());

    private static MoneyDto? M(Money? m) => m is { } x ? new MoneyDto(x.Major, x.Currency) : null;
}
