using Relocation.Domain.Fund;
using Relocation.LocalHost.Hosting;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>SealFund</c>: at start and every hour after, moves the fund
/// ledger's closed segments out of the table into blobs (<see cref="IFundArchive"/>; nothing to do on most runs), after the
/// one-time backfill of the commitment index (a point read once done).
/// </summary>
internal sealed partial class FundSealService(IFundArchive archive, TimeProvider time, ILogger<FundSealService> logger) : PeriodicPassService(time, logger)
{
    protected override string Job => "fund-seal";

    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        if (await archive.BackfillRelocationIndexAsync(cancellationToken) is { } indexed)
        {
            LogBackfilled(logger, indexed);
        }

        LogSealed(logger, await archive.SealAsync(cancellationToken));
    }

    [LoggerMessage(EventId = 329, Level = LogLevel.Information, Message = "Fund commitment index backfilled once: {Count} rows written")]
    private static partial void LogBackfilled(ILogger logger, int count);

    [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Fund ledger segments sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);
}
