using Microsoft.Azure.Functions.Worker;
using Relocation.Workflows.Relocations;

namespace Relocation.Functions.Workflows;

/// <summary>
/// Every 10 minutes: removes the offer-request index rows whose case no longer asks their State and that no list read
/// again (a crash or a late round opening left them). A timer, so its scan of the index runs marked as a background job
/// (<see cref="TimerJobScope"/>). See docs/storage.md, "The offer-request index".
/// </summary>
public sealed class OfferRequestIndexSweepFunction(OfferRequestIndexSweep sweep)
{
    public const string Name = "OfferRequestIndexSweep";

    [Function(Name)]
    public Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return sweep.SweepAsync(context.CancellationToken);
    }
}
