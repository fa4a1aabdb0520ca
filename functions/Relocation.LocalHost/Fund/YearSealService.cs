using Relocation.Domain.Common;
using Relocation.LocalHost.Hosting;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>SealYears</c>: at start and every six hours after, moves the
/// fund's day rows and the cases' statistics lines of every year two or more years back out of their tables into blobs
/// (<see cref="IYearArchive"/>; nothing to do but on the first run after New Year, or to finish a run that died).
/// An archive that throws does not keep the others from running: each failure is logged by type, then the pass fails.
/// </summary>
internal sealed partial class YearSealService(IEnumerable<IYearArchive> archives, TimeProvider time, ILogger<YearSealService> logger) : PeriodicPassService(time, logger)
{
    protected override string Job => "year-seal";

    protected override TimeSpan Period => TimeSpan.FromHours(6);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var pass = await YearArchives.SealEachAsync(archives, cancellationToken);
        LogSealed(logger, pass.SealedYears);
        if (!pass.Failed)
        {
            return;
        }

        foreach (var failure in pass.Failures)
        {
            // Rule 4: the exception's type only.
            LogArchiveFailed(logger, Job, failure.Archive, failure.Error.GetType().Name);
        }

        // The base logs the pass as failed and runs the next one at the next period.
        throw new YearSealFailedException(pass.Failures);
    }

    [LoggerMessage(EventId = 322, Level = LogLevel.Information, Message = "Closed years sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(EventId = 323, Level = LogLevel.Warning, Message = "Background job {Job}: archive {Archive} failed ({Error})")]
    private static partial void LogArchiveFailed(ILogger logger, string job, string archive, string error);
}
