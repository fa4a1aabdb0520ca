namespace Relocation.Domain.Fund;

/// <summary>One pledge of a donor as of the statement's end: in its currency, and its booked EUR still receivable.</summary>
public sealed record StatementPledge(string PledgeId, DateOnly Date, DateOnly? DueDate, Money? Amount, long EurMinor, long ReceivedAmount, long WrittenOffAmount, long OutstandingAmount, long OutstandingEur, string? Earmark);

/// <summary>One line of the statement's period: a pledge, receipt, write-off or correction.</summary>
public sealed record StatementLine(DateOnly Date, string Kind, string PostingId, string? PledgeId, Money? Amount, long EurMinor, long ExchangeGainLoss, string? Earmark, string? Reference);

/// <summary>What a donor gave for one earmark in the period, and what is left of the earmark Fund-wide at its end.</summary>
public sealed record StatementEarmark(string Earmark, long Received, long FundCashRemaining);

/// <summary>
/// A donor's statement for a period (IPSAS 23 presentation): pledges disclosed; revenue recognised when the pledge is
/// made (binding) — or at receipt for unpledged money; exchange differences and write-offs shown apart. It reconciles:
/// opening outstanding + pledged − received against pledges + exchange gain/loss (realised and unrealised) − written off
/// = closing outstanding, and the closing
/// outstanding is the ledger's receivable for the donor at the end date. It names no relocation, case, pseudonym or
/// receiving State: only the donor's own postings are read, and disbursements are not among them.
/// </summary>
public sealed record FundStatement(
    FundDonor Donor,
    DateOnly From,
    DateOnly To,
    long OpeningOutstanding,
    long Pledged,
    long Received,
    long ReceivedUnpledged,
    long ExchangeGainLoss,
    long UnrealisedExchange,
    long WrittenOff,
    long ClosingOutstanding,
    IReadOnlyList<StatementLine> Lines,
    IReadOnlyList<StatementPledge> Pledges,
    IReadOnlyList<StatementEarmark> Earmarks)
{
    /// <summary>
    /// Folds the donor's postings (all of them, in value-date order) into the statement for [from, to];
    /// <paramref name="fundCashByEarmark"/> is the Fund's cash by earmark at the end of <paramref name="to"/>.
    /// </summary>
    public static FundStatement Build(FundDonor donor, DateOnly from, DateOnly to, IReadOnlyList<Posting> postings, IReadOnlyDictionary<string, long> fundCashByEarmark)
    {
        ArgumentNullException.ThrowIfNull(donor);
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(fundCashByEarmark);
        var receivable = FundAccounts.Receivable(donor.Id);
        long Outstanding(IEnumerable<Posting> ps) => ps.SelectMany(p => p.Entries).Where(e => e.Account == receivable).Sum(e => e.EurMinor);
        long Sum(IEnumerable<Posting> ps, string account, int sign) => sign * ps.SelectMany(p => p.Entries).Where(e => e.Account == account).Sum(e => e.EurMinor);

        var before = postings.Where(p => p.Date < from).ToArray();
        var period = postings.Where(p => p.Date >= from && p.Date <= to).ToArray();
        var upTo = postings.Where(p => p.Date <= to).ToArray();
        var pledgedKind = (Posting p) => (p.CorrectedKind ?? p.Kind) == PostingKind.Pledge;
        var receiptKind = (Posting p) => (p.CorrectedKind ?? p.Kind) == PostingKind.Receipt;
        var sign = (Posting p) => p.Kind == PostingKind.Correction ? -1 : 1;

        var lines = period.Select(p => new StatementLine(
            p.Date,
            p.Kind == PostingKind.Correction ? $"Correction of {p.CorrectedKind}" : p.Kind.ToString(),
            p.Id,
            p.Kind is PostingKind.Receipt or PostingKind.WriteOff ? p.TargetId : p.Kind == PostingKind.Correction ? p.CorrectedPledgeId ?? p.TargetId : null,
            p.Amount,
            p.Kind == PostingKind.Revaluation || p.CorrectedKind == PostingKind.Revaluation
                ? p.Revaluations.Where(r => r.DonorId == donor.Id).Sum(r => r.Adjustment)
                : sign(p) * p.EurMinor,
            -p.Entries.Where(e => e.Account == FundAccounts.ExchangeGainLoss(donor.Id)).Sum(e => e.EurMinor),
            p.Earmark.Length == 0 ? null : p.Earmark,
            p.Reference)).ToArray();

        var book = new FundBook();
        foreach (var posting in upTo.OrderBy(p => p.Sequence))
        {
            book.Apply(posting);
        }

        var pledges = book.Documents.Values
            .Where(d => d.Kind == PostingKind.Pledge && d.CorrectedBy is null)
            .OrderBy(d => d.Date).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => new StatementPledge(d.Id, d.Date, d.DueDate, d.Currency is null ? null : new Money(d.AmountMinor, d.Currency), d.EurMinor,
                d.ReceivedAmount, d.WrittenOffAmount, d.OutstandingAmount, d.Remaining, d.Earmark.Length == 0 ? null : d.Earmark))
            .ToArray();

        var earmarks = period.Where(p => receiptKind(p) && p.Earmark.Length > 0)
            .GroupBy(p => p.Earmark, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new StatementEarmark(g.Key, g.Sum(p => sign(p) * p.EurMinor), fundCashByEarmark.GetValueOrDefault(g.Key)))
            .ToArray();

        return new FundStatement(
            donor,
            from,
            to,
            Outstanding(before),
            period.Where(pledgedKind).Sum(p => sign(p) * p.EurMinor),
            period.Where(receiptKind).Sum(p => sign(p) * p.EurMinor),
            period.Where(p => receiptKind(p) && p.Entries.Any(e => e.Account == FundAccounts.Contributions(donor.Id))).Sum(p => sign(p) * p.EurMinor),
            Sum(period, FundAccounts.ExchangeGainLoss(donor.Id), -1),
            Sum(period, FundAccounts.UnrealisedExchange(donor.Id), -1),
            Sum(period, FundAccounts.WrittenOff(donor.Id), 1),
            Outstanding(upTo),
            lines,
            pledges,
            earmarks);
    }
}
