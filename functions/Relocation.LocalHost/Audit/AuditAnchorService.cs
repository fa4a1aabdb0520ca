using Relocation.Domain.Audit;
using Relocation.LocalHost.Hosting;

namespace Relocation.LocalHost.Audit;

/// <summary>
/// The local host's stand-in for the Functions timer <c>AnchorAudit</c>: writes the audit chains' heads to the anchor
/// container at start and every hour after (the requirement is at least daily; an anchor costs two point reads), then
/// seals the closed months into blobs (<see cref="IAuditArchive"/>; nothing to do on most runs).
/// </summary>
internal sealed partial class AuditAnchorService(IAuditLog audit, TimeProvider time, ILogger<AuditAnchorService> logger, IAuditArchive? archive = null)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "audit-anchor";

    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        LogAnchored(logger, await audit.AnchorAsync(cancellationToken));
        if (archive is not null)
        {
            LogSealed(logger, await archive.SealClosedMonthsAsync(cancellationToken));
        }
    }

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Audit chain heads anchored: {Count} new")]
    private static partial void LogAnchored(ILogger logger, int count);

    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "Audit months sealed into blobs: {Count}")]
    private static partial void LogSealed(ILogger logger, int count);
}
