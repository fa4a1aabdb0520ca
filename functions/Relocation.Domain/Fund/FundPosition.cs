using System.Text.Json.Serialization;

namespace Relocation.Domain.Fund;

/// <summary>A donor's running totals in EUR minor units.</summary>
/// <remarks>
/// <see cref="ExchangeGainLoss"/> is the realised exchange difference, positive for a gain (a donor's receipts worth more
/// EUR than its pledges were booked at). Pledged − Received + ExchangeGainLoss − WrittenOff = Outstanding.
/// </remarks>
public sealed record DonorTotals(long Pledged = 0, long Received = 0, long Outstanding = 0, long ExchangeGainLoss = 0, long WrittenOff = 0);

/// <summary>A year's totals (by value date) in EUR minor units.</summary>
public sealed record YearTotals(long Pledged = 0, long Received = 0, long Committed = 0, long Released = 0, long Disbursed = 0, long ExchangeGainLoss = 0, long WrittenOff = 0);

/// <summary>
/// The fund's running totals after the postings up to <see cref="Sequence"/>: the fold of the ledger that the head row
/// (and each daily cumulative row) stores, so a balance is one read whatever the ledger's size.
/// </summary>
public sealed class FundPosition
{
    [JsonInclude] public long Sequence { get; private set; }

    /// <summary>The latest value date of any posting: postings that reduce what is available may not be dated before it.</summary>
    [JsonInclude] public DateOnly? LatestDate { get; private set; }

    [JsonInclude] public long Cash { get; private set; }

    [JsonInclude] public long Committed { get; private set; }

    [JsonInclude] public long Receivable { get; private set; }

    [JsonInclude] public long Disbursed { get; private set; }

    /// <summary>Realised exchange differences, positive for a net gain.</summary>
    [JsonInclude] public long ExchangeGainLoss { get; private set; }

    [JsonInclude] public long WrittenOff { get; private set; }

    [JsonInclude] public long ProgrammeSupportCost { get; private set; }

    /// <summary>Unrealised exchange differences of revaluations, positive for a net gain.</summary>
    [JsonInclude] public long UnrealisedExchange { get; private set; }

    /// <summary>Cash by earmark; the key "" is unearmarked money.</summary>
    [JsonInclude] public SortedDictionary<string, long> CashByEarmark { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Open commitments by purpose; the key "" is commitments without a purpose.</summary>
    [JsonInclude] public SortedDictionary<string, long> CommittedByPurpose { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public SortedDictionary<string, DonorTotals> Donors { get; private set; } = new(StringComparer.Ordinal);

    [JsonInclude] public SortedDictionary<int, YearTotals> Years { get; private set; } = [];

    [JsonIgnore] public long Available => Cash - Committed;

    public FundPosition Copy() => System.Text.Json.JsonSerializer.Deserialize<FundPosition>(System.Text.Json.JsonSerializer.Serialize(this))!;

    /// <summary>
    /// Earmark rule: a commitment for purpose p uses money earmarked p first and unearmarked money for the rest;
    /// commitments without a purpose use only unearmarked money. The commitments fit when the unearmarked money covers
    /// the commitments without a purpose plus every purpose's overflow beyond its own earmarked money. (This implies
    /// cash ≥ committed, so available never goes below zero.)
    /// </summary>
    public bool CommitmentsFit()
    {
        long overflow = 0;
        foreach (var (purpose, committed) in CommittedByPurpose)
        {
            if (purpose.Length > 0)
            {
                overflow += Math.Max(0, committed - CashByEarmark.GetValueOrDefault(purpose));
            }
        }

        return CommittedByPurpose.GetValueOrDefault(string.Empty) + overflow <= CashByEarmark.GetValueOrDefault(string.Empty);
    }

    /// <summary>What a new commitment for <paramref name="purpose"/> could take without breaking <see cref="CommitmentsFit"/>.</summary>
    public long AvailableFor(string purpose)
    {
        long overflow = 0;
        foreach (var (p, committed) in CommittedByPurpose)
        {
            if (p.Length > 0)
            {
                overflow += Math.Max(0, committed - CashByEarmark.GetValueOrDefault(p));
            }
        }

        var freeUnearmarked = Math.Max(0, CashByEarmark.GetValueOrDefault(string.Empty) - CommittedByPurpose.GetValueOrDefault(string.Empty) - overflow);
        if (purpose.Length == 0)
        {
            return freeUnearmarked;
        }

        var freeEarmarked = Math.Max(0, CashByEarmark.GetValueOrDefault(purpose) - CommittedByPurpose.GetValueOrDefault(purpose));
        return freeUnearmarked + freeEarmarked;
    }

    /// <summary>Adds a decided posting. No rule is checked here: the rules decided the posting against this position.</summary>
    public void Apply(Posting posting)
    {
        ArgumentNullException.ThrowIfNull(posting);
        foreach (var entry in posting.Entries)
        {
            var (prefix, subject) = Split(entry.Account);
            switch (prefix)
            {
                case FundAccounts.Cash:
                    Cash += entry.EurMinor;
                    Add(CashByEarmark, subject, entry.EurMinor);
                    break;
                case "Receivable":
                    Receivable += entry.EurMinor;
                    Donor(subject, d => d with { Outstanding = d.Outstanding + entry.EurMinor });
                    break;
                case "Committed":
                    Committed -= entry.EurMinor;
                    Add(CommittedByPurpose, posting.Earmark, -entry.EurMinor);
                    break;
                case "Disbursed":
                    Disbursed += entry.EurMinor;
                    break;
                case "ExchangeGainLoss":
                    ExchangeGainLoss -= entry.EurMinor;
                    Donor(subject, d => d with { ExchangeGainLoss = d.ExchangeGainLoss - entry.EurMinor });
                    Year(posting.Date.Year, y => y with { ExchangeGainLoss = y.ExchangeGainLoss - entry.EurMinor });
                    break;
                case FundAccounts.ProgrammeSupportCost:
                    ProgrammeSupportCost += entry.EurMinor;
                    break;
                case "UnrealisedExchange":
                    UnrealisedExchange -= entry.EurMinor;
                    break;
                case "WrittenOff":
                    WrittenOff += entry.EurMinor;
                    Donor(subject, d => d with { WrittenOff = d.WrittenOff + entry.EurMinor });
                    Year(posting.Date.Year, y => y with { WrittenOff = y.WrittenOff + entry.EurMinor });
                    break;
                default:
                    break;
            }
        }

        var sign = posting.Kind == PostingKind.Correction ? -1 : 1;
        var amount = sign * posting.EurMinor;
        switch (posting.CorrectedKind ?? posting.Kind)
        {
            case PostingKind.Pledge:
                Donor(posting.DonorStateCode!, d => d with { Pledged = d.Pledged + amount });
                Year(posting.Date.Year, y => y with { Pledged = y.Pledged + amount });
                break;
            case PostingKind.Receipt:
                Donor(posting.DonorStateCode!, d => d with { Received = d.Received + amount });
                Year(posting.Date.Year, y => y with { Received = y.Received + amount });
                break;
            case PostingKind.Commitment:
                Year(posting.Date.Year, y => y with { Committed = y.Committed + amount });
                break;
            case PostingKind.Release:
                Year(posting.Date.Year, y => y with { Released = y.Released + amount });
                break;
            case PostingKind.Disbursement:
                Year(posting.Date.Year, y => y with { Disbursed = y.Disbursed + amount });
                break;
            default:
                break;
        }

        Sequence = Math.Max(Sequence, posting.Sequence);
        LatestDate = LatestDate is { } latest && latest > posting.Date ? latest : posting.Date;
    }

    private static (string Prefix, string Subject) Split(string account)
    {
        var colon = account.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (account, string.Empty) : (account[..colon], account[(colon + 1)..]);
    }

    private static void Add(SortedDictionary<string, long> map, string key, long delta)
    {
        var value = map.GetValueOrDefault(key) + delta;
        if (value == 0)
        {
            map.Remove(key);
        }
        else
        {
            map[key] = value;
        }
    }

    private void Donor(string code, Func<DonorTotals, DonorTotals> change) => Donors[code] = change(Donors.GetValueOrDefault(code) ?? new DonorTotals());

    private void Year(int year, Func<YearTotals, YearTotals> change) => Years[year] = change(Years.GetValueOrDefault(year) ?? new YearTotals());
}
