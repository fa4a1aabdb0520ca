using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Relocation.Storage.Notifications;

/// <summary>
/// Runs the relay in a long-lived host (the local host): a pass whenever a notification is queued in this process, and
/// at least every <see cref="NotificationOptions.PollInterval"/> for retries and for messages queued elsewhere. The
/// Functions app runs the same pass from a timer.
/// </summary>
public sealed partial class NotificationRelayService(NotificationRelay relay, NotificationSignal signal, IOptions<NotificationOptions> options, ILogger<NotificationRelayService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("notification-relay");
        try
        {
            // Also with e-mail off: messages finished under an earlier configuration still belong in the delivery view.
            await relay.IndexFinishedAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Retried by every relay pass (RunOnceAsync) until it succeeds.
            LogPassFailed(logger, ex);
        }

        if (!relay.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var tried = 0;
            try
            {
                tried = await relay.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage unreachable for a moment: nothing is lost, the next pass picks it up.
                LogPassFailed(logger, ex);
            }

            if (tried < NotificationRelay.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Notification relay pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
