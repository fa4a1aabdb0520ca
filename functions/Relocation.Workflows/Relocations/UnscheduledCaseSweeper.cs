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
    /// A case submitted less than this ago is left to its own request, whose schedule lands beside its row or right after
    /// it (milliseconds, seconds in a burst); only a request that died first leaves a case this old without one.
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
/// <c>POST /api/relocations</c> answers without waiting for its orchestration's schedule on a first attempt (it writes
/// the case file, the caseload line and the case row with round 1, and the schedule lands beside them or after the
/// answer), and on its ordered path writes the row and only then schedules: a process that dies before the schedule
/// lands, with a client that never retries, leaves a case with no orchestration: <c>Submitted</c> for ever, or a round 1
/// whose deadline nothing keeps. The sweep reads the caseload's open partition (bounded: open cases only; one query, no
/// case row), takes its lines older than <see cref="UnscheduledCaseSweeperOptions.GracePeriod"/> it has not looked at yet,
/// looks each one's instance up and, only when there is none, point-reads its row; an open case with no instance is
/// scheduled under the same deterministic instance id the request uses (<see cref="RelocationInstance.IdFor"/>), never
/// replacing one, so the sweep and a late request (or the reconciler, or two hosts sweeping) start one orchestration.
/// A case found started or closed is remembered by this process while its line stays open, so a sweep costs one
/// partition read once the open cases are known, plus an instance lookup for each new case past the grace period.
/// </summary>
public sealed partial class UnscheduledCaseSweeper(
    ICaseloadIndex caseload,
    IRelocationRepository relocations,
    IOptions<UnscheduledCaseSweeperOptions> options,
    TimeProvider time,
    ILogger<UnscheduledCaseSweeper> logger)
{
    /// <summary>Cases this process found started or closed; pruned to the open lines of the last sweep, so bounded by them.</summary>
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);

    private readonly Lock _settledLock = new();

    public UnscheduledCaseSweeperOptions Options => options.Value;

    public async Task<UnscheduledSweepResult> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var lines = await caseload.OpenLinesAsync(null, now, cancellationToken);
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
        // The instance first: nearly every open case has one, so the row is read only for the few that do not.
        if (await client.GetInstanceAsync(RelocationInstance.IdFor(id), cancellationToken) is not null)
        {
            Settle(id);
            return false;
        }

        var relocation = await relocations.FindAsync(id, cancellationToken);
        if (relocation is null)
        {
            // The line is written before the row: a create that died in between accepted nothing (it never answered 202),
            // and its retry writes the row and schedules. Looked at again next time, in case such a retry dies too.
            return false;
        }

        if (relocation.IsFinal)
        {
            // Closed meanwhile (a case cancelled before its orchestration ran holds nothing; the reconciler marks its step
            // applied): the line is only behind its case.
            Settle(id);
            return false;
        }

        // Looked up just above; a start racing this one (a late request's schedule, the reconciler, another host's sweep)
        // uses the same instance id, and none replaces an instance that exists.
        await RelocationCommands.ScheduleNeverReplacingAsync(client, relocation, cancellationToken);
        LogScheduled(logger, id, relocation.Status.ToString(), (long)(time.GetUtcNow() - relocation.State.SubmittedAt).TotalSeconds);
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

    [LoggerMessage(EventId = 431, Level = LogLevel.Warning, Message = "Relocation {RelocationId} ({Status}) had no orchestration {AgeSeconds} s after it was submitted (its request died before its schedule landed); scheduled now")]
    private static partial void LogScheduled(ILogger logger, string relocationId, string status, long ageSeconds);
}
