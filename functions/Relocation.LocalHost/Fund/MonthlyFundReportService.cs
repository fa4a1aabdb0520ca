using Microsoft.DurableTask.Client;
using Relocation.Workflows.Fund;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>MonthlyFundReport</c>: on the 1st of each month at 06:00 UTC
/// (the default <c>Fund__MonthlyReportSchedule</c>, <c>0 0 6 1 * *</c>) it schedules the month's report. Only the
/// "second minute hour day * *" form is understood here; anything else falls back to the default, with a warning.
/// </summary>
internal sealed partial class MonthlyFundReportService(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<MonthlyFundReportService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("monthly-fund-report");
        var (day, hour, minute) = Parse(configuration["Fund:MonthlyReportSchedule"]);
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = FundReportInstance.NextMonthlyRun(time.GetUtcNow(), day, hour, minute);
            // Task.Delay takes at most ~24.8 days: wait in steps and re-check.
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, time, stoppingToken);
                if (time.GetUtcNow() < next)
                {
                    continue;
                }
            }

            try
            {
                var client = services.GetRequiredService<DurableTaskClient>();
                await FundReportInstance.StartAsync(client, new FundReportRequest(FundReportInstance.MonthlyReportId(next), null), stoppingToken);
                LogScheduled(logger, next);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private (int Day, int Hour, int Minute) Parse(string? schedule)
    {
        var fields = (schedule ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6 && fields[4] == "*" && fields[5] == "*"
            && int.TryParse(fields[1], out var minute) && minute is >= 0 and < 60
            && int.TryParse(fields[2], out var hour) && hour is >= 0 and < 24
            && int.TryParse(fields[3], out var day) && day is >= 1 and <= 28)
        {
            return (day, hour, minute);
        }

        if (!string.IsNullOrEmpty(schedule))
        {
            LogUnsupported(logger, schedule);
        }

        return (1, 6, 0);
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Monthly fund report scheduled for {Due:o}")]
    private static partial void LogScheduled(ILogger logger, DateTimeOffset due);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Monthly fund report could not be scheduled")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Fund:MonthlyReportSchedule '{Schedule}' is not of the form 's m h d * *'; using 0 0 6 1 * *")]
    private static partial void LogUnsupported(ILogger logger, string schedule);
}
