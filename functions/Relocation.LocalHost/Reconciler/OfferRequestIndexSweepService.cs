using Relocation.LocalHost.Hosting;
using Relocation.Workflows.Relocations;

namespace Relocation.LocalHost.Reconciler;

/// <summary>
/// The local host's stand-in for the Functions timer <c>OfferRequestIndexSweep</c>: every
/// <see cref="OfferRequestIndexSweepOptions.Period"/>, first after one period (nothing it removes is urgent: the lists
/// never show the rows it removes). See docs/storage.md, "The offer-request index".
/// </summary>
internal sealed class OfferRequestIndexSweepService(OfferRequestIndexSweep sweep, TimeProvider time, ILogger<OfferRequestIndexSweepService> logger)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "offer-request-sweep";

    protected override TimeSpan Period => sweep.Options.Period;

    protected override TimeSpan FirstPassAfter => sweep.Options.Period;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}
