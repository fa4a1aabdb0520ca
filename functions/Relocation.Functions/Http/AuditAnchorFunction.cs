using Microsoft.Azure.Functions.Worker;
using Relocation.Domain.Audit;

namespace Relocation.Functions.Http;

/// <summary>Hourly (at least daily is required): the audit chains' heads to the immutable anchor container.</summary>
public sealed class AuditAnchorFunction(IAuditLog audit)
{
    [Function("AnchorAudit")]
    public Task Run([TimerTrigger("0 5 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return audit.AnchorAsync(context.CancellationToken);
    }
}
