using Relocation.LocalHost.Hosting;
using Relocation.Workflows.Fund;

namespace Relocation.LocalHost.Fund;

/// <summary>
/// The local host's stand-in for the Functions timer <c>CommitmentIntentSweep</c>: at start (a commitment request that died
/// after its post in the process this one replaces is settled once its grace period is over) and then every
/// <see cref="CommitmentIntentSweepOptions.Period"/>. See docs/fund.md.
/// </summary>
internal sealed class CommitmentIntentSweepService(CommitmentIntentSweep sweep, TimeProvider time, ILogger<CommitmentIntentSweepService> logger)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "commitment-intents";

    protected override TimeSpan Period => sweep.Options.Period;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}
