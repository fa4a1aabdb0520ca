using Relocation.Domain.Capacities;
using Relocation.Domain.States;

namespace Relocation.Domain.Relocations;

/// <summary>
/// What the relocation statistics need of one case, derived from the case row alone and kept beside it (one line per
/// case, rewritten with every change of the case), so the report reads one year's lines and never the cases.
/// No pseudonym, no case reference, no protected detail: States appear only to be mapped to their regional group.
/// </summary>
public sealed record StatsLine(
    string Id,
    RelocationPriority Priority,
    RelocationKind Kind,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FirstOfferAt,
    DateTimeOffset? PlacedAt,
    int Rounds,
    bool Escalated,
    bool Withdrawn,
    IReadOnlyList<StatsResponse> Responses)
{
    public static StatsLine From(RelocationCase relocation)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var responses = relocation.Rounds.SelectMany(r => r.Asked.Select(a => new StatsResponse(
                a.StateCode, r.StartedAt, relocation.Offers.FirstOrDefault(o => o.Round == r.Number && o.StateCode == a.StateCode)?.At)))
            .ToArray();
        return new StatsLine(
            relocation.Id,
            relocation.Facts.Priority,
            relocation.Facts.Kind,
            relocation.State.SubmittedAt,
            relocation.Offers.Where(o => o.Decision == OfferDecision.Offer).Select(o => (DateTimeOffset?)o.At).Min(),
            relocation.State.Accepted?.At,
            relocation.Rounds.Count,
            relocation.Status == RelocationStatus.Escalated || relocation.Timeline.Any(t => t.What == "Escalated"),
            relocation.Status == RelocationStatus.Withdrawn,
            responses);
    }
}

/// <summary>A State asked in a round (when) and when it answered, if it did.</summary>
public sealed record StatsResponse(string StateCode, DateTimeOffset AskedAt, DateTimeOffset? AnsweredAt);

/// <summary>
/// The Assembly's relocation statistics for a year (cases by the year they were submitted). Small cells are
/// suppressed so that no case can be singled out: a count from 1 to 4 is shown as "&lt;5", and a median or p90 is
/// given only when at least 5 values make it (else "&lt;5", or null when there is none). Percentiles are by nearest
/// rank (p90 of n sorted values is the value at rank ⌈0.9·n⌉; the median is the value at rank ⌈0.5·n⌉); times are
/// hours rounded to one decimal; the response rate is a whole percentage.
/// </summary>
public static class RelocationStatistics
{
    public const int MinimumCell = 5;
    public const string Suppressed = "<5";

    public static RelocationReport Compute(int year, IEnumerable<StatsLine> lines, IReadOnlyDictionary<string, RegionalGroup> regions)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(regions);
        var cases = lines.Where(l => l.SubmittedAt.UtcDateTime.Year == year).ToArray();
        var rows = cases
            .GroupBy(l => (l.Priority, l.Kind))
            .OrderBy(g => g.Key.Priority).ThenBy(g => g.Key.Kind)
            .Select(g => new PriorityKindRow(
                g.Key.Priority,
                g.Key.Kind,
                Count(g.Count()),
                Spread(g.Where(l => l.FirstOfferAt is not null).Select(l => Hours(l.FirstOfferAt!.Value - l.SubmittedAt))),
                Spread(g.Where(l => l.PlacedAt is not null).Select(l => Hours(l.PlacedAt!.Value - l.SubmittedAt))),
                Stat(g.Where(l => l.PlacedAt is not null).Select(l => (double)l.Rounds).ToArray(), 50),
                Count(g.Count(l => l.Escalated)),
                Count(g.Count(l => l.Withdrawn))))
            .ToArray();
        var byRegion = cases
            .SelectMany(l => l.Responses)
            .GroupBy(r => regions.TryGetValue(r.StateCode, out var region) ? region.ToString() : "Unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var asked = g.Count();
                var answered = g.Where(r => r.AnsweredAt is not null).Select(r => Hours(r.AnsweredAt!.Value - r.AskedAt)).ToArray();
                return new RegionRow(g.Key, Count(asked),
                    asked < MinimumCell ? Suppressed : Number(Math.Round(100.0 * answered.Length / asked, MidpointRounding.AwayFromZero)),
                    Stat(answered, 50));
            })
            .ToArray();
        return new RelocationReport(year, Count(cases.Length), Count(cases.Count(l => l.Escalated)), Count(cases.Count(l => l.Withdrawn)), rows, byRegion);
    }

    /// <summary>A count as published: 0, 5 and more as they are; 1 to 4 as "&lt;5".</summary>
    public static string Count(int n) => n is > 0 and < MinimumCell ? Suppressed : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The nearest-rank percentile of at least <see cref="MinimumCell"/> values, else "&lt;5" (or null for none).</summary>
    public static string? Stat(IReadOnlyList<double> values, int percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count < MinimumCell)
        {
            return Suppressed;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return Number(Math.Round(sorted[Math.Clamp(rank, 1, sorted.Length) - 1], 1, MidpointRounding.AwayFromZero));
    }

    // Cells are text (a number, or "<5"), one type for every cell of the contract.
    private static string Number(double value)
    {
        return value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Spread Spread(IEnumerable<double> values)
    {
        var all = values.ToArray();
        return new Spread(Stat(all, 50), Stat(all, 90));
    }

    private static double Hours(TimeSpan span) => span.TotalHours;
}

/// <summary>The report; cells are numbers as text, or "&lt;5" where fewer than 5 cases would show.</summary>
public sealed record RelocationReport(int Year, string Requests, string Escalations, string Withdrawals, IReadOnlyList<PriorityKindRow> ByPriorityAndKind, IReadOnlyList<RegionRow> ByRegion);

/// <summary>One priority and kind.</summary>
public sealed record PriorityKindRow(RelocationPriority Priority, RelocationKind Kind, string Requests, Spread HoursToFirstOffer, Spread HoursToPlacement, string? MedianRounds,
    string Escalations, string Withdrawals);

/// <summary>States' answers by regional group: offer requests sent, the share answered, the median hours to answer.</summary>
public sealed record RegionRow(string Region, string Asked, string ResponseRatePercent, string? MedianResponseHours);

/// <summary>Median and p90 of a time.</summary>
public sealed record Spread(string? Median, string? P90);
