using Microsoft.DurableTask.Client;
using Relocation.LocalHost.Hosting;
using Relocation.Workflows.Common;

namespace Relocation.LocalHost.Reconciler;

/// <summary>
/// The local host's reconciler: a sweep at start (steps stranded by a crash are re-raised as soon as the engine runs
/// again), then one every <see cref="StepReconcilerOptions.Period"/>. The Functions app runs the same sweep on a timer.
/// </summary>
internal sealed class StepReconcilerService(IServiceProvider services, StepReconciler reconciler, TimeProvider time, ILogger<StepReconcilerService> logger)
    : PeriodicPassService(time, logger)
{
    protected override string Job => "step-reconciler";

    protected override TimeSpan Period => reconciler.Options.Period;

    protected override Task RunPassAsync(CancellationToken cancellationToken) =>
        reconciler.SweepAsync(services.GetRequiredService<DurableTaskClient>(), cancellationToken);
}
