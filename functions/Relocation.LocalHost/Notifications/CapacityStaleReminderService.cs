using Relocation.Workflows.Notifications;

namespace Relocation.LocalHost.Notifications;

/// <summary>
/// The local host's stand-in for the Functions timer <c>CapacityStaleReminders</c>: a minute after start, then every six
/// hours (reminders are keyed, so running more often than the daily timer sends nothing twice).
/// </summary>
internal sealed partial class CapacityStaleReminderService(CapacityStaleReminders reminders, TimeProvider time, ILogger<CapacityStaleReminderService> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("capacity-stale-reminders");
        var wait = FirstRun;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
                await reminders.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }

            wait = Interval;
        }
    }

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Stale-capacity reminders could not be written; next try in six hours")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
