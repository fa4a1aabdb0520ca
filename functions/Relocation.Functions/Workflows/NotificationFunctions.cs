using Microsoft.Azure.Functions.Worker;
using Relocation.Storage.Notifications;
using Relocation.Workflows.Notifications;

namespace Relocation.Functions.Workflows;

/// <summary>
/// The e-mail relay in Azure: every 15 seconds, passes until nothing is due or 4 minutes have gone (a timer function
/// runs as a singleton, so two instances do not race; the claim on each message guards the rest).
/// </summary>
public sealed class NotificationRelayFunction(NotificationRelay relay)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    [Function("RelayNotifications")]
    public async Task Run([TimerTrigger("*/15 * * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < Budget && await relay.RunOnceAsync(context.CancellationToken) >= NotificationRelay.BatchSize)
        {
        }
    }
}

/// <summary>Stale-capacity reminders (80 and 90 days without reconfirmation), daily at 05:00 UTC.</summary>
public sealed class CapacityStaleRemindersFunction(CapacityStaleReminders reminders)
{
    [Function("CapacityStaleReminders")]
    public Task Run([TimerTrigger("0 0 5 * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return reminders.RunAsync(context.CancellationToken);
    }
}
