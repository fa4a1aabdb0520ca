using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Domain.Agreements;

namespace Relocation.Workflows.Agreements;

/// <summary>The orchestration's input: ids, counters and the last alarm fired, carried across continue-as-new.</summary>
public sealed record AgreementWorkflowInput(string AgreementId, int EventsApplied = 0, int Generation = 0, AgreementAlarm? LastFired = null);

/// <summary>Raised by the API when it accepted an event; the event itself waits in storage.</summary>
public sealed record AgreementEventRaised(int Sequence);

/// <summary>What the orchestration must wait for next: the status and the alarms still ahead.</summary>
public sealed record AgreementPlan(AgreementStatus Status, bool IsFinal, IReadOnlyList<AgreementAlarm> Alarms, int EventsPerGeneration);

/// <summary>A durable timer to set: a reminder before a review or expiry, or the expiry itself.</summary>
public sealed record AgreementAlarm(DateTime AtUtc, AgreementAlarmKind Kind, int LeadDays, DateOnly DueOn)
{
    /// <summary>
    /// Alarms fire in this order, and the orchestration remembers the last one fired: two alarms at the same instant
    /// both fire, and none fires twice.
    /// </summary>
    public bool IsAfter(AgreementAlarm? other) =>
        other is null || (AtUtc, (int)Kind, -LeadDays).CompareTo((other.AtUtc, (int)other.Kind, -other.LeadDays)) > 0;

    public static IEnumerable<AgreementAlarm> InOrder(IEnumerable<AgreementAlarm> alarms) =>
        alarms.OrderBy(a => a.AtUtc).ThenBy(a => a.Kind).ThenByDescending(a => a.LeadDays);
}

/// <summary>Kinds of <see cref="AgreementAlarm"/>.</summary>
public enum AgreementAlarmKind
{
    ReviewReminder = 1,
    ExpiryReminder,
    Expiry,
}

/// <summary>Input of the alarm activity.</summary>
public sealed record AgreementAlarmFired(string AgreementId, AgreementAlarm Alarm);

/// <summary>Names and starts the orchestration instance of an agreement.</summary>
public static class AgreementInstance
{
    public const string EventName = "LifecycleEvent";

    /// <summary>Every status: an agreement's instance, once it exists, is never replaced by a schedule.</summary>
    private static readonly OrchestrationRuntimeStatus[] NeverReplaced = [.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses];

    public static string IdFor(string agreementId) => $"agreement-{agreementId}";

    /// <summary>
    /// Starts the agreement's orchestration unless it exists. Called by the create (after the row) and by the reconciler
    /// for an agreement whose create died between the row and the schedule. Every status is a dedupe status, so two
    /// concurrent starts cannot replace each other's instance: the loser is told it exists, and nothing else happens.
    /// </summary>
    public static async Task StartAsync(DurableTaskClient client, string agreementId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = IdFor(agreementId);
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(AgreementOrchestrator), new AgreementWorkflowInput(agreementId),
                new StartOrchestrationOptions(instanceId).WithDedupeStatuses(NeverReplaced), cancellationToken);
        }
        catch (Exception ex) when (ex.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Started by a concurrent retry of the same request, or by the reconciler.
        }
    }
}
