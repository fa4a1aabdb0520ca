using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The relocation orchestration in the in-process test host, driven through <see cref="RelocationCommands"/> exactly as
/// the API drives it. Deadlines are the priority table's, scaled down through <see cref="RelocationWorkflowOptions.ClockScale"/>
/// only where a test needs them to pass.
/// </summary>
public sealed class RelocationOrchestratorTests : IAsyncLifetime
{
    /// <summary>Emergency's 24 hours become about 2.6 seconds.</summary>
    private const double FastClock = 0.00003;

    private static readonly TimeSpan AcceptanceWait = TimeSpan.FromSeconds(30);
    private readonly RelocationTestWorld _world = new();
    private readonly InMemoryRelocationRepository _relocations;
    private readonly InMemoryCapacityRepository _capacities;
    private readonly InMemoryOutbox _outbox;
    private readonly Mock<IRelocationFund> _fund = new();
    private readonly RelocationWorkflowOptions _options = new() { RoundSize = 3, ClockScale = 1 };
    private readonly RelocationCommands _commands;
    private readonly CountingCapacities _countedCapacities;
    private readonly OfferAcceptance _acceptance;

    /// <summary>The commands as the API has them: the acceptance request carries the acceptance out in the host's process.</summary>
    private readonly RelocationCommands _carrying;

    /// <summary>The same with the arrival applied by the request (<see cref="CaseArrival"/>, the host's own instance).</summary>
    private readonly RelocationCommands _arriving;
    private readonly CaseArrival _arrival;
    private DurableTaskTestHost _host = null!;

    public RelocationOrchestratorTests()
    {
        (_relocations, _capacities, _outbox) = (_world.Relocations, _world.Capacities, _world.Outbox);
        _commands = new RelocationCommands(_relocations, TimeProvider.System, outbox: _outbox);
        _countedCapacities = new CountingCapacities(_capacities);
        _acceptance = new OfferAcceptance(_relocations, _countedCapacities, _fund.Object, _outbox, Options.Create(_options), TimeProvider.System);
        _carrying = new RelocationCommands(_relocations, TimeProvider.System, outbox: _outbox, acceptance: _acceptance);
        _arrival = new CaseArrival(_relocations, _countedCapacities, _outbox, Options.Create(_options), TimeProvider.System);
        _arriving = new RelocationCommands(_relocations, TimeProvider.System, outbox: _outbox, acceptance: _acceptance, arrival: _arrival);
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync("commitment-1");
    }

    private DurableTaskClient Client => _host.Client;

    private static DateOnly Today => RelocationTestWorld.Today;

    public async Task InitializeAsync() =>
        _host = await _world.StartHostAsync(_options, s => s
            .AddSingleton<ICapacityRepository>(_countedCapacities)
            .AddSingleton(_acceptance)
            .AddSingleton(_arrival)
            .AddSingleton(_fund.Object));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // ---- arrange helpers ----

    /// <summary>One State with one capacity of 4 places; the code's order decides ties (all else equal).</summary>
    private Task<string> StateAsync(string code, bool needsFund = false, int places = 4, bool medical = false) =>
        _world.StateAsync(code, places, needsFund, medical);

    private async Task<string> SubmitAsync(RelocationPriority priority = RelocationPriority.Emergency, bool start = true, bool medical = false, string pseudonym = "W-0421", bool consent = true)
    {
        var relocation = await _world.SubmitAsync(priority, medical, pseudonym, consent ? Today : null);
        if (start)
        {
            await _commands.StartAsync(Client, relocation, CancellationToken.None);
        }

        return relocation.Id;
    }

    private Task<RelocationCase> RespondAsync(string id, string state, OfferDecision decision, decimal? cost = null) =>
        _commands.RespondAsync(Client, id, state, new ResponseCommand(state, decision, decision == OfferDecision.Offer ? 3 : null, null,
            cost is null ? null : new MoneyFields(cost, "EUR"), null), CancellationToken.None);

    private async Task<AcceptanceOutcome> AcceptAsync(string id, string state, string? requestId = null)
    {
        var (_, outcome) = await _commands.AcceptAsync(Client, id, state, requestId ?? Guid.NewGuid().ToString("N"), AcceptanceWait, CancellationToken.None);
        return outcome ?? throw new TimeoutException("The acceptance was not decided.");
    }

    private Task<RelocationCase> WaitAsync(string id, Func<RelocationCase, bool> done) => _world.WaitAsync(id, done);

    private Task<OrchestrationMetadata> WaitForInstanceAsync(string id, OrchestrationRuntimeStatus status) => Client.WaitForInstanceAsync(id, status);

    private Task<OrchestrationMetadata> WaitForPlacedAsync(string id) => Client.WaitForPlacedAsync(id);

    private Task<OrchestrationMetadata> WaitForCustomStatusAsync(string id, string text) => Client.WaitForCustomStatusAsync(id, text);

    private async Task<Capacity> CapacityAsync(string state) => (await _capacities.FindAsync(state, $"cap-{state}", CancellationToken.None))!;

    private async Task<int> TotalHeldAsync() => (await _capacities.ListAllAsync(CancellationToken.None)).Sum(c => c.Held);

    private string[] OutboxTo(string id, string kind) =>
        _outbox.Messages.Where(m => m.RelatedId == id && m.Kind == kind).Select(m => m.Recipient).Order(StringComparer.Ordinal).ToArray();

    private static Task<RelocationCase> AwaitingOffers(Func<string, Func<RelocationCase, bool>, Task<RelocationCase>> wait, string id, int round = 1) =>
        wait(id, c => c.Status == RelocationStatus.AwaitingOffers && c.CurrentRound?.Number == round);

    // ---- tests ----

    [Fact]
    public async Task RunAsync_TwoEmergenciesCompetingForOneMedicalPlace_BothPlaced()
    {
        // NOR has the only medical-care place (one household of 3) and, all else equal, ranks first by code: v1 asked NOR
        // for the first request too, VWU accepted it there, and the second request, which needs medical care, escalated.
        await StateAsync("NOR", places: 3, medical: true);
        await StateAsync("SWE", places: 3);
        var first = await SubmitAsync(start: false, pseudonym: "W-0433");
        var second = await SubmitAsync(start: false, medical: true, pseudonym: "W-0434");
        await Task.WhenAll(
            _commands.StartAsync(Client, (await _relocations.FindAsync(first, CancellationToken.None))!, CancellationToken.None),
            _commands.StartAsync(Client, (await _relocations.FindAsync(second, CancellationToken.None))!, CancellationToken.None));

        var a = await AwaitingOffers(WaitAsync, first);
        var b = await AwaitingOffers(WaitAsync, second);
        Assert.Equal(["SWE"], a.Rounds[0].Asked.Select(s => s.StateCode));
        Assert.Equal(["NOR"], b.Rounds[0].Asked.Select(s => s.StateCode));

        await RespondAsync(first, "SWE", OfferDecision.Offer);
        await RespondAsync(second, "NOR", OfferDecision.Offer);
        var outcomes = await Task.WhenAll(AcceptAsync(first, "SWE"), AcceptAsync(second, "NOR"));

        Assert.All(outcomes, o => Assert.True(o.Accepted, o.Reason));
        Assert.Equal((3, 0), ((await CapacityAsync("NOR")).Held, (await CapacityAsync("NOR")).Free));
        Assert.Equal((3, 0), ((await CapacityAsync("SWE")).Held, (await CapacityAsync("SWE")).Free));
    }

    [Fact]
    public async Task RunAsync_NoStateFitsThenCapacityRegisteredAndPlanChanged_SameRoundSentAndPlaced()
    {
        // An Urgent round 1 opens with nobody to ask: it is not sent, and it does not end at once (three such rounds
        // escalated within seconds). New capacity and a PlanChanged signal re-plan it, and round 1 is sent.
        var id = await SubmitAsync(RelocationPriority.Urgent);
        var waiting = await AwaitingOffers(WaitAsync, id);
        Assert.Empty(waiting.Rounds[0].Asked);

        await StateAsync("NOR");
        await RelocationCommands.PlanChangedAsync(Client, id, CancellationToken.None);
        var sent = await WaitAsync(id, c => c.CurrentRound is { Number: 1, Asked.Count: > 0 });

        Assert.Equal(["NOR"], sent.Rounds.Single().Asked.Select(a => a.StateCode));
        await WaitForOutboxAsync(id, "OfferRequest", 1);
        Assert.Equal(["State.FocalPoint:NOR"], OutboxTo(id, "OfferRequest"));
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        var outcome = await AcceptAsync(id, "NOR");
        Assert.True(outcome.Accepted, outcome.Reason);
    }

    [Fact]
    public async Task RunAsync_NoStateFitsThenCapacityRegisteredWithoutSignal_SentAtTheNextLook()
    {
        // No signal at all (a lost PlanChanged): the waiting round looks again within an eighth of its window.
        _options.ClockScale = 0.0001; // Urgent's 72 hours become about 26 seconds; a look at least every 3.2 s.
        var id = await SubmitAsync(RelocationPriority.Urgent);
        await AwaitingOffers(WaitAsync, id);

        await StateAsync("SWE");
        var sent = await WaitAsync(id, c => c.CurrentRound is { Asked.Count: > 0 });

        Assert.Equal((1, "SWE"), (sent.CurrentRound!.Number, sent.CurrentRound.Asked.Single().StateCode));
    }

    [Fact]
    public async Task RunAsync_EmergencyNoStateFits_RoundsEndAtOnceAndEscalate()
    {
        // An Emergency never waits for a re-plan: the Registrar hears within minutes that nobody can be asked.
        var id = await SubmitAsync();

        await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        var escalated = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Equal((RelocationStatus.Escalated, 3), (escalated.Status, escalated.Rounds.Count));
        Assert.All(escalated.Rounds, r => Assert.Empty(r.Asked));
    }

    [Fact]
    public async Task RunAsync_DeclineOfferAcceptArrive_RelocatedWithPlacesUsedAndStatesTold()
    {
        foreach (var code in new[] { "FIN", "NOR", "SWE" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync();
        var waiting = await AwaitingOffers(WaitAsync, id);
        Assert.Equal(["FIN", "NOR", "SWE"], waiting.Rounds[0].Asked.Select(a => a.StateCode).Order(StringComparer.Ordinal));
        // The round is on the row before its notices are written: the notices are awaited.
        await WaitForOutboxAsync(id, "OfferRequest", 3);
        Assert.Equal(["State.FocalPoint:FIN", "State.FocalPoint:NOR", "State.FocalPoint:SWE"], OutboxTo(id, "OfferRequest"));

        await RespondAsync(id, "SWE", OfferDecision.Decline);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        await Assert.ThrowsAsync<ForbiddenException>(() => RespondAsync(id, "DNK", OfferDecision.Offer));
        var outcome = await AcceptAsync(id, "NOR");

        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.Equal((3, 1), ((await CapacityAsync("NOR")).Held, (await CapacityAsync("NOR")).Free));
        var accepted = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(RelocationStatus.OfferAccepted, accepted.Status);
        Assert.Equal(new[] { "NOR", "cap-NOR" }, new[] { accepted.State.Accepted!.StateCode, accepted.State.Accepted.CapacityId });
        _fund.Verify(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);

        await _commands.ArriveAsync(Client, id, Today, CancellationToken.None);
        // After arrival the orchestration continues as new to follow the placement (a State may withdraw).
        var instance = await WaitForPlacedAsync(id);

        Assert.Contains("\"Relocated\"", instance.SerializedCustomStatus, StringComparison.Ordinal);
        var nor = await CapacityAsync("NOR");
        Assert.Equal((0, 3, 1), (nor.Held, nor.Used, nor.Free));
        Assert.Equal(["State.FocalPoint:FIN", "State.FocalPoint:SWE"], OutboxTo(id, "OfferNoLongerNeeded"));
        var review = Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "ProtectionReview");
        Assert.Equal(Today.AddMonths(5), review.DueOn);
        Assert.DoesNotContain("ICC-01", instance.SerializedCustomStatus ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("ICC-01", instance.SerializedInput ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CapacityNeedsFund_CommitsTheEstimatedCostOnce()
    {
        await StateAsync("NOR", needsFund: true);
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, 4200.50m);

        var requestId = Guid.NewGuid().ToString("N");
        var outcome = await AcceptAsync(id, "NOR", requestId);
        var again = await AcceptAsync(id, "NOR", requestId);

        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.Equal(outcome, again);
        Assert.Equal("commitment-1", (await _relocations.FindAsync(id, CancellationToken.None))!.State.Accepted!.CommitmentId);
        _fund.Verify(f => f.CommitAsync(id, 420050, $"relocation:{id}:commit", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_AllDeclineThroughThreeRounds_EscalatedToTheRegistrar()
    {
        _options.RoundSize = 1;
        // Four equal States, asked in code order. The reservation is on: the open Emergency is its own history, so copies
        // of it are planned too, on the same equal States; a real request wins every tie against a copy, so the order
        // does not change (PlannerTests.Solve_RealEmergencyTiedWithItsForecastCopies_…).
        Assert.True(_options.ReserveForExpectedEmergencies);
        foreach (var code in new[] { "DNK", "FIN", "NOR", "SWE" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync();
        var asked = new List<string>();
        for (var round = 1; round <= 3; round++)
        {
            var waiting = await AwaitingOffers(WaitAsync, id, round);
            var state = Assert.Single(waiting.CurrentRound!.Asked).StateCode;
            asked.Add(state);
            await RespondAsync(id, state, OfferDecision.Decline);
        }

        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Escalated, instance.ReadOutputAs<RelocationStatus>());
        Assert.Equal(RelocationStatus.Escalated, (await _relocations.FindAsync(id, CancellationToken.None))!.Status);
        Assert.Equal(["DNK", "FIN", "NOR"], asked);
        Assert.Equal(["Registry.Admin"], OutboxTo(id, "Escalation"));
        Assert.Equal(0, await TotalHeldAsync());
    }

    [Theory]
    [InlineData(RelocationPriority.Emergency, new[] { "DNK", "EST", "FIN", "ISL", "NOR" })]
    [InlineData(RelocationPriority.Urgent, new[] { "DNK", "EST", "FIN" })]
    public async Task RunAsync_EmergencyRoundSizeFive_EmergencyAsksFiveOthersAsManyAsRoundSize(RelocationPriority priority, string[] expected)
    {
        // RoundSize 3, EmergencyRoundSize 5, six equal States (asked in code order): an Emergency's round asks five, an
        // Urgent one three.
        _options.EmergencyRoundSize = 5;
        foreach (var code in new[] { "DNK", "EST", "FIN", "ISL", "NOR", "SWE" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync(priority);
        var waiting = await AwaitingOffers(WaitAsync, id);

        Assert.Equal(expected, waiting.CurrentRound!.Asked.Select(a => a.StateCode).Order(StringComparer.Ordinal));
        await WaitForOutboxAsync(id, "OfferRequest", expected.Length);
        Assert.Equal(expected.Select(code => "State.FocalPoint:" + code), OutboxTo(id, "OfferRequest"));
    }

    [Fact]
    public async Task RunAsync_RequestDecidedTheAcceptanceBeforeTheLastDeadlineEscalated_CaseGoesOnAcceptedNotEscalated()
    {
        _options.RoundSize = 1;
        _options.ClockScale = FastClock;
        _options.ReserveForExpectedEmergencies = false;
        foreach (var code in new[] { "DNK", "FIN", "NOR" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync();
        for (var round = 1; round <= 2; round++)
        {
            var waiting = await AwaitingOffers(WaitAsync, id, round);
            await RespondAsync(id, Assert.Single(waiting.CurrentRound!.Asked).StateCode, OfferDecision.Decline);
        }

        var last = Assert.Single((await AwaitingOffers(WaitAsync, id, round: 3)).CurrentRound!.Asked).StateCode;
        await RespondAsync(id, last, OfferDecision.Offer);
        // VWU accepts in time; the request records the step and carries it out (places held, decision written), and the
        // last deadline's timer fires before the orchestration hears of it (its event not raised here).
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.RequestAcceptance(last, "acc-late", DateTimeOffset.UtcNow));
        var carried = await _acceptance.CarryOutAsync(id, "acc-late");

        var applied = await WaitAsync(id, c => c.PendingSteps.Count == 0);
        // The saga's last step clears the pending step on the row before the orchestration's episode commits its custom
        // status, so the status is awaited on its own; an escalated orchestration never shows OfferAccepted.
        await WaitForCustomStatusAsync(id, nameof(RelocationStatus.OfferAccepted));
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Running);

        Assert.True(carried.Outcome!.Accepted, carried.Outcome.Reason);
        Assert.Equal(RelocationStatus.OfferAccepted, applied.Status);
        Assert.Contains(nameof(RelocationStatus.OfferAccepted), instance.SerializedCustomStatus, StringComparison.Ordinal);
        Assert.Empty(OutboxTo(id, "Escalation"));
        Assert.Equal(3, await TotalHeldAsync());
    }

    [Fact]
    public async Task RunAsync_RoundDeadlinePassesThenLateOffer_Is409NotKeptOnTheCaseAndTimersEscalate()
    {
        _options.RoundSize = 1;
        _options.ClockScale = FastClock;
        foreach (var code in new[] { "FIN", "NOR", "SWE" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync();
        var first = await AwaitingOffers(WaitAsync, id);
        var late = Assert.Single(first.CurrentRound!.Asked).StateCode;
        await AwaitingOffers(WaitAsync, id, round: 2);

        var ex = await Assert.ThrowsAsync<ConflictException>(() => RespondAsync(id, late, OfferDecision.Offer));
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
        var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.DoesNotContain(relocation.Timeline, t => t.What.Contains("Refused", StringComparison.Ordinal));
        Assert.Empty(relocation.Offers);
        Assert.Equal(RelocationStatus.Escalated, instance.ReadOutputAs<RelocationStatus>());
        Assert.Equal(3, relocation.Rounds.Count);
        Assert.All(relocation.Rounds, r => Assert.NotNull(r.ClosedAt));
    }

    [Fact]
    public async Task RunAsync_FundRefusesTheCommitment_409HoldReleasedAndCaseKeepsWaiting()
    {
        await StateAsync("NOR", needsFund: true);
        await StateAsync("SWE");
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("Only 100.00 EUR are available."));
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, 9000m);

        var refused = await AcceptAsync(id, "NOR");

        Assert.False(refused.Accepted);
        Assert.Contains("Special Fund", refused.Reason, StringComparison.Ordinal);
        var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(RelocationStatus.AwaitingOffers, relocation.Status);
        Assert.Contains(relocation.Timeline, t => t.What == "AcceptanceRefused");
        Assert.Equal(0, (await CapacityAsync("NOR")).Held);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(id))!.RuntimeStatus);

        // The case really keeps waiting: another offer can still be accepted.
        await RespondAsync(id, "SWE", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "SWE")).Accepted);
        Assert.Equal(3, await TotalHeldAsync());
    }

    [Fact]
    public async Task RunAsync_AcceptedInTheRequest_AnsweredWithPlacesHeldAndTheSagaAppliesTheStepHoldingNothingTwice()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);

        var (answered, outcome) = await _carrying.AcceptAsync(Client, id, "NOR", "acc-1", AcceptanceWait, CancellationToken.None);

        // The answer itself says the places are held: the request did it, not the engine.
        Assert.True(outcome!.Accepted, outcome.Reason);
        Assert.Equal(RelocationStatus.OfferAccepted, answered.Status);
        Assert.Equal(3, (await CapacityAsync("NOR")).Held);
        // The saga joins: it applies the step, holds nothing again, tells nobody twice.
        var applied = await WaitAsync(id, c => c.PendingSteps.Count == 0);
        await WaitForCustomStatusAsync(id, nameof(RelocationStatus.OfferAccepted));
        Assert.Equal(1, _countedCapacities.Updates("cap-NOR"));
        Assert.Equal(3, (await CapacityAsync("NOR")).Held);
        Assert.Single(applied.Timeline, t => t.What == "OfferAccepted");
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "AcceptanceCommitted"));
    }

    [Fact]
    public async Task RunAsync_FundRefusesTheAcceptanceInTheRequest_409AndTheSagaReleasesTheHoldOnce()
    {
        await StateAsync("NOR", needsFund: true);
        await StateAsync("SWE");
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("Only 100.00 EUR are available."));
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, 9000m);

        var (_, refused) = await _carrying.AcceptAsync(Client, id, "NOR", "acc-1", AcceptanceWait, CancellationToken.None);

        Assert.False(refused!.Accepted);
        Assert.Contains("Special Fund", refused.Reason, StringComparison.Ordinal);
        // The compensation is the orchestrator's: the hold goes once the saga ran, by one release (hold + release).
        await WaitAsync(id, c => c.PendingSteps.Count == 0);
        for (var i = 0; i < 200 && (await CapacityAsync("NOR")).Held != 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0, (await CapacityAsync("NOR")).Held);
        Assert.Equal(2, _countedCapacities.Updates("cap-NOR"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(id))!.RuntimeStatus);
        await RespondAsync(id, "SWE", OfferDecision.Offer);
        Assert.True((await _carrying.AcceptAsync(Client, id, "SWE", "acc-2", AcceptanceWait, CancellationToken.None)).Outcome!.Accepted);
        Assert.Equal(3, await TotalHeldAsync());
    }

    [Fact]
    public async Task RunAsync_TwoAcceptancesAtOnce_PlacesHeldOnce()
    {
        await StateAsync("NOR");
        await StateAsync("SWE");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        await RespondAsync(id, "SWE", OfferDecision.Offer);

        var attempts = await Task.WhenAll(new[] { "NOR", "SWE", "NOR", "SWE" }.Select(async state =>
        {
            try
            {
                return (await AcceptAsync(id, state)).Accepted;
            }
            catch (ConflictException)
            {
                return false;
            }
        }));

        Assert.Single(attempts, accepted => accepted);
        Assert.Equal(3, await TotalHeldAsync());
        var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(3, (await CapacityAsync(relocation.State.Accepted!.StateCode)).Held);
    }

    public static TheoryData<string> CancellableStates => ["Submitted", "AwaitingOffers", "AcceptancePending", "OfferAccepted", "OfferAcceptedWithFund", "Escalated"];

    [Theory]
    [MemberData(nameof(CancellableStates))]
    public async Task RunAsync_CancelledInAnyState_ReleasesEveryHoldAndCommitment(string when)
    {
        _options.RoundSize = 2;
        await StateAsync("NOR", needsFund: when == "OfferAcceptedWithFund");
        await StateAsync("SWE");
        var id = await SubmitAsync(start: when != "Submitted");
        switch (when)
        {
            case "AwaitingOffers":
                await AwaitingOffers(WaitAsync, id);
                await RespondAsync(id, "NOR", OfferDecision.Offer);
                break;
            case "AcceptancePending":
                await AwaitingOffers(WaitAsync, id);
                await RespondAsync(id, "NOR", OfferDecision.Offer);
                // Recorded as pending but not yet carried out: the cancellation overtakes it.
                await CaseUpdates.UpdateAsync(_relocations, id, c => c.RequestAcceptance("NOR", "pending-1", DateTimeOffset.UtcNow));
                break;
            case "OfferAccepted" or "OfferAcceptedWithFund":
                await AwaitingOffers(WaitAsync, id);
                await RespondAsync(id, "NOR", OfferDecision.Offer, 100m);
                Assert.True((await AcceptAsync(id, "NOR")).Accepted);
                Assert.Equal(3, await TotalHeldAsync());
                break;
            case "Escalated":
                await AwaitingOffers(WaitAsync, id);
                await RespondAsync(id, "NOR", OfferDecision.Decline);
                await RespondAsync(id, "SWE", OfferDecision.Decline);
                await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);
                break;
        }

        var cancelled = await _commands.CancelAsync(Client, id, "Threat assessment changed", CancellationToken.None);
        if (when == "Submitted")
        {
            await _commands.StartAsync(Client, cancelled, CancellationToken.None);
        }

        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Cancelled, cancelled.Status);
        Assert.Equal(0, await TotalHeldAsync());
        Assert.Equal(0, (await _capacities.ListAllAsync(CancellationToken.None)).Sum(c => c.Used));
        // Every step is applied, the cancellation's too when it came before the orchestration started ("Submitted").
        Assert.Empty((await _relocations.FindAsync(id, CancellationToken.None))!.PendingSteps);
        if (when == "Escalated")
        {
            Assert.Equal(RelocationStatus.Escalated, instance.ReadOutputAs<RelocationStatus>());
        }
        else
        {
            Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
            _fund.Verify(f => f.ReleaseAsync(id, $"relocation:{id}:release", It.IsAny<CancellationToken>()), Times.AtLeastOnce);
            // And every other commitment made for the case (Finance's by hand), whichever path the cancellation took.
            _fund.Verify(f => f.ReleaseAllAsync(id, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        }

        if (when is "AwaitingOffers" or "OfferAccepted" or "OfferAcceptedWithFund")
        {
            Assert.Equal(["State.FocalPoint:NOR", "State.FocalPoint:SWE"], OutboxTo(id, "Cancelled"));
        }

        await Assert.ThrowsAsync<ConflictException>(() => _commands.ArriveAsync(Client, id, Today, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_CancelledBetweenTwoRounds_StatesAskedBeforeAreTold()
    {
        // Arrange: one State a round; the Emergency round's 24 hours become 4.3 s. The cancellation is on the row but its
        // event is not raised (as when the request died before the raise), so the orchestration first sees it when round 2
        // would open: the path a cancellation between two rounds takes.
        _options.ClockScale = 0.00005;
        _options.RoundSize = 1;
        await StateAsync("NOR");
        await StateAsync("SWE");
        var id = await SubmitAsync();
        var round = (await AwaitingOffers(WaitAsync, id)).Rounds[0];
        Assert.Equal(["NOR"], round.Asked.Select(a => a.StateCode));

        // Act
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.Cancel("Threat assessment changed", DateTimeOffset.UtcNow));
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        // Assert: ended cancelled, round 2 never sent, and the State asked in round 1 heard of the cancellation.
        Assert.Equal(RelocationStatus.Cancelled, instance.ReadOutputAs<RelocationStatus>());
        Assert.Single((await _relocations.FindAsync(id, CancellationToken.None))!.Rounds);
        Assert.DoesNotContain("State.FocalPoint:SWE", OutboxTo(id, "OfferRequest"));
        Assert.Equal(["State.FocalPoint:NOR"], OutboxTo(id, "Cancelled"));
        _fund.Verify(f => f.ReleaseAllAsync(id, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
    }

    // ---- deadline reminders (issue 12) ----

    [Fact]
    public async Task RunAsync_EmergencyRound_RemindsAt50And90PercentOnlyStatesThatHaveNotAnswered()
    {
        // Arrange: the Emergency round's 24 hours become 8.6 s; the reminder points fall at 4.3 s and 7.8 s.
        _options.ClockScale = 0.0001;
        foreach (var code in new[] { "FIN", "NOR", "SWE" })
        {
            await StateAsync(code);
        }

        var id = await SubmitAsync();
        var round = (await AwaitingOffers(WaitAsync, id)).Rounds[0];

        // Act: SWE answers before the first point, NOR between the two, FIN never.
        await RespondAsync(id, "SWE", OfferDecision.Decline);
        await WaitForOutboxAsync(id, "OfferRequestReminder", 2);
        await RespondAsync(id, "NOR", OfferDecision.Decline);
        await WaitAsync(id, c => c.Rounds[0].ClosedAt is not null);

        // Assert
        var window = round.Deadline - round.StartedAt;
        var reminders = _outbox.Messages.Where(m => m.RelatedId == id && m.Kind == "OfferRequestReminder").ToArray();
        var at50 = reminders.Where(m => m.Id.Contains("-reminder50-", StringComparison.Ordinal)).ToArray();
        var at90 = reminders.Where(m => m.Id.Contains("-reminder90-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["State.FocalPoint:FIN", "State.FocalPoint:NOR"], at50.Select(m => m.Recipient).Order(StringComparer.Ordinal));
        Assert.Equal(["State.FocalPoint:FIN"], at90.Select(m => m.Recipient));
        Assert.All(at50, m => Assert.InRange(m.CreatedAt, round.StartedAt + (window * 0.5), round.StartedAt + (window * 0.5) + ReminderSlack));
        Assert.All(at90, m => Assert.InRange(m.CreatedAt, round.StartedAt + (window * 0.9), round.StartedAt + (window * 0.9) + ReminderSlack));
        var closing = Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "RoundClosingWithoutOffer");
        Assert.Equal("Vwu.Officer", closing.Recipient);
        Assert.All(reminders, m => Assert.Contains("UTC", m.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_OfferAcceptedBeforeFirstPoint_NoReminderEver()
    {
        // Arrange: a 4.3 s round; the offer is accepted at once.
        _options.ClockScale = 0.00005;
        await StateAsync("NOR");
        var id = await SubmitAsync();
        var round = (await AwaitingOffers(WaitAsync, id)).Rounds[0];

        // Act
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        var outcome = await AcceptAsync(id, "NOR");
        var pastDeadline = round.Deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        await Task.Delay(pastDeadline > TimeSpan.Zero ? pastDeadline : TimeSpan.Zero);

        // Assert: the reminder timer lost the race and was cancelled; VWU heard of the offer and the commitment.
        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.Empty(OutboxTo(id, "OfferRequestReminder"));
        Assert.Empty(OutboxTo(id, "RoundClosingWithoutOffer"));
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "OfferReceived"));
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "AcceptanceCommitted"));
    }

    private static readonly TimeSpan ReminderSlack = TimeSpan.FromSeconds(2);

    private async Task WaitForOutboxAsync(string id, string kind, int count)
    {
        for (var i = 0; i < 400 && OutboxTo(id, kind).Length < count; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(OutboxTo(id, kind).Length >= count, $"Expected {count} {kind} messages.");
    }

    // ---- issue 14: consent, relocation clock, withdrawal ----

    [Theory]
    [InlineData(RelocationPriority.Normal)]
    [InlineData(RelocationPriority.Urgent)]
    public async Task RunAsync_NoConsent_StaysSubmittedAndAsksNoStateUntilConsentRecorded(RelocationPriority priority)
    {
        await StateAsync("NOR");
        var id = await SubmitAsync(priority, consent: false);
        await WaitForCustomStatusAsync(id, "awaitingConsent");
        await Task.Delay(500);

        var held = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(RelocationStatus.Submitted, held.Status);
        Assert.Empty(held.Rounds);
        Assert.Empty(OutboxTo(id, "OfferRequest"));

        var consented = await _commands.RecordConsentAsync(Client, id, Today, CancellationToken.None);
        var waiting = await AwaitingOffers(WaitAsync, id);

        Assert.Equal(Today, consented.State.ConsentOn);
        Assert.Equal(["NOR"], waiting.Rounds[0].Asked.Select(a => a.StateCode));
        Assert.Equal(["State.FocalPoint:NOR"], OutboxTo(id, "OfferRequest"));
        Assert.Empty((await WaitAsync(id, c => c.PendingSteps.Count == 0)).PendingSteps);
    }

    [Fact]
    public async Task RunAsync_EmergencyWithoutConsent_AskedAtOnceButAcceptanceRefusedUntilConsent()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync(RelocationPriority.Emergency, consent: false);
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);

        var refused = await Assert.ThrowsAsync<ConflictException>(() => AcceptAsync(id, "NOR"));
        Assert.Contains("consent", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await TotalHeldAsync());

        await _commands.RecordConsentAsync(Client, id, Today, CancellationToken.None);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        Assert.Equal(3, await TotalHeldAsync());
    }

    [Fact]
    public async Task RunAsync_AcceptedNotArrived_RemindedAt50And90ThenOverdueToRegistry_ArrivalClearsIt()
    {
        // 7 days × 0.000005 ≈ 3 s between acceptance and the relocation due time.
        _options.PlacementClockScale = 0.000005;
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);

        var overdue = await WaitAsync(id, c => c.Status == RelocationStatus.Overdue);
        // The notices follow the status's write in the same activity: wait for them too (CI saw the status first).
        for (var i = 0; i < 200 && OutboxTo(id, "RelocationOverdue").Length < 2; i++)
        {
            await Task.Delay(50);
        }

        Assert.NotNull(overdue.State.PlacementDueAt);
        Assert.True(DateTimeOffset.UtcNow >= overdue.State.PlacementDueAt);
        var reminders = _outbox.Messages.Where(m => m.RelatedId == id && m.Kind == "RelocationDueReminder").Select(m => m.Id).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([$"relocation-{id}-placement-reminder50", $"relocation-{id}-placement-reminder90"], reminders);
        Assert.Equal(["Vwu.Officer", "Vwu.Officer"], OutboxTo(id, "RelocationDueReminder"));
        Assert.Equal(["Registry.Admin", "Vwu.Officer"], OutboxTo(id, "RelocationOverdue"));

        await _commands.ArriveAsync(Client, id, Today, CancellationToken.None);
        await WaitForPlacedAsync(id);
        Assert.Equal(RelocationStatus.Relocated, (await _relocations.FindAsync(id, CancellationToken.None))!.Status);
        Assert.Equal(3, (await CapacityAsync("NOR")).Used);
    }

    [Fact]
    public async Task RunAsync_ArrivedBeforeDue_NeverOverdue()
    {
        _options.PlacementClockScale = 0.00001;
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        await _commands.ArriveAsync(Client, id, Today, CancellationToken.None);
        await WaitForPlacedAsync(id);

        // Past the whole 6-second clock: the placement phase has no clock, so nothing fires.
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.Empty(OutboxTo(id, "RelocationOverdue"));
        Assert.Equal(RelocationStatus.Relocated, (await _relocations.FindAsync(id, CancellationToken.None))!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ReceivingStateWithdraws_WithdrawnPlacesFreedCommitmentReleasedVwuTold(bool arrived)
    {
        await StateAsync("NOR", needsFund: true);
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, 100m);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        if (arrived)
        {
            await _commands.ArriveAsync(Client, id, Today, CancellationToken.None);
            await WaitForPlacedAsync(id);
        }

        await Assert.ThrowsAsync<ForbiddenException>(() => _commands.WithdrawAsync(Client, id, "SWE", "not ours", Today, "next-1", CancellationToken.None));
        var withdrawn = await _commands.WithdrawAsync(Client, id, "NOR", "capacity closed", Today, "next-1", CancellationToken.None);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Withdrawn, withdrawn.Status);
        Assert.Equal("next-1", withdrawn.State.ReRelocationId);
        Assert.Equal(RelocationStatus.Withdrawn, instance.ReadOutputAs<RelocationStatus>());
        var nor = await CapacityAsync("NOR");
        Assert.Equal((0, 0, 4), (nor.Held, nor.Used, nor.Free));
        _fund.Verify(f => f.ReleaseAsync(id, CaseUpdates.ReleaseKey(id), It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "PlacementWithdrawn"));
        Assert.Empty((await _relocations.FindAsync(id, CancellationToken.None))!.PendingSteps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_ReceivingStateWithdraws_EveryCommitmentOfTheCaseReleasedUnderTheWithdrawalKeys(bool arrived)
    {
        // Finance may have committed to the case by hand: the withdrawal releases every commitment, as a cancellation does.
        var id = arrived ? await PlacedCaseAsync(needsFund: true) : await AcceptedCaseAsync(needsFund: true);

        await _commands.WithdrawAsync(Client, id, "NOR", "capacity closed", Today, "next-3", CancellationToken.None);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Withdrawn, instance.ReadOutputAs<RelocationStatus>());
        _fund.Verify(f => f.ReleaseAllAsync(id, CaseRelease.Withdrawal, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        _fund.Verify(f => f.ReleaseAllAsync(id, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_WithdrawalEffectiveInFourDays_PlacesAndMoneyKeptUntilEffectiveOnThenReleased()
    {
        // Four days become 8 to 10 seconds (placement clock 0.00003); the re-relocation is not this orchestration's work.
        _options.PlacementClockScale = FastClock;
        var id = await PlacedCaseAsync(needsFund: true);

        var withdrawn = await _commands.WithdrawAsync(Client, id, "NOR", "capacity closed", Today.AddDays(4), "next-4", CancellationToken.None);
        await WaitAsync(id, c => c.PendingSteps.Count == 0);
        await WaitForCustomStatusAsync(id, "Withdrawn");
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Before effectiveOn: Withdrawn with its re-relocation, VWU told, but the places stay used and nothing is released.
        Assert.Equal((RelocationStatus.Withdrawn, "next-4"), (withdrawn.Status, withdrawn.State.ReRelocationId));
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "PlacementWithdrawn"));
        Assert.Equal(3, (await CapacityAsync("NOR")).Used);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(id))!.RuntimeStatus);
        _fund.Verify(f => f.ReleaseAsync(id, It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _fund.Verify(f => f.ReleaseAllAsync(id, It.IsAny<CaseRelease>(), It.IsAny<CancellationToken>()), Times.Never);

        // On effectiveOn: the places are freed and every commitment released, once.
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);
        Assert.Equal(RelocationStatus.Withdrawn, instance.ReadOutputAs<RelocationStatus>());
        var nor = await CapacityAsync("NOR");
        Assert.Equal((0, 0, 4), (nor.Held, nor.Used, nor.Free));
        _fund.Verify(f => f.ReleaseAsync(id, CaseUpdates.ReleaseKey(id), It.IsAny<CancellationToken>()), Times.Once);
        _fund.Verify(f => f.ReleaseAllAsync(id, CaseRelease.Withdrawal, It.IsAny<CancellationToken>()), Times.Once);
    }

    private async Task<string> AcceptedCaseAsync(bool needsFund)
    {
        await StateAsync("NOR", needsFund);
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, needsFund ? 100m : null);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        return id;
    }

    [Fact]
    public async Task RunAsync_ArrivedInTheRequest_AnsweredWithReviewDueAndTheOrchestrationAppliesTheStepUsingPlacesOnce()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        var writesBefore = _countedCapacities.Updates("cap-NOR");

        var answered = await _arriving.ArriveAsync(Client, id, Today, CancellationToken.None);

        // The answer itself carries the review date and the places are used: the request did it, not the engine.
        Assert.NotNull(answered.State.ReviewDueAt);
        Assert.Equal((0, 3), ((await CapacityAsync("NOR")).Held, (await CapacityAsync("NOR")).Used));
        // The orchestration still takes the step: it marks it applied and follows the placement, using nothing twice.
        var applied = await WaitAsync(id, c => c.PendingSteps.Count == 0);
        await WaitForPlacedAsync(id);
        Assert.Equal(writesBefore + 1, _countedCapacities.Updates("cap-NOR"));
        Assert.Equal(answered.State.ReviewDueAt, applied.State.ReviewDueAt);
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "ProtectionReview");
        Assert.Single(applied.Timeline, t => t.What == "ReviewDue");
    }

    [Fact]
    public async Task RunAsync_SecondArrivalRequest_409AndNothingAppliedTwice()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        var first = await _arriving.ArriveAsync(Client, id, Today, CancellationToken.None);
        await WaitAsync(id, c => c.PendingSteps.Count == 0);
        var writes = _countedCapacities.Updates("cap-NOR");

        await Assert.ThrowsAsync<ConflictException>(() => _arriving.ArriveAsync(Client, id, Today, CancellationToken.None));

        var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
        Assert.NotNull(first.State.ReviewDueAt);
        Assert.Equal(first.State.ReviewDueAt, relocation.State.ReviewDueAt);
        Assert.Equal(writes, _countedCapacities.Updates("cap-NOR"));
        Assert.Equal(3, (await CapacityAsync("NOR")).Used);
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "ProtectionReview");
        Assert.Empty(relocation.PendingSteps);
    }

    [Fact]
    public async Task RunAsync_WithdrawnRightAfterAnArrivalAppliedByTheRequest_PlacesFreedAndEveryStepApplied()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);

        var arrived = await _arriving.ArriveAsync(Client, id, Today, CancellationToken.None);
        // The State withdraws before the orchestration has taken the arrival: the steps are applied in order.
        await _arriving.WithdrawAsync(Client, id, "NOR", "capacity closed", Today, "next-2", CancellationToken.None);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.NotNull(arrived.State.ReviewDueAt);
        Assert.Equal(RelocationStatus.Withdrawn, instance.ReadOutputAs<RelocationStatus>());
        var nor = await CapacityAsync("NOR");
        Assert.Equal((0, 0, 4), (nor.Held, nor.Used, nor.Free));
        Assert.Empty((await _relocations.FindAsync(id, CancellationToken.None))!.PendingSteps);
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "ProtectionReview");
    }

    private async Task<string> PlacedCaseAsync(bool needsFund = false)
    {
        await StateAsync("NOR", needsFund);
        var id = await SubmitAsync();
        await AwaitingOffers(WaitAsync, id);
        await RespondAsync(id, "NOR", OfferDecision.Offer, needsFund ? 100m : null);
        Assert.True((await AcceptAsync(id, "NOR")).Accepted);
        await _commands.ArriveAsync(Client, id, Today, CancellationToken.None);
        await WaitForPlacedAsync(id);
        return id;
    }

    [Fact]
    public async Task RunAsync_ReviewExtendConfirmedByState_EndDateSetReviewClockMovedVwuTold()
    {
        var id = await PlacedCaseAsync();
        var firstDue = (await WaitAsync(id, c => c.State.ReviewDueAt is not null)).State.ReviewDueAt;

        await _commands.RecordReviewAsync(Client, id, ReviewOutcome.Extend, Today, Today.AddMonths(3), null, CancellationToken.None);
        await WaitAsync(id, c => c.PendingSteps.Count == 0);
        Assert.Equal(["State.FocalPoint:NOR"], OutboxTo(id, "ExtensionRequest"));
        await Assert.ThrowsAsync<ForbiddenException>(() => _commands.AnswerExtensionAsync(Client, id, "SWE", ExtensionDecision.Confirm, CancellationToken.None));
        await _commands.AnswerExtensionAsync(Client, id, "NOR", ExtensionDecision.Confirm, CancellationToken.None);
        var extended = await WaitAsync(id, c => c.PendingSteps.Count == 0 && c.State.ReviewDueAt != firstDue);

        Assert.Equal(Today.AddMonths(3), extended.State.ProtectionEndsOn);
        Assert.Null(extended.State.PendingExtension);
        Assert.Equal(RelocationStatus.Relocated, extended.Status);
        Assert.Equal(["Vwu.Officer"], OutboxTo(id, "ExtensionConfirmed"));
    }

    [Fact]
    public async Task RunAsync_ReviewEnd_EndedPlacesFreedCommitmentReleased()
    {
        var id = await PlacedCaseAsync(needsFund: true);

        await _commands.RecordReviewAsync(Client, id, ReviewOutcome.End, Today, null, null, CancellationToken.None);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Ended, instance.ReadOutputAs<RelocationStatus>());
        Assert.Equal(RelocationStatus.Ended, (await _relocations.FindAsync(id, CancellationToken.None))!.Status);
        var nor = await CapacityAsync("NOR");
        Assert.Equal((0, 0, 4), (nor.Held, nor.Used, nor.Free));
        _fund.Verify(f => f.ReleaseAsync(id, CaseUpdates.ReleaseKey(id), It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        Assert.Equal(["State.FocalPoint:NOR"], OutboxTo(id, "ProtectionEnded"));
    }

    [Fact]
    public async Task RunAsync_ReviewEnd_EveryCommitmentOfTheCaseReleasedUnderTheReviewEndKeys()
    {
        var id = await PlacedCaseAsync(needsFund: true);

        await _commands.RecordReviewAsync(Client, id, ReviewOutcome.End, Today, null, null, CancellationToken.None);
        var instance = await WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(RelocationStatus.Ended, instance.ReadOutputAs<RelocationStatus>());
        _fund.Verify(f => f.ReleaseAllAsync(id, CaseRelease.ReviewEnd, It.IsAny<CancellationToken>()), Times.AtLeastOnce);
        _fund.Verify(f => f.ReleaseAllAsync(id, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_ReviewNotRecordedByDue_EscalatedToRegistryOnce()
    {
        // Six months × 0.0000002 ≈ 3 s (the 7-day clock runs out at once: arrival clears Overdue).
        _options.PlacementClockScale = 0.0000002;
        var id = await PlacedCaseAsync();

        for (var i = 0; i < 300 && OutboxTo(id, "ReviewOverdue").Length < 2; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(["Registry.Admin", "Vwu.Officer"], OutboxTo(id, "ReviewOverdue"));
        Assert.Equal(RelocationStatus.Relocated, (await _relocations.FindAsync(id, CancellationToken.None))!.Status);
    }

    /// <summary>The capacity rows, counting the writes of each (a hold, a release).</summary>
    private sealed class CountingCapacities(ICapacityRepository inner) : ICapacityRepository
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _updates = new(StringComparer.Ordinal);

        public int Updates(string capacityId) => _updates.GetValueOrDefault(capacityId);

        public Task<Capacity> AddAsync(Capacity capacity, CancellationToken cancellationToken) => inner.AddAsync(capacity, cancellationToken);

        public Task<Capacity?> FindAsync(string stateCode, string id, CancellationToken cancellationToken) => inner.FindAsync(stateCode, id, cancellationToken);

        public Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken) => inner.ListByStateAsync(stateCode, cancellationToken);

        public Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken) => inner.ListAllAsync(cancellationToken);

        public async Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken)
        {
            var updated = await inner.UpdateAsync(capacity, cancellationToken);
            _updates.AddOrUpdate(capacity.Id, 1, (_, n) => n + 1);
            return updated;
        }
    }
}
