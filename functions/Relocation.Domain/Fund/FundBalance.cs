namespace Relocation.Domain.Fund;

/// <summary>A donor's line of the balance, in EUR minor units.</summary>
/// <remarks><see cref="StateCode"/> is the donor's id (a State's code for States).</remarks>
public sealed record DonorBalance(string StateCode, long Pledged, long Received, long Outstanding)
{
    public long ExchangeGainLoss { get; init; }

    public long WrittenOff { get; init; }
}

/// <summary>A year's line of the balance, in EUR minor units.</summary>
public sealed record YearBalance(int Year, long Pledged, long Received, long Committed, long Released, long Disbursed)
{
    public long ExchangeGainLoss { get; init; }

    public long WrittenOff { get; init; }
}

/// <summary>The fund's balance in EUR minor units, now or as of a value date.</summary>
public sealed record FundBalance(
    DateOnly? AsOf,
    long Sequence,
    long Cash,
    long Committed,
    long PledgedOutstanding,
    long Disbursed,
    IReadOnlyList<DonorBalance> ByDonor,
    IReadOnlyList<YearBalance> ByYear,
    IReadOnlyDictionary<string, long> CashByEarmark)
{
    /// <summary>Realised exchange differences, positive for a net gain.</summary>
    public long ExchangeGainLoss { get; init; }

    public long WrittenOff { get; init; }

    /// <summary>Unrealised exchange differences of month-end revaluations, positive for a net gain.</summary>
    public long UnrealisedExchange { get; init; }

    public long ProgrammeSupportCost { get; init; }

    /// <summary>Open commitments by purpose ("" for none).</summary>
    public IReadOnlyDictionary<string, long> CommittedByPurpose { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    public long Available => Cash - Committed;

    public static FundBalance From(FundPosition position, DateOnly? asOf)
    {
        ArgumentNullException.ThrowIfNull(position);
        return new FundBalance(
            asOf,
            position.Sequence,
            position.Cash,
            position.Committed,
            position.Receivable,
            position.Disbursed,
            position.Donors.Select(d => new DonorBalance(d.Key, d.Value.Pledged, d.Value.Received, d.Value.Outstanding)
            {
                ExchangeGainLoss = d.Value.ExchangeGainLoss, WrittenOff = d.Value.WrittenOff,
            }).ToArray(),
            position.Years.Select(y => new YearBalance(y.Key, y.Value.Pledged, y.Value.Received, y.Value.Committed, y.Value.Released, y.Value.Disbursed)
            {
                ExchangeGainLoss = y.Value.ExchangeGainLoss, WrittenOff = y.Value.WrittenOff,
            }).ToArray(),
            new SortedDictionary<string, long>(position.CashByEarmark, StringComparer.Ordinal))
        {
            ExchangeGainLoss = position.ExchangeGainLoss,
            WrittenOff = position.WrittenOff,
            UnrealisedExchange = position.UnrealisedExchange,
            ProgrammeSupportCost = position.ProgrammeSupportCost,
            CommittedByPurpose = new SortedDictionary<string, long>(position.CommittedByPurpose, StringComparer.Ordinal),
        };
    }
}
