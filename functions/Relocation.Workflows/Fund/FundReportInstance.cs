using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Domain.Fund;

namespace Relocation.Workflows.Fund;

/// <summary>Starting report orchestrations, from the API, the Functions timer and the local host's schedule alike.</summary>
public static class FundReportInstance
{
    /// <summary>The id of the monthly report for the month of <paramref name="firedAt"/>: one report per month however often the timer fires.</summary>
    public static string MonthlyReportId(DateTimeOffset firedAt) =>
        Posting.IdFor("fund-report:monthly:" + firedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture));

    /// <summary>Schedules the report; a report id already scheduled is left as it is.</summary>
    public static async Task StartAsync(DurableTaskClient client, FundReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        if (await client.GetInstanceAsync(request.ReportId, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(FundReportOrchestrator), request, new StartOrchestrationOptions(request.ReportId), cancellationToken);
        }
        catch (InvalidOperationException)
        {
            // Started by a concurrent request with the same id.
        }
    }

    /// <summary>The next time the monthly report is due: the 1st of a month at 06:00 UTC (NCRONTAB <c>0 0 6 1 * *</c>).</summary>
    public static DateTimeOffset NextMonthlyRun(DateTimeOffset now, int day = 1, int hour = 6, int minute = 0)
    {
        var utc = now.ToUniversalTime();
        var candidate = new DateTimeOffset(utc.Year, utc.Month, day, hour, minute, 0, TimeSpan.Zero);
        return candidate > utc ? candidate : candidate.AddMonths(1);
    }
}
