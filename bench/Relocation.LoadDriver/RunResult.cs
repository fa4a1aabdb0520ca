using System.Globalization;

namespace Relocation.LoadDriver;

/// <summary>One run's figures: throughput and latency percentiles.</summary>
internal sealed record RunResult(string Name, int Cases, TimeSpan Elapsed, IReadOnlyList<double> DispatchedMs, IReadOnlyList<double> HeldMs)
{
    public double CasesPerSecond => Cases / Elapsed.TotalSeconds;

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public string Row(long peakMemoryMb) => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Cases} | {Elapsed.TotalSeconds:F1} | {CasesPerSecond:F2} | {Percentile(DispatchedMs, 50):F0} | {Percentile(DispatchedMs, 95):F0} | {Percentile(HeldMs, 50):F0} | {Percentile(HeldMs, 95):F0} | {peakMemoryMb} |");
}
