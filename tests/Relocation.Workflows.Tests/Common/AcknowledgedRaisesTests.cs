using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Common;

namespace Relocation.Workflows.Tests.Common;

/// <summary>
/// The reconciler's sweep with <see cref="AcknowledgedRaises"/>, against a client that fails on any call: a step whose raise this process saw accepted is left
/// to the engine's queue within <see cref="StepReconcilerOptions.AcknowledgedWait"/> (no row read, no instance lookup,
/// no raise). Steps raised by nobody (the process died before its raise) are covered end to end by LostEventTests.
/// </summary>
public sealed class AcknowledgedRaisesTests
{
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly Mock<IPendingSteps> _steps = new();
    private readonly AcknowledgedRaises _raises = new(TimeProvider.System);

    private StepReconciler Reconciler() =>
        new(_steps.Object, new InMemoryAgreementRepository(), _relocations, Options.Create(new StepReconcilerOptions { AcknowledgedWait = TimeSpan.FromSeconds(30) }), TimeProvider.System,
            NullLogger<StepReconciler>.Instance, _raises);

    /// <summary>A case with a cancellation pending on its row and in the index, recorded 5 s ago (past the 3 s minimum age).</summary>
    private async Task<PendingStep> PendingStepAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0999", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(1, 0), new Needs(["fr"], false));
        var relocation = RelocationCase.Submit(id, facts, DateTimeOffset.UtcNow, "Vwu.Officer", DateOnly.FromDateTime(DateTime.UtcNow));
        relocation.Cancel("Threat assessment changed", DateTimeOffset.UtcNow);
        var stored = await _relocations.AddAsync(relocation, CancellationToken.None);
        var pending = new PendingStep(StepWorkflows.Relocation, id, stored.LastStep!.Sequence, DateTimeOffset.UtcNow.AddSeconds(-5));
        _steps.Setup(s => s.RecordedBeforeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync([pending]);
        return pending;
    }

    [Fact]
    public async Task SweepAsync_StepRaisedByThisProcessAndAccepted_NotRaisedAgainWithinTheWait()
    {
        var step = await PendingStepAsync();
        _raises.Raised(step.Workflow, step.SubjectId, step.Sequence);
        var client = new Mock<DurableTaskClient>(MockBehavior.Strict, "strict");

        var result = await Reconciler().SweepAsync(client.Object, CancellationToken.None);

        Assert.Equal((1, 0, 0, 0), (result.Looked, result.Raised, result.Dropped, result.Stuck));
        _steps.Verify(s => s.RemoveAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
