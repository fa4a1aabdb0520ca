using Relocation.Domain.Fund;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>SealFund</c>: at start and every hour after, moves the fund
/// ledger's closed segments out of the table into blobs (<see cref="IFundArchive"/>; nothing to do on most runs).
/// </summary>
internal sealed partial class FundSealService(IFundArchive archive, TimeProvider time, ILogger<FundSealService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("fund-seal");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LogSealed(logger, await archive.SealAsync(stoppingToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Fund ledger segments sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Fund ledger segments could not be sealed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
