using Relocation.Domain.Relocations;

namespace Relocation.Matching;

/// <summary>
/// The forecast behind the reservation (<see cref="PlanningInput.Forecast"/>): expected Emergency requests over the next
/// <see cref="HorizonDays"/>, at the rate of those submitted in the last <see cref="HistoryDays"/>, as copies of the most
/// recent ones (their needs, not their exclusions) re-timed evenly into the horizon with the Emergency relocation due
/// time. Only the past is read. Tuned in bench/Relocation.Simulation on seeds 1–12 (120/180 days), reported on held-out
/// seeds (bench/README.md); the workflow and the simulation both build it here, so what is measured is what runs.
/// </summary>
public sealed record DemandForecast
{
    /// <summary>How far ahead expected Emergencies keep places.</summary>
    public int HorizonDays { get; init; } = 120;

    /// <summary>How far back Emergency requests are counted for the rate (and copied).</summary>
    public int HistoryDays { get; init; } = 180;

    /// <summary>The priority forecast: Emergency (the simulation can forecast Urgent too: --urgent-forecast).</summary>
    public RelocationPriority Priority { get; init; } = RelocationPriority.Emergency;

    /// <summary>The relocation due time of <see cref="Priority"/> (PRODUCT.md: Emergency 7 days), counted from each expected arrival.</summary>
    public TimeSpan DueAfter { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The expected requests. <paramref name="past"/>: requests submitted before <paramref name="now"/> (any status; other
    /// priorities and those older than the history window are ignored). <paramref name="observedSince"/>: when the record starts (a
    /// young register counts its rate over its own age, at least 30 days); null, the whole window is assumed observed.
    /// Ids are <paramref name="idPrefix"/>-i-(template id), so a plan of the same input is the same plan.
    /// </summary>
    public IReadOnlyList<PlanRequest> Expected(IReadOnlyList<PlanRequest> past, DateTimeOffset now, string idPrefix, DateTimeOffset? observedSince = null)
    {
        ArgumentNullException.ThrowIfNull(past);
        if (HorizonDays <= 0)
        {
            return [];
        }

        var from = now.AddDays(-HistoryDays);
        if (observedSince is { } start && start > from)
        {
            from = start;
        }

        var recent = past.Where(r => r.Priority == Priority && r.SubmittedAt >= from && r.SubmittedAt < now)
            .OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray();
        var observedDays = Math.Max(30, (int)Math.Round((now - from).TotalDays, MidpointRounding.AwayFromZero));
        var expected = (int)Math.Round(recent.Length * (double)HorizonDays / observedDays, MidpointRounding.AwayFromZero);
        var forecast = new List<PlanRequest>(expected);
        for (var i = 0; i < expected && recent.Length > 0; i++)
        {
            var template = recent[recent.Length - 1 - (i % recent.Length)];
            var arrival = now.UtcDateTime.Date.AddDays((int)((i + 0.5) * HorizonDays / expected));
            var at = new DateTimeOffset(arrival, TimeSpan.Zero);
            var need = template.Need with { RelocationDueOn = DateOnly.FromDateTime(arrival + DueAfter) };
            forecast.Add(new PlanRequest($"{idPrefix}-{i}-{template.Id}", "forecast", Priority, need, at));
        }

        return forecast;
    }
}
