using System.Globalization;
using System.Text.RegularExpressions;

namespace Relocation.LoadDriver;

/// <summary>
/// Summarises the host's round-timing log (<c>RoundOpening</c>, one line per opening): per opener (the request, in
/// process; the orchestration's activity) and outcome, how many, and p50 / p95 of each phase. This is how the 12 s
/// between a request's answer and its offers at 50 cases was split into engine dispatch, plan wait, reads and solve.
/// </summary>
internal static partial class RoundPhases
{
    private static readonly string[] Fields = ["sinceSubmittedMs", "planWaitMs", "readAndPlanMs", "openSet", "batch", "readOpenMs", "readCandidatesMs", "forecastMs", "solveMs", "cpSatMs", "explainMs", "rankMs", "writeMs", "tellMs"];

    public static IEnumerable<string> Summarise(IEnumerable<string> output)
    {
        var rows = output.Select(line => Pair().Matches(line)).Where(m => m.Count > 0 && m.Any(x => x.Groups[1].Value == "by"))
            .Select(m => m.ToDictionary(x => x.Groups[1].Value, x => x.Groups[2].Value, StringComparer.Ordinal))
            .ToList();
        foreach (var group in rows.GroupBy(r => $"{r["by"]} {r["outcome"]}", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var parts = Fields.Select(field =>
            {
                var values = group.Select(r => r.TryGetValue(field, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : 0).ToList();
                return string.Create(CultureInfo.InvariantCulture, $"{field} {RunResult.Percentile(values, 50):F0}/{RunResult.Percentile(values, 95):F0}/{values.Max():F0}");
            });
            yield return $"round openings by {group.Key}: {group.Count()}; p50/p95/max {string.Join(", ", parts)}";
        }
    }

    [GeneratedRegex(@"\b(by|outcome|[A-Za-z]+Ms|openSet|batch)=([A-Za-z0-9.\-]+)")]
    private static partial Regex Pair();
}
