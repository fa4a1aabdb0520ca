using Relocation.Domain.Audit;

namespace Relocation.LocalHost.Audit;

/// <summary>
/// The local host's stand-in for the Functions timer <c>AnchorAudit</c>: writes the audit chains' heads to the anchor
/// container at start and every hour after (the requirement is at least daily; an anchor costs two point reads), then
/// seals the closed months into blobs (<see cref="IAuditArchive"/>; nothing to do on most runs).
/// </summary>
internal sealed partial class AuditAnchorService(IAuditLog audit, TimeProvider time, ILogger<AuditAnchorService> logger, IAuditArchive? archive = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var scope = Relocation.Storage.Tables.TableQueryLog.Background("audit-anchor");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LogAnchored(logger, await audit.AnchorAsync(stoppingToken));
                if (archive is not null)
                {
                    LogSealed(logger, await archive.SealClosedMonthsAsync(stoppingToken));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(TimeSpan.FromHours(1), time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Audit chain heads anchored: {Count} new")]
    private static partial void LogAnchored(ILogger logger, int count);

    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "Audit months sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "Audit chain heads could not be anchored")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
