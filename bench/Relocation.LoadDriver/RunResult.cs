using System.Globalization;

namespace Relocation.LoadDriver;

/// <summary>One run's figures: throughput, latency percentiles and the engine work per case.</summary>
internal sealed record RunResult(string Name, int Cases, TimeSpan Elapsed, IReadOnlyList<double> DispatchedMs, IReadOnlyList<double> HeldMs)
{
    public double CasesPerSecond => Cases / Elapsed.TotalSeconds;

    /// <summary>Counted from the task hub's history after the run.</summary>
    public EngineWork? Work { get; init; }

    /// <summary>Arrival → applied per case (ours: as the user sees it; the floor: the arrival activity ran).</summary>
    public IReadOnlyList<double> ArrivedMs { get; init; } = [];

    /// <summary>Ours: when every case's steps were applied by the engine too (the floor: its elapsed time).</summary>
    public TimeSpan? Drained { get; init; }

    /// <summary>When the measured cases were started (UTC), and when the last one's offers were out: the burst's window.</summary>
    public (DateTime From, DateTime To) Burst { get; init; }

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
        $"| {Name} | {Cases} | {Elapsed.TotalSeconds:F1} | {CasesPerSecond:F2} | {Percentile(DispatchedMs, 50):F0} | {Percentile(DispatchedMs, 95):F0} | {Percentile(HeldMs, 50):F0} | {Percentile(HeldMs, 95):F0} | {peakMemoryMb} | {LoadAverage()} |");

    /// <summary>The 1-minute load average at the end of the run (the machine is shared; figures mean little without it).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
