using System.Globalization;
using Relocation.Web.Services;

namespace Relocation.Web.Components;

/// <summary>The balance over time: one as-of point per month end, plotted as SVG polylines.</summary>
public static class BalanceSeries
{
    public const int Width = 720;
    public const int Height = 220;

    /// <summary>The last <paramref name="months"/> month ends before <paramref name="today"/>, oldest first, then today itself.</summary>
    public static IReadOnlyList<DateOnly> AsOfDates(DateOnly today, int months = 24)
    {
        var firstOfMonth = new DateOnly(today.Year, today.Month, 1);
        var dates = Enumerable.Range(1, months - 1).Select(i => firstOfMonth.AddMonths(-i).AddMonths(1).AddDays(-1)).Reverse().ToList();
        dates.Add(today);
        return dates;
    }

    /// <summary>The four measures of each point; the y axis starts at zero and ends at the largest value (at least 1).</summary>
    public static IReadOnlyList<(string Measure, string Points)> Lines(IReadOnlyList<BalancePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var max = Math.Max(1m, points.SelectMany(p => new[] { p.Cash, p.Committed, p.Available, p.PledgedOutstanding }).DefaultIfEmpty(0).Max());
        string Line(Func<BalancePoint, decimal> measure) => string.Join(' ', points.Select((p, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{X(i, points.Count):0.#},{Height - (double)(measure(p) / max) * Height:0.#}")));
        return
        [
            ("cash", Line(p => p.Cash)),
            ("committed", Line(p => p.Committed)),
            ("available", Line(p => p.Available)),
            ("pledged", Line(p => p.PledgedOutstanding)),
        ];
    }

    private static double X(int index, int count) => count <= 1 ? 0 : index * (double)Width / (count - 1);
}

/// <summary>The balance as of one date.</summary>
public sealed record BalancePoint(DateOnly AsOf, decimal Cash, decimal Committed, decimal Available, decimal PledgedOutstanding)
{
    public static BalancePoint From(DateOnly asOf, BalanceView balance)
    {
        ArgumentNullException.ThrowIfNull(balance);
        return new(asOf, balance.Cash, balance.Committed, balance.Available, balance.PledgedOutstanding);
    }
}
