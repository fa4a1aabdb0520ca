using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Storage;
using Relocation.Storage.Tables;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The relocation orchestration on the in-process test host, over real repositories on Azurite, with the fund mocked.
/// The test plays the API's part: it records on the case what callers say, then raises the event.
/// </summary>
public sealed class RelocationOrchestratorOnAzuriteTests : IAsyncLifetime
{
    // 24 h × 0.00002 ≈ 1.7 s per round: deadlines pass within a test.
    private const double ClockScale = 0.00002;
    private readonly Mock<IRelocationFund> _fund = new();
    private DurableTaskTestHost _host = null!;
    private readonly Queue<string> _freeStates = new(["NOR", "SWE", "FIN", "DNK", "ISL", "NLD", "BEL", "AUT", "CHE", "IRL", "PRT", "ESP", "ITA", "GRC", "MLT", "CYP", "EST", "LVA", "LTU", "POL", "ROU", "BGR", "HRV", "SVN"]);

    private DurableTaskClient Client => _host.Client;

    private IServiceProvider Services => _host.Services;

    // One Azurite per test: ranking reads every registered capacity, so tests must not see each other's.
    private readonly AzuriteFixture _azurite = new();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync("commitment-1");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataStorage"] = _azurite.ConnectionString,
            ["CaseFiles:ActiveKeyId"] = "k",
            ["CaseFiles:Keys:k"] = Convert.ToBase64String(new byte[32]),
            ["Workflows:Relocations:RoundSize"] = "1",
            ["Workflows:Relocations:ClockScale"] = ClockScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        _host = await TestHosts.StartAsync(
            r => r.AddRelocationTasks(),
            new DurableTaskTestHostOptions
            {
                ConfigureServices = s => s
                    .AddSingleton(_fund.Object)
                    .AddRelocationStorage(configuration)
                    .AddRelocationWorkflows(configuration),
            });
        await Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private IRelocationRepository Relocations => Services.GetRequiredService<IRelocationRepository>();

    private ICapacityRepository Capacities => Services.GetRequiredService<ICapacityRepository>();

    /// <summary>Fresh States with one capacity each (kind, 4 places), so tests never share places.</summary>
    private async Task<string[]> StatesAsync(int count, bool needsFund = false)
    {
        string[] codes;
        codes = Enumerable.Range(0, count).Select(_ => _freeStates.Dequeue()).ToArray();

        foreach (var code in codes)
        {
            await Services.GetRequiredService<IStateRepository>().SaveAsync(State.Register(code, new StateInputBuilder().Build()), null, CancellationToken.None);
            var terms = new CapacityInputBuilder().With(i => i with
            {
                Kinds = [RelocationKind.TemporaryRelocation], Places = 4, MaxHouseholdSize = 5, Languages = ["fr"], MedicalCare = true,
                AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), NeedsFundSupport = needsFund,
            }).BuildTerms();
            await Capacities.AddAsync(Capacity.Register($"cap{code.ToLowerInvariant()}{Guid.NewGuid():N}"[..32], code, terms, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        return codes;
    }

    /// <summary>A request whose languages only these States' capacities serve, so ranking picks among them.</summary>
    private async Task<string> RaiseAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        var facts = new RelocationFacts("ICC-01/04", "W-0001", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 0), new Needs(["fr"], false));
        await Relocations.AddAsync(RelocationCase.Submit(id, facts, DateTimeOffset.UtcNow, "Vwu.Officer", DateOnly.FromDateTime(DateTime.UtcNow)), CancellationToken.None);
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(RelocationOrchestrator), new RelocationWorkflowInput(id, "W-0001"), new StartOrchestrationOptions(id));
        return id;
    }

    private Task<RelocationCase> WaitAsync(string id, Func<RelocationCase, bool> done) => RelocationTestWorld.WaitForCaseAsync(Relocations, id, done);

    /// <summary>After arrival the orchestration continues as new, following the placement.</summary>
    private Task<OrchestrationMetadata> PlacedAsync(string id, TimeSpan? within = null) => Client.WaitForPlacedAsync(id, within);

    private Task<OrchestrationMetadata> CompletedAsync(string id) => Client.WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

    private async Task RespondAsync(string id, string state, OfferDecision decision, decimal? cost = null)
    {
        var relocation = await CaseUpdates.UpdateAsync(Relocations, id, c => c.RecordResponse(state, new ResponseCommand(state, decision, null, null, cost is null ? null : new MoneyFields(cost, "EUR"), null), DateTimeOffset.UtcNow));
        await Client.RaiseEventAsync(id, RelocationInstance.EventName, new CaseEvent(CaseEventKind.Response, RoundOver: relocation.AllDeclined(relocation.CurrentRound!.Number)));
    }

    private async Task<string> AcceptAsync(string id, string state)
    {
        var requestId = Guid.NewGuid().ToString("N");
        await CaseUpdates.UpdateAsync(Relocations, id, c => c.RequestAcceptance(state, requestId, DateTimeOffset.UtcNow));
        await Client.RaiseEventAsync(id, RelocationInstance.EventName, new CaseEvent(CaseEventKind.Acceptance, requestId));
        return requestId;
    }

    private async Task RaiseAsync(string id, CaseEventKind kind, Action<RelocationCase> change)
    {
        await CaseUpdates.UpdateAsync(Relocations, id, change);
        await Client.RaiseEventAsync(id, RelocationInstance.EventName, new CaseEvent(kind));
    }

    private async Task<Capacity> CapacityOfAsync(string state) => (await Capacities.ListByStateAsync(state, CancellationToken.None)).Single();

    [Fact]
    public async Task Run_OfferAcceptArrive_IsRelocatedAndPlacesUsed()
    {
        var states = await StatesAsync(1);
        var id = await RaiseAsync();
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);

        await RespondAsync(id, states[0], OfferDecision.Offer);
        var requestId = await AcceptAsync(id, states[0]);
        var accepted = await WaitAsync(id, c => c.State.LastOutcome?.RequestId == requestId);
        await RaiseAsync(id, CaseEventKind.Arrival, c => c.Arrive(DateOnly.FromDateTime(DateTime.UtcNow), DateTimeOffset.UtcNow));
        var instance = await PlacedAsync(id);

        Assert.True(accepted.State.LastOutcome!.Accepted);
        Assert.Contains("\"Relocated\"", instance.SerializedCustomStatus, StringComparison.Ordinal);
        var capacity = await CapacityOfAsync(states[0]);
        Assert.Equal((0, 2), (capacity.Held, capacity.Used));
        _fund.Verify(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Run_ArrivalWrittenButEventLost_OrchestrationFindsItAndFollowsThePlacement()
    {
        var states = await StatesAsync(1);
        var id = await RaiseAsync();
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        await RespondAsync(id, states[0], OfferDecision.Offer);
        var requestId = await AcceptAsync(id, states[0]);
        await WaitAsync(id, c => c.State.LastOutcome?.RequestId == requestId);

        // The API wrote the arrival and the host died before it raised the event.
        await CaseUpdates.UpdateAsync(Relocations, id, c => c.Arrive(DateOnly.FromDateTime(DateTime.UtcNow), DateTimeOffset.UtcNow));
        var instance = await PlacedAsync(id, within: TimeSpan.FromSeconds(60));

        Assert.Contains("\"Relocated\"", instance.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Equal((0, 2), ((await CapacityOfAsync(states[0])).Held, (await CapacityOfAsync(states[0])).Used));
    }

    [Fact]
    public async Task Run_AllDeclineThroughThreeRounds_IsEscalatedWithNoticeToRegistrar()
    {
        var states = await StatesAsync(3);
        var id = await RaiseAsync();

        for (var round = 1; round <= 3; round++)
        {
            var current = await WaitAsync(id, c => c.CurrentRound?.Number == round && c.CurrentRound.ClosedAt is null);
            await RespondAsync(id, current.CurrentRound!.Asked.Single().StateCode, OfferDecision.Decline);
        }

        var instance = await CompletedAsync(id);
        var relocation = (await Relocations.FindAsync(id, CancellationToken.None))!;
        var outbox = await Services.GetRequiredService<IOutbox>().ListPendingAsync(1000, CancellationToken.None);

        Assert.Equal(RelocationStatus.Escalated, instance.ReadOutputAs<RelocationStatus>());
        Assert.Equal(RelocationStatus.Escalated, relocation.Status);
        Assert.Equal(states.Order(), relocation.Rounds.Select(r => r.Asked.Single().StateCode).Order());
        Assert.Contains(outbox, m => m.RelatedId == id && m.Recipient == "Registry.Admin");
    }

    [Fact]
    public async Task Run_RoundDeadlinePasses_NextRoundStartsAndLateOfferIsRefusedWithoutTouchingTheCase()
    {
        await StatesAsync(2);
        var id = await RaiseAsync();
        var first = await WaitAsync(id, c => c.CurrentRound?.Number == 1);
        var late = first.CurrentRound!.Asked.Single().StateCode;

        await WaitAsync(id, c => c.CurrentRound?.Number == 2);
        var before = (await Relocations.FindAsync(id, CancellationToken.None))!;
        var ex = await Assert.ThrowsAsync<ConflictException>(() => RespondAsync(id, late, OfferDecision.Offer));

        var relocation = (await Relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before.Version, relocation.Version);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task Run_FundRefuses_AcceptanceRefusedHoldReleasedCaseKeepsWaiting()
    {
        var states = await StatesAsync(1, needsFund: true);
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("only 10.00 EUR available"));
        var id = await RaiseAsync();
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        await RespondAsync(id, states[0], OfferDecision.Offer, 5000m);

        var requestId = await AcceptAsync(id, states[0]);
        var refused = await WaitAsync(id, c => c.State.LastOutcome?.RequestId == requestId);

        Assert.False(refused.State.LastOutcome!.Accepted);
        Assert.Contains("Special Fund", refused.State.LastOutcome.Reason, StringComparison.Ordinal);
        Assert.Equal(RelocationStatus.AwaitingOffers, refused.Status);
        Assert.Equal(0, (await CapacityOfAsync(states[0])).Held);
        _fund.Verify(f => f.CommitAsync(id, 500000, CaseUpdates.CommitKey(id), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("AwaitingOffers")]
    [InlineData("OfferAccepted")]
    public async Task Run_Cancelled_ReleasesEveryHoldAndCommitment(string when)
    {
        var states = await StatesAsync(1, needsFund: true);
        var id = await RaiseAsync();
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        if (when == "OfferAccepted")
        {
            await RespondAsync(id, states[0], OfferDecision.Offer, 100m);
            await AcceptAsync(id, states[0]);
            await WaitAsync(id, c => c.Status == RelocationStatus.OfferAccepted);
            Assert.Equal(2, (await CapacityOfAsync(states[0])).Held);
        }

        await RaiseAsync(id, CaseEventKind.Cancellation, c => c.Cancel("no longer needed", DateTimeOffset.UtcNow));
        var instance = await CompletedAsync(id);

        Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
        Assert.Equal(0, (await CapacityOfAsync(states[0])).Held);
        _fund.Verify(f => f.ReleaseAsync(id, CaseUpdates.ReleaseKey(id), It.IsAny<CancellationToken>()), Times.AtLeastOnce);
    }

    [Fact]
    public async Task Run_TwoAcceptancesAtOnce_PlacesHeldOnce()
    {
        var states = await StatesAsync(1);
        var id = await RaiseAsync();
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        await RespondAsync(id, states[0], OfferDecision.Offer);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                return await AcceptAsync(id, states[0]);
            }
            catch (ConflictException)
            {
                return null;
            }
        }));
        var winner = Assert.Single(attempts, a => a is not null);
        await WaitAsync(id, c => c.State.LastOutcome?.RequestId == winner);

        Assert.Equal(2, (await CapacityOfAsync(states[0])).Held);
        Assert.Equal(RelocationStatus.OfferAccepted, (await Relocations.FindAsync(id, CancellationToken.None))!.Status);
    }
}
