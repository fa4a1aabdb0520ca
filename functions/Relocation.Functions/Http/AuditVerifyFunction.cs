using Microsoft.Azure.Functions.Worker;
using Relocation.Domain.Audit;

namespace Relocation.Functions.Http;

/// <summary>
/// Every 10 minutes: re-walks the audit chains and records the result that <c>GET /api/audit/verify</c> answers from
/// (with the entries appended since, walked by the request). A sealed month unchanged since its last walk is not read again.
/// The walk reads the whole log: as every timer, it runs marked as a background job (<see cref="TimerJobScope"/>).
/// </summary>
public sealed class AuditVerifyFunction(IAuditLog audit)
{
    public const string Name = "VerifyAudit";

    [Function(Name)]
    public async Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await audit.VerifyAsync(context.CancellationToken);
    }
}
