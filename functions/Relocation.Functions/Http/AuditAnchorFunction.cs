using Microsoft.Azure.Functions.Worker;
using Relocation.Domain.Audit;

namespace Relocation.Functions.Http;

/// <summary>
/// Hourly (at least daily is required): the audit chains' heads to the immutable anchor container, then the closed
/// months sealed into blobs (nothing to do on most runs).
/// </summary>
public sealed class AuditAnchorFunction(IAuditLog audit, IAuditArchive? archive = null)
{
    [Function("AnchorAudit")]
    public async Task Run([TimerTrigger("0 5 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await audit.AnchorAsync(context.CancellationToken);
        if (archive is not null)
        {
            await archive.SealClosedMonthsAsync(context.CancellationToken);
        }
    }
}
