using Relocation.Domain.Fund;

namespace Relocation.Api.Features.Fund;

internal sealed record MoneyDto(decimal Value, string Currency);

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
    public static PostingDto From(Posting p) => new(
        p.Id,
        p.Sequence,
        p.Kind.ToString(),
        p.Date,
        p.RecordedAt,
        Money.EuroMajor(p.EurMinor),
        p.Amount is { } a ? new MoneyDto(a.Major, a.Currency) : null,
        p.DonorStateCode,
        p.Kind == PostingKind.Receipt ? p.TargetId : null,
        p.Kind is PostingKind.Release or PostingKind.Disbursement ? p.TargetId : null,
        p.Kind == PostingKind.Correction ? p.TargetId : null,
        p.RelocationId,
        p.Earmark.Length == 0 ? null : p.Earmark,
        p.Payee,
        p.Reference,
        p.Entries.Select(e => new EntryDto(e.Account, Money.EuroMajor(e.EurMinor))).ToArray());
}

internal sealed record DonorDto(string StateCode, decimal Pledged, decimal Received, decimal Outstanding);

internal sealed record YearDto(int Year, decimal Pledged, decimal Received, decimal Committed, decimal Released, decimal Disbursed);

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
    public static BalanceDto From(FundBalance b) => new(
        b.AsOf,
        b.Sequence,
        Money.EuroMajor(b.Cash),
        Money.EuroMajor(b.Committed),
        Money.EuroMajor(b.Available),
        Money.EuroMajor(b.PledgedOutstanding),
        Money.EuroMajor(b.Disbursed),
        b.ByDonor.Select(d => new DonorDto(d.StateCode, Money.EuroMajor(d.Pledged), Money.EuroMajor(d.Received), Money.EuroMajor(d.Outstanding))).ToArray(),
        b.ByYear.Select(y => new YearDto(y.Year, Money.EuroMajor(y.Pledged), Money.EuroMajor(y.Received), Money.EuroMajor(y.Committed), Money.EuroMajor(y.Released), Money.EuroMajor(y.Disbursed))).ToArray(),
        b.CashByEarmark.Select(e => new EarmarkDto(e.Key.Length == 0 ? null : e.Key, Money.EuroMajor(e.Value))).ToArray());
}
