using Relocation.Domain.Agreements;

namespace Relocation.Workflows.Agreements;

/// <summary>
/// Works out the alarms still ahead of an agreement. A date maps to midnight UTC of that day; with a shortened day (tests)
/// the calendar is compressed around the agreement's creation, so the same plan comes out every time it is computed.
/// </summary>
internal static class AgreementPlanner
{
    public static AgreementPlan Plan(Agreement agreement, AgreementWorkflowOptions options)
    {
        var alarms = new List<AgreementAlarm>();
        if (!AgreementLifecycle.IsFinal(agreement.Status))
        {
            var details = agreement.Details;
            if (details.ReviewOn is { } review)
            {
                alarms.AddRange(Reminders(agreement, options, review, AgreementAlarmKind.ReviewReminder));
            }

            if (details.ExpiresOn is { } expires)
            {
                alarms.AddRange(Reminders(agreement, options, expires, AgreementAlarmKind.ExpiryReminder));
                if (agreement.Status == AgreementStatus.InForce)
                {
                    // Past or not, an in-force agreement whose date has come must expire: a timer in the past fires at once.
                    alarms.Add(new AgreementAlarm(At(agreement, options, expires), AgreementAlarmKind.Expiry, 0, expires));
                }
            }
        }

        return new AgreementPlan(agreement.Status, AgreementLifecycle.IsFinal(agreement.Status), alarms, options.EventsPerGeneration);
    }

    public static string ReminderId(string agreementId, AgreementAlarm alarm) =>
        $"agreement-{agreementId}-{alarm.Kind}-{alarm.DueOn:yyyyMMdd}-{alarm.LeadDays}d";

    private static IEnumerable<AgreementAlarm> Reminders(Agreement agreement, AgreementWorkflowOptions options, DateOnly due, AgreementAlarmKind kind) =>
        options.LeadDays
            .Select(lead => new AgreementAlarm(At(agreement, options, due.AddDays(-lead)), kind, lead, due))
            // Reminders due before the agreement was registered (historical agreements) are not sent; later ones are, even late.
            .Where(a => a.AtUtc > agreement.CreatedAt.UtcDateTime);

    private static DateTime At(Agreement agreement, AgreementWorkflowOptions options, DateOnly day)
    {
        if (options.DayLength == TimeSpan.FromDays(1))
        {
            return day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }

        var created = agreement.CreatedAt.UtcDateTime;
        var days = day.DayNumber - DateOnly.FromDateTime(created).DayNumber;
        return created + (options.DayLength * days);
    }
}
