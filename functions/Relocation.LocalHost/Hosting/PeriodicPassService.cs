using Relocation.Storage.Tables;

namespace Relocation.LocalHost.Hosting;

/// <summary>
/// The loop the local host's stand-ins for the Functions app's timers share: a pass at start (or after
/// <see cref="FirstPassAfter"/>), then one every <see cref="Period"/> after the previous one ended. A failed pass is logged
/// with the exception's type only (no message or stack trace: rule 4) and the next pass tries again; storage or the
/// engine not answering (Azurite restarting) is the usual cause. Every table read of a pass is marked as this job's in
/// the table query log (<see cref="TableQueryLog.Background"/>), so the storage design guard tells it from a request's.
/// Each job's own outcome (what a pass did) is logged by the job itself.
/// </summary>
internal abstract partial class PeriodicPassService(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The job's name, in the table query log's scope and in the failure log.</summary>
    protected abstract string Job { get; }

    /// <summary>The wait between the end of one pass and the start of the next.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>The wait before the first pass; none unless a job says otherwise.</summary>
    protected virtual TimeSpan FirstPassAfter => TimeSpan.Zero;

    /// <summary>One pass of the job; what it throws is logged and the next pass runs at the next period.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = TableQueryLog.Background(Job);
        try
        {
            for (var wait = FirstPassAfter; ; wait = Period)
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                try
                {
                    await RunPassAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, Job, ex.GetType().Name, Period);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Background job {Job} failed ({Error}); next pass in {Period}")]
    private static partial void LogPassFailed(ILogger logger, string job, string error, TimeSpan period);
}
