using System.Globalization;

namespace Relocation.LoadDriver;

/// <summary>Folds the host's <c>Server-Timing</c> headers (<c>claim;dur=1.2, handler;dur=…</c>) into p50/p95 per part.</summary>
internal static class ServerTiming
{
    public static string Summary(IEnumerable<string> headers)
    {
        var parts = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var header in headers)
        {
            foreach (var metric in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = metric.Split(';', StringSplitOptions.TrimEntries);
                var duration = fields.FirstOrDefault(f => f.StartsWith("dur=", StringComparison.Ordinal));
                if (duration is null || !double.TryParse(duration[4..], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                {
                    continue;
                }

                if (!parts.TryGetValue(fields[0], out var list))
                {
                    parts[fields[0]] = list = [];
                    order.Add(fields[0]);
                }

                list.Add(ms);
            }
        }

        return parts.Count == 0
            ? "no Server-Timing headers"
            : string.Join(", ", order.Select(name => string.Create(CultureInfo.InvariantCulture,
                $"{name} p50 {RunResult.Percentile(parts[name], 50):F0} / p95 {RunResult.Percentile(parts[name], 95):F0} ms")));
    }
}
