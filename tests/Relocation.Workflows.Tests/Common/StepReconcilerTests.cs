using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Agreements;
using Relocation.Workflows.Common;
using Relocation.Workflows.Relocations;
using Relocation.Workflows.Tests.Relocations;

namespace Relocation.Workflows.Tests.Common;

/// <summary>
/// The reconciler's sweep of relocation steps against the relocation orchestration in the in-process test host, with
/// the pending-step index in memory and no minimum age (every entry is due at once).
/// </summary>
public sealed class StepReconcilerTests : IAsyncLifetime
{
    private readonly RelocationTestWorld _world = new();
    private readonly InMemoryPendingSteps _steps = new();
    private readonly RelocationCommands _commands;
    private readonly StepReconciler _reconciler;
    private DurableTaskTestHost _host = null!;

    public StepReconcilerTests()
    {
        _commands = new RelocationCommands(_world.Relocations, TimeProvider.System, _steps, outbox: _world.Outbox);
        _reconciler = new StepReconciler(_steps, _world.Agreements, _world.Relocations, Options.Create(new StepReconcilerOptions { MinimumAge = TimeSpan.Zero }),
            TimeProvider.System, NullLogger<StepReconciler>.Instance);
    }

    private DurableTaskClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _host = await _world.StartHostAsync(new RelocationWorkflowOptions { RoundSize = 3, ClockScale = 1 }, s => s.AddSingleton<IPendingSteps>(_steps));
        await _world.StateAsync("NOR");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SweepAsync_CaseCancelledBeforeItsOrchestrationStarted_StepMarkedAppliedNotStuck()
    {
        // The create died between the case row and the schedule; VWU cancelled the case before the unscheduled-case
        // sweep started it (that sweep leaves a cancelled case alone). Nothing was asked or held.
        var id = (await _world.SubmitAsync(consentOn: RelocationTestWorld.Today)).Id;
        var cancelled = await _commands.CancelAsync(Client, id, "no longer needed", CancellationToken.None);
        Assert.Single(cancelled.PendingSteps);

        var first = await _reconciler.SweepAsync(Client, CancellationToken.None);
        var second = await _reconciler.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new SweepResult(1, 0, 0, 0, 1), first);
        Assert.Equal(new SweepResult(0, 0, 0, 0, 0), second);
        Assert.Empty((await _world.CaseAsync(id)).PendingSteps);
        Assert.Empty(_steps.Entries);
        Assert.Null(await Client.GetInstanceAsync(RelocationInstance.IdFor(id)));
    }

    [Fact]
    public async Task SweepAsync_StepAppliedThenALateCreateStartsTheOrchestration_ItEndsCancelledWithNothingPending()
    {
        var relocation = await _world.SubmitAsync(consentOn: RelocationTestWorld.Today);
        await _commands.CancelAsync(Client, relocation.Id, "no longer needed", CancellationToken.None);
        await _reconciler.SweepAsync(Client, CancellationToken.None);

        // The create's retry, slow rather than dead, schedules the orchestration after all.
        await _commands.StartAsync(Client, relocation, CancellationToken.None);
        var instance = await Client.WaitForInstanceAsync(relocation.Id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
        var after = await _world.CaseAsync(relocation.Id);
        Assert.Equal((RelocationStatus.Cancelled, 0, 0), (after.Status, after.PendingSteps.Count, after.Rounds.Count));
        Assert.Equal(new SweepResult(0, 0, 0, 0, 0), await _reconciler.SweepAsync(Client, CancellationToken.None));
    }

    [Fact]
    public async Task SweepAsync_CancelledAfterARoundWithNoOrchestration_OrchestrationStartedAndTheCancellationApplied()
    {
        // Round 1 is on the row (the create answers before its schedule lands) and there is no orchestration yet (the
        // request died first, or the schedule is slow): the case may hold something, so only an orchestration may apply
        // the step. Before, the sweep dropped it as stuck: accepted, never applied.
        var id = (await _world.SubmitAsync(consentOn: RelocationTestWorld.Today)).Id;
        var now = DateTimeOffset.UtcNow;
        await CaseUpdates.UpdateAsync(_world.Relocations, id, c => c.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1)], now, now.AddHours(24)));
        await _commands.CancelAsync(Client, id, "no longer needed", CancellationToken.None);

        var result = await _reconciler.SweepAsync(Client, CancellationToken.None);
        var instance = await Client.WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(new SweepResult(1, 1, 0, 0, 0, 1), result);
        Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
        await _world.WaitAsync(id, c => c.PendingSteps.Count == 0);
        Assert.Empty(_steps.Entries);
    }

    [Fact]
    public async Task SweepAsync_CancellationOfARunningOrchestrationWhoseEventWasLost_RaisedAgainAndApplied()
    {
        // A Normal request waiting for consent; the cancellation is written (index, then row) and its event never raised.
        var relocation = await _world.SubmitAsync(RelocationPriority.Normal);
        await _commands.StartAsync(Client, relocation, CancellationToken.None, retried: false);
        await Client.WaitForCustomStatusAsync(relocation.Id, "awaitingConsent");
        var sequence = (await _world.CaseAsync(relocation.Id)).State.NextStep;
        await _steps.AddAsync(new PendingStep(StepWorkflows.Relocation, relocation.Id, sequence, DateTimeOffset.UtcNow), CancellationToken.None);
        await CaseUpdates.UpdateAsync(_world.Relocations, relocation.Id, c => c.Cancel("no longer needed", DateTimeOffset.UtcNow));

        var result = await _reconciler.SweepAsync(Client, CancellationToken.None);
        var instance = await Client.WaitForInstanceAsync(relocation.Id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(new SweepResult(1, 1, 0, 0, 0), result);
        Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
        Assert.Empty((await _world.CaseAsync(relocation.Id)).PendingSteps);
        Assert.Empty(_steps.Entries);
    }

    [Fact]
    public async Task SweepAsync_AgreementWhoseCreateDiedBeforeTheSchedule_OrchestrationStartedAndStepApplied()
    {
        // The create stored the row and died before its schedule (the row comes first); then an event was accepted on the
        // row (index entry, row, a raise to no instance). Before, the sweep dropped the step as stuck: accepted, never applied.
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await _world.Agreements.AddAsync(Agreement.Create(id, new AgreementInputBuilder().Build(), today, now), CancellationToken.None);
        var agreement = (await _world.Agreements.FindAsync(id, CancellationToken.None))!;
        var pending = agreement.Accept(new AgreementEventCommand(AgreementEvent.Signed, today, null), today, "admin", "Registry.Admin", now);
        await _world.Agreements.UpdateAsync(agreement, CancellationToken.None);
        await _steps.AddAsync(new PendingStep(StepWorkflows.Agreement, id, pending.Sequence, now), CancellationToken.None);

        var result = await _reconciler.SweepAsync(Client, CancellationToken.None);
        var applied = await WaitForAgreementAsync(id, a => a.Pending.Count == 0);

        Assert.Equal(new SweepResult(1, 1, 0, 0, 0, 1), result);
        Assert.Equal(AgreementStatus.Signed, applied.Status);
        Assert.NotNull(await Client.GetInstanceAsync(AgreementInstance.IdFor(id)));
        Assert.Empty(_steps.Entries);
    }

    private async Task<Agreement> WaitForAgreementAsync(string id, Func<Agreement, bool> done)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await _world.Agreements.FindAsync(id, CancellationToken.None) is { } agreement && done(agreement))
            {
                return agreement;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The agreement's event was not applied.");
    }
}
