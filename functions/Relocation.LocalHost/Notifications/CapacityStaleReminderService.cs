using Relocation.LocalHost.Hosting;
using Relocation.Workflows.Notifications;

namespace Relocation.LocalHost.Notifications;

/// <summary>
/// The local host's stand-in for the Functions timer <c>CapacityStaleReminders</c>: a minute after start, then every six
/// hours (reminders are keyed, so running more often than the daily timer sends nothing twice).
/// </summary>
internal sealed class CapacityStaleReminderService(CapacityStaleReminders reminders, TimeProvider time, ILogger<CapacityStaleReminderService> logger)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "capacity-stale-reminders";

    protected override TimeSpan FirstPassAfter => TimeSpan.FromMinutes(1);

    protected override TimeSpan Period => TimeSpan.FromHours(6);

    protected override Task RunPassAsync(CancellationToken cancellationToken) => reminders.RunAsync(cancellationToken);
}
