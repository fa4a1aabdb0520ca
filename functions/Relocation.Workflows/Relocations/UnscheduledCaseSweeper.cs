using System.ComponentModel.DataAnnotations;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relocation.Domain.Relocations;

namespace Relocation.Workflows.Relocations;

/// <summary>When and how much the sweep for unscheduled cases looks, from <c>Workflows:UnscheduledCases</c>.</summary>
public sealed class UnscheduledCaseSweeperOptions
{
    public const string SectionName = "Workflows:UnscheduledCases";

    /// <summary>Between two sweeps (the local host's loop; the Functions app's timer runs every minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A case submitted less than this ago is left to its own request, which schedules the orchestration right after the
    /// row (milliseconds later); only a request that died in between leaves a case this old without one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cases looked at per sweep (a point read and an instance lookup each); the rest wait for the next one.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

/// <summary>What one sweep did.</summary>
public sealed record UnscheduledSweepResult(int Submitted, int Looked, int Scheduled);

/// <summary>
/// Finds the cases whose orchestration was never scheduled and schedules it (rule 7: nothing accepted is ever lost).
/// <c>POST /api/relocations</c> writes the case file, the caseload line and the case row, and only then schedules the
/// orchestration: a process that dies between the row and the schedule, with a client that never retries, leaves a case
/// <c>Submitted</c> for ever and no State asked. The sweep reads the caseload's open partition (bounded: open cases
/// only; one query, no case row), takes its <c>Submitted</c> lines older than <see cref="UnscheduledCaseSweeperOptions.GracePeriod"/>,
/// point-reads each case and looks its instance up; a case still <c>Submitted</c> on its row with no instance is
/// scheduled under the same deterministic instance id the request uses (<see cref="RelocationInstance.IdFor"/>), so the
/// sweep and a late request (or two hosts sweeping) start one orchestration: the second start finds the first.
/// A case that moved on (its row says otherwise: cancelled meanwhile, or its round opened) or has an instance is
/// remembered by this process and not looked at again while its line stays <c>Submitted</c> (a Normal or Urgent case
/// awaiting consent can stay so for weeks), so a sweep costs one partition read once the open cases are known.
/// </summary>
public sealed partial class UnscheduledCaseSweeper(
    ICaseloadIndex caseload,
    IRelocationRepository relocations,
    RelocationCommands commands,
    IOptions<UnscheduledCaseSweeperOptions> options,
    TimeProvider time,
    ILogger<UnscheduledCaseSweeper> logger)
{
    /// <summary>Cases this process found started or moved on; pruned to the Submitted lines of the last sweep, so bounded by them.</summary>
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);

    private readonly Lock _settledLock = new();

    public UnscheduledCaseSweeperOptions Options => options.Value;

    public async Task<UnscheduledSweepResult> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var lines = await caseload.OpenLinesAsync(RelocationStatus.Submitted, now, cancellationToken);
        string[] due;
        lock (_settledLock)
        {
            _settled.IntersectWith(lines.Select(l => l.Id));
            due = lines.Where(l => l.SubmittedAt <= now - options.Value.GracePeriod && !_settled.Contains(l.Id))
                .OrderBy(l => l.SubmittedAt).Take(options.Value.BatchSize).Select(l => l.Id).ToArray();
        }

        var scheduled = 0;
        foreach (var id in due)
        {
            if (await ScheduleIfNeverStartedAsync(client, id, cancellationToken))
            {
                scheduled++;
            }
        }

        return new UnscheduledSweepResult(lines.Count, due.Length, scheduled);
    }

    private async Task<bool> ScheduleIfNeverStartedAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        var relocation = await relocations.FindAsync(id, cancellationToken);
        if (relocation is null)
        {
            // The line is written before the row: a create that died in between accepted nothing (it never answered 202),
            // and its retry writes the row and schedules. Looked at again next time, in case such a retry dies too.
            return false;
        }

        if (relocation.Status != RelocationStatus.Submitted
            || await client.GetInstanceAsync(RelocationInstance.IdFor(id), cancellationToken) is not null)
        {
            // Moved on (cancelled meanwhile: nothing to ask, nothing held), or started: the line is only behind its case.
            Settle(id);
            return false;
        }

        // Looked up just above, so the start goes straight to the schedule; a start racing this one (a late request, another
        // host's sweep) uses the same instance id and is answered "already exists", which StartAsync takes as done.
        await commands.StartAsync(client, relocation, cancellationToken, retried: false);
        LogScheduled(logger, id, (long)(time.GetUtcNow() - relocation.State.SubmittedAt).TotalSeconds);
        Settle(id);
        return true;
    }

    private void Settle(string id)
    {
        lock (_settledLock)
        {
            _settled.Add(id);
        }
    }

    [LoggerMessage(EventId = 431, Level = LogLevel.Warning, Message = "Relocation {RelocationId} had no orchestration {AgeSeconds} s after it was submitted (its request died before scheduling it); scheduled now")]
    private static partial void LogScheduled(ILogger logger, string relocationId, long ageSeconds);
}
