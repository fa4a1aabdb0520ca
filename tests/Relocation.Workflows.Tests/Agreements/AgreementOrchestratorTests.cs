using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Agreements;

namespace Relocation.Workflows.Tests.Agreements;

public sealed class AgreementOrchestratorTests : IAsyncLifetime
{
    private readonly InMemoryAgreementRepository _agreements = new();
    private readonly InMemoryOutbox _outbox = new();
    private readonly AgreementWorkflowOptions _options = new() { ReminderLeadDays = "2,1", DayLength = TimeSpan.FromMilliseconds(400), EventsPerGeneration = 10 };
    private DurableTaskTestHost _host = null!;

    private DurableTaskClient Client => _host.Client;

    public async Task InitializeAsync() =>
        _host = await TestHosts.StartAsync(
            r => r.AddOrchestrator<AgreementOrchestrator>().AddActivity<ApplyAgreementEventsActivity>().AddActivity<FireAgreementAlarmActivity>(),
            new DurableTaskTestHostOptions
            {
                ConfigureServices = s => s
                    .AddSingleton<IAgreementRepository>(_agreements)
                    .AddSingleton<Domain.Outbox.IOutbox>(_outbox)
                    .AddSingleton(Options.Create(_options))
                    .AddSingleton(TimeProvider.System),
            });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> CreateAsync(Func<AgreementCommand, AgreementCommand>? change = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        await _agreements.AddAsync(Agreement.Create(id, new AgreementInputBuilder().With(change ?? (i => i)).Build(), DateOnly.FromDateTime(now.UtcDateTime), now), CancellationToken.None);
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(AgreementOrchestrator), new AgreementWorkflowInput(id), new StartOrchestrationOptions(AgreementInstance.IdFor(id)));
        return id;
    }

    /// <summary>What the API does: accept against the register, save, raise.</summary>
    private async Task SendAsync(string id, AgreementEvent e)
    {
        // A lost race with the orchestration's own write is a 409 "send it again" in the API: the caller retries.
        for (var attempt = 0; ; attempt++)
        {
            var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var pending = agreement.Accept(new AgreementEventCommand(e, today, null), today, "admin", "Registry.Admin", DateTimeOffset.UtcNow);
            try
            {
                await _agreements.UpdateAsync(agreement, CancellationToken.None);
            }
            catch (Domain.Common.PreconditionFailedException) when (attempt < 20)
            {
                continue;
            }

            await Client.RaiseEventAsync(AgreementInstance.IdFor(id), AgreementInstance.EventName, new AgreementEventRaised(pending.Sequence));
            return;
        }
    }

    private async Task<Agreement> WaitAsync(string id, Func<Agreement, bool> done)
    {
        for (var i = 0; i < 600; i++)
        {
            var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
            if (done(agreement))
            {
                return agreement;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The agreement did not reach the expected state.");
    }

    private async Task<OrchestrationMetadata> WaitForInstanceAsync(string id, OrchestrationRuntimeStatus status)
    {
        for (var i = 0; i < 600; i++)
        {
            var instance = await Client.GetInstanceAsync(AgreementInstance.IdFor(id), getInputsAndOutputs: true);
            if (instance?.RuntimeStatus == status)
            {
                return instance;
            }

            await Task.Delay(50);
        }

        var last = await Client.GetInstanceAsync(AgreementInstance.IdFor(id), getInputsAndOutputs: true);
        throw new TimeoutException($"The orchestration did not reach {status}: {last?.RuntimeStatus} {last?.SerializedCustomStatus} {last?.FailureDetails?.ErrorMessage} {last?.FailureDetails?.StackTrace}");
    }

    [Fact]
    public async Task RunAsync_FullLifecycle_EndsTerminatedWithEveryStepInHistory()
    {
        var id = await CreateAsync();

        foreach (var e in new[] { AgreementEvent.Signed, AgreementEvent.EnteredIntoForce, AgreementEvent.Suspended, AgreementEvent.Resumed, AgreementEvent.Terminated })
        {
            await SendAsync(id, e);
        }

        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);
        var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(AgreementStatus.Terminated, agreement.Status);
        Assert.Equal(
            [AgreementEvent.Signed, AgreementEvent.EnteredIntoForce, AgreementEvent.Suspended, AgreementEvent.Resumed, AgreementEvent.Terminated],
            agreement.History.Select(h => h.Event));
        Assert.Equal(AgreementStatus.Terminated, instance.ReadOutputAs<AgreementStatus>());
    }

    [Fact]
    public async Task RunAsync_EventThatNoLongerFits_IsRecordedAsRefusedAndOrchestrationKeepsRunning()
    {
        var id = await CreateAsync();
        var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
        var stale = Agreement.Rehydrate(id, agreement.Details, agreement.Status, AgreementStatus.Suspended, 2, [],
            [new PendingAgreementEvent(1, AgreementEvent.Resumed, DateOnly.FromDateTime(DateTime.UtcNow), null, "admin", "Registry.Admin", DateTimeOffset.UtcNow)],
            agreement.CreatedAt, agreement.Version);
        await _agreements.UpdateAsync(stale, CancellationToken.None);
        await Client.RaiseEventAsync(AgreementInstance.IdFor(id), AgreementInstance.EventName, new AgreementEventRaised(1));

        var refused = await WaitAsync(id, a => a.History.Count == 1);
        await SendAsync(id, AgreementEvent.Signed);
        var signed = await WaitAsync(id, a => a.Status == AgreementStatus.Signed);

        Assert.True(refused.History[0].Rejected);
        Assert.Equal(AgreementStatus.Negotiating, refused.Status);
        Assert.Equal(AgreementStatus.Signed, signed.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(AgreementInstance.IdFor(id)))!.RuntimeStatus);
    }

    [Fact]
    public async Task RunAsync_InForceWithReviewAndExpiry_WritesRemindersAndExpires()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var id = await CreateAsync(i => i with { ReviewOn = today.AddDays(5), ExpiresOn = today.AddDays(6) });
        await SendAsync(id, AgreementEvent.Signed);
        await SendAsync(id, AgreementEvent.EnteredIntoForce);

        await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(AgreementStatus.Expired, agreement.Status);
        Assert.Equal(AgreementEvent.Expired, agreement.History[^1].Event);
        var reminders = _outbox.Messages.Where(m => m.RelatedId == id).Select(m => (m.Kind, m.DueOn)).Order().ToArray();
        Assert.Equal(
            [
                (nameof(AgreementAlarmKind.ExpiryReminder), (DateOnly?)today.AddDays(6)), (nameof(AgreementAlarmKind.ExpiryReminder), today.AddDays(6)),
                (nameof(AgreementAlarmKind.ReviewReminder), today.AddDays(5)), (nameof(AgreementAlarmKind.ReviewReminder), today.AddDays(5)),
            ],
            reminders);
    }

    [Fact]
    public async Task RunAsync_EventWaitingWhenExpiryComes_AppliedFirstAndResumptionAfterTheDateStillExpires()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var id = await CreateAsync(i => i with { ExpiresOn = today.AddDays(10) });
        // One raise per applied event, so no raise is left over to apply what follows.
        await SendAsync(id, AgreementEvent.Signed);
        await WaitAsync(id, a => a.Status == AgreementStatus.Signed);
        await SendAsync(id, AgreementEvent.EnteredIntoForce);
        await WaitAsync(id, a => a.Status == AgreementStatus.InForce);

        // The API stored a suspension but its raise never reached the orchestration (a crash in between).
        var agreement = (await _agreements.FindAsync(id, CancellationToken.None))!;
        agreement.Accept(new AgreementEventCommand(AgreementEvent.Suspended, today, null), today, "admin", "Registry.Admin", DateTimeOffset.UtcNow);
        await _agreements.UpdateAsync(agreement, CancellationToken.None);
        var suspended = await WaitAsync(id, a => a.Status == AgreementStatus.Suspended);
        await SendAsync(id, AgreementEvent.Resumed);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);
        var expired = (await _agreements.FindAsync(id, CancellationToken.None))!;

        Assert.Equal(AgreementStatus.Suspended, suspended.Status);
        Assert.Equal(AgreementStatus.Expired, expired.Status);
        Assert.Equal(
            [AgreementEvent.Signed, AgreementEvent.EnteredIntoForce, AgreementEvent.Suspended, AgreementEvent.Resumed, AgreementEvent.Expired],
            expired.History.Select(h => h.Event));
        Assert.All(expired.History, h => Assert.False(h.Rejected));
        Assert.Equal(AgreementStatus.Expired, instance.ReadOutputAs<AgreementStatus>());
    }

    [Fact]
    public async Task RunAsync_HundredEvents_ContinuesAsNewAndAppliesEveryOne()
    {
        var id = await CreateAsync();
        var events = new[] { AgreementEvent.Signed, AgreementEvent.EnteredIntoForce }
            .Concat(Enumerable.Repeat(new[] { AgreementEvent.Suspended, AgreementEvent.Resumed }, 49).SelectMany(e => e));
        foreach (var e in events)
        {
            // As the API does: each event's answer waits until it is applied.
            await SendAsync(id, e);
            await WaitAsync(id, a => a.Pending.Count == 0);
        }

        var agreement = await WaitAsync(id, a => a.History.Count == 100);
        // One generation per 10 events; the in-process test host drops an event that arrives while a generation ends
        // (Azure Storage carries it over), so a wake-up may be missed: the pending events are applied all the same.
        var instance = await WaitForGenerationAsync(id, 8);

        Assert.Equal(AgreementStatus.InForce, agreement.Status);
        Assert.All(agreement.History, h => Assert.False(h.Rejected));
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance.RuntimeStatus);
        Assert.True(instance.SerializedInput!.Length < 1000, "the carried input stays small");
    }

    private async Task<OrchestrationMetadata> WaitForGenerationAsync(string id, int generation)
    {
        for (var i = 0; i < 600; i++)
        {
            var instance = await Client.GetInstanceAsync(AgreementInstance.IdFor(id), getInputsAndOutputs: true);
            if (instance?.SerializedInput is { } json && JsonDocument.Parse(json).RootElement.GetProperty("Generation").GetInt32() >= generation)
            {
                return instance;
            }

            await Task.Delay(50);
        }

        var last = await Client.GetInstanceAsync(AgreementInstance.IdFor(id), getInputsAndOutputs: true);
        throw new TimeoutException($"The orchestration did not reach generation {generation}: {last?.RuntimeStatus} {last?.SerializedInput} {last?.SerializedCustomStatus} {last?.FailureDetails?.ErrorMessage}");
    }
}
