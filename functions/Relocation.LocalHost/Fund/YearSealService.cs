using Relocation.Domain.Common;
using Relocation.LocalHost.Hosting;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>SealYears</c>: at start and every six hours after, moves the
/// fund's day rows and the cases' statistics lines of every year two or more years back out of their tables into blobs
/// (<see cref="IYearArchive"/>; nothing to do but on the first run after New Year, or to finish a run that died).
/// </summary>
internal sealed partial class YearSealService(IEnumerable<IYearArchive> archives, TimeProvider time, ILogger<YearSealService> logger) : PeriodicPassService(time, logger)
{
    protected override string Job => "year-seal";

    protected override TimeSpan Period => TimeSpan.FromHours(6);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var archive in archives)
        {
            count += await archive.SealClosedYearsAsync(cancellationToken);
        }

        LogSealed(logger, count);
    }

    [LoggerMessage(EventId = 322, Level = LogLevel.Information, Message = "Closed years sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);
}
