namespace Relocation.Domain.Fund;

/// <summary>An outstanding pledge the Fund expects to receive: in its currency, and at its booked EUR.</summary>
public sealed record ExpectedReceipt(string PledgeId, string DonorId, DateOnly? DueDate, Money? Outstanding, long EurMinor);

/// <summary>
/// The Fund's outlook. <see cref="RunwayMonths"/> is how many months the available money (cash less
/// commitments) pays for at the average monthly disbursement of the last 12 months; null when nothing was disbursed
/// (no pace to run out at). Expected receipts are listed, not counted in the runway: a pledge is not cash.
/// </summary>
public sealed record FundForecast(
    DateOnly AsOf,
    long Available,
    long CommittedOutstanding,
    IReadOnlyList<ExpectedReceipt> ExpectedReceipts,
    long AverageMonthlyDisbursement,
    decimal? RunwayMonths,
    DateOnly? RunsOutOn,
    decimal ThresholdMonths)
{
    /// <summary>Days in an average month (365.25 / 12): the pace per day is the monthly average over this.</summary>
    public const decimal DaysPerMonth = 30.4375m;

    public bool BelowThreshold => RunwayMonths is { } months && months < ThresholdMonths;

    public long ExpectedReceiptsTotal => ExpectedReceipts.Sum(r => r.EurMinor);

    /// <summary>
    /// The forecast from the balance now, the cumulative disbursed amount at the end of the day 12 months ago, and the
    /// pledges. Average = (disbursed now − disbursed then) / 12, rounded to the cent; runway = available / average,
    /// truncated to two decimals; runs out on today + ⌊available / average × 30.4375⌋ days.
    /// </summary>
    public static FundForecast Compute(DateOnly today, FundBalance now, long disbursedTwelveMonthsAgo, IEnumerable<FundDocument> pledges, decimal thresholdMonths)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(pledges);
        var expected = pledges
            .Where(p => p.Kind == PostingKind.Pledge && p.CorrectedBy is null && p.OutstandingAmount > 0)
            .Select(p => new ExpectedReceipt(p.Id, p.DonorStateCode ?? string.Empty, p.DueDate, p.Currency is null ? null : new Money(p.OutstandingAmount, p.Currency), p.Remaining))
            .OrderBy(p => p.DueDate ?? DateOnly.MaxValue)
            .ThenBy(p => p.PledgeId, StringComparer.Ordinal)
            .ToArray();
        var average = (long)Math.Round((now.Disbursed - disbursedTwelveMonthsAgo) / 12m, 0, MidpointRounding.AwayFromZero);
        var available = Math.Max(0, now.Available);
        decimal? runway = null;
        DateOnly? runsOut = null;
        if (average > 0)
        {
            var exact = (decimal)available / average;
            runway = Math.Truncate(exact * 100m) / 100m;
            var days = Math.Floor(exact * DaysPerMonth);
            runsOut = days > 200 * 366 ? null : today.AddDays((int)days);
        }

        return new FundForecast(today, available, now.Committed, expected, average, runway, runsOut, thresholdMonths);
    }
}

/// <summary>Fund settings: the runway threshold that warns finance, and how revenue is recognised in reports.</summary>
public sealed class FundOptions
{
    public const string Section = "Fund";

    /// <summary>A forecast with fewer months of runway than this puts a warning in finance's inbox (once a month).</summary>
    public decimal RunwayWarningMonths { get; set; } = 6m;

    /// <summary>Programme support cost charged on each disbursement, in percent; 0 (the default) is off.</summary>
    [System.ComponentModel.DataAnnotations.Range(0d, 100d)]
    public decimal ProgrammeSupportCostPercent { get; set; }
}
