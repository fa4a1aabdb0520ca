using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The acceptance carried out by the request, with the orchestration's saga steps as the guarantee: in the same process
/// they join the request's work and write nothing of it again; in another process (a new <see cref="OfferAcceptance"/>,
/// as after a kill -9) they find it on the rows and hold nothing twice; when they come first the request finds their
/// work. Compensations stay the orchestrator's (RelocationOrchestratorTests): here, that every step reports what they need.
/// </summary>
public sealed class OfferAcceptanceTests
{
    private const int Household = 3;
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly InMemoryCapacityRepository _capacities = new();
    private readonly CountingOutbox _outbox = new();
    private readonly Mock<IRelocationFund> _fund = new();
    private readonly TaskActivityContext _context = new Mock<TaskActivityContext>().Object;
    private readonly IOptions<RelocationWorkflowOptions> _options = Options.Create(new RelocationWorkflowOptions());

    public OfferAcceptanceTests() =>
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync("commitment-1");

    /// <summary>One process's component: a new one is a process that knows nothing of another's work.</summary>
    private OfferAcceptance Process() => new(_relocations, _capacities, _fund.Object, _outbox, _options, TimeProvider.System);

    private HoldPlacesActivity Hold(OfferAcceptance process) => new(_capacities, process);

    private CommitFundsActivity Commit(OfferAcceptance process) => new(_fund.Object, process);

    private RecordAcceptanceActivity Record(OfferAcceptance process) => new(_relocations, _outbox, _options, TimeProvider.System, acceptance: process);

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A case whose round asked NOR, which offered; an acceptance of it recorded as step 1 (request "acc-1").</summary>
    private async Task<(string Id, int Sequence)> AcceptanceRecordedAsync(bool needsFund = false)
    {
        await _capacities.AddAsync(Capacity.Register("cap-NOR", "NOR", new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 4, MaxHouseholdSize = 5, NeedsFundSupport = needsFund,
            AvailableFrom = Today.AddDays(-1), AvailableUntil = Today.AddYears(1),
        }).BuildTerms(), DateTimeOffset.UtcNow), CancellationToken.None);
        var id = Guid.NewGuid().ToString("N");
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0777", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 1), new Needs(["fr"], false));
        await _relocations.AddAsync(RelocationCase.Submit(id, facts, DateTimeOffset.UtcNow, "Vwu.Officer", Today), CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.StartRound(1, [new AskedState("NOR", "cap-NOR", needsFund, 1)], now, now.AddHours(24)));
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.RecordResponse("NOR",
            new ResponseCommand("NOR", OfferDecision.Offer, Household, null, needsFund ? new MoneyFields(900m, "EUR") : null, null), now));
        var recorded = await CaseUpdates.UpdateAsync(_relocations, id, c => c.RequestAcceptance("NOR", "acc-1", now));
        return (id, recorded.LastStep!.Sequence);
    }

    private async Task<RelocationCase> CaseAsync(string id) => (await _relocations.FindAsync(id, CancellationToken.None))!;

    private async Task<Capacity> CapacityAsync() => (await _capacities.FindAsync("NOR", "cap-NOR", CancellationToken.None))!;

    private static PlacesStep Places(string id) => new(id, "NOR", "cap-NOR", Household, "acc-1");

    private static AcceptanceDecision Decision(string id, int sequence, string? commitmentId = null, string? refusal = null) =>
        new(id, "acc-1", "NOR", "cap-NOR", commitmentId, refusal, sequence);

    [Fact]
    public async Task CarryOutAsync_AcceptanceOnTheRow_AnsweredWithPlacesHeldDecisionAndClockStepLeftForTheSaga()
    {
        var (id, sequence) = await AcceptanceRecordedAsync();

        var carried = await Process().CarryOutAsync(id, "acc-1");

        Assert.True(carried.Outcome!.Accepted, carried.Outcome.Reason);
        Assert.Equal(Household, (await CapacityAsync()).Held);
        var relocation = await CaseAsync(id);
        Assert.Equal(RelocationStatus.OfferAccepted, relocation.Status);
        Assert.NotNull(relocation.State.PlacementDueAt);
        Assert.Equal("NOR", relocation.State.LastOutcome!.StateCode);
        // The saga's step is still pending on the row: the orchestration applies it (and the index keeps it until then).
        Assert.Contains(relocation.PendingSteps, s => s.Sequence == sequence);
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "AcceptanceCommitted");
    }

    [Fact]
    public async Task RunAsync_SagaInTheProcessThatCarriedItOut_JoinsAndWritesOnlyTheStepApplied()
    {
        var (id, sequence) = await AcceptanceRecordedAsync(needsFund: true);
        var process = Process();
        await process.CarryOutAsync(id, "acc-1");
        var capacityVersion = (await CapacityAsync()).Version;

        var held = await Hold(process).RunAsync(_context, Places(id));
        var committed = await Commit(process).RunAsync(_context, new FundStep(id, 90000, "acc-1"));
        var recorded = await Record(process).RunAsync(_context, Decision(id, sequence, committed.CommitmentId));

        Assert.Null(held.Refusal);
        Assert.Equal("commitment-1", committed.CommitmentId);
        Assert.True(recorded.Accepted);
        Assert.NotNull(recorded.Clock);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        // VWU's notice, written once by the request (no other State was asked); the joined step wrote none.
        Assert.Equal(1, _outbox.Adds);
        _fund.Verify(f => f.CommitAsync(id, It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty((await CaseAsync(id)).PendingSteps);
    }

    [Fact]
    public async Task RunAsync_SagaInAnotherProcessAfterTheRequest_FindsTheHoldAndHoldsNothingTwice()
    {
        var (id, sequence) = await AcceptanceRecordedAsync();
        await Process().CarryOutAsync(id, "acc-1");
        var capacityVersion = (await CapacityAsync()).Version;
        var restarted = Process();

        var held = await Hold(restarted).RunAsync(_context, Places(id));
        var recorded = await Record(restarted).RunAsync(_context, Decision(id, sequence));

        Assert.Null(held.Refusal);
        Assert.True(recorded.Accepted);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        Assert.Equal(Household, (await CapacityAsync()).Held);
        var relocation = await CaseAsync(id);
        Assert.Empty(relocation.PendingSteps);
        Assert.Single(relocation.Timeline, t => t.What == "OfferAccepted");
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "AcceptanceCommitted");
    }

    [Fact]
    public async Task RunAsync_RequestDiedAfterTheHoldBeforeTheDecision_SagaElsewhereDecidesWithoutHoldingAgain()
    {
        var (id, sequence) = await AcceptanceRecordedAsync();
        // The request's process held the places and was killed before it wrote the decision.
        await OfferAcceptance.HoldHereAsync(_capacities, Places(id));
        var capacityVersion = (await CapacityAsync()).Version;
        var restarted = Process();

        var held = await Hold(restarted).RunAsync(_context, Places(id));
        var recorded = await Record(restarted).RunAsync(_context, Decision(id, sequence));

        Assert.Null(held.Refusal);
        Assert.True(recorded.Accepted);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        Assert.Equal(Household, (await CapacityAsync()).Held);
        Assert.Equal(RelocationStatus.OfferAccepted, (await CaseAsync(id)).Status);
        Assert.Empty((await CaseAsync(id)).PendingSteps);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CarryOutAsync_SagaHeldFirst_RequestFindsTheHoldAndHoldsNothingTwice(bool sameProcess)
    {
        var (id, sequence) = await AcceptanceRecordedAsync();
        var request = Process();
        var saga = sameProcess ? request : Process();
        Assert.Null((await Hold(saga).RunAsync(_context, Places(id))).Refusal);
        var capacityVersion = (await CapacityAsync()).Version;

        var carried = await request.CarryOutAsync(id, "acc-1");
        var recorded = await Record(saga).RunAsync(_context, Decision(id, sequence));

        Assert.True(carried.Outcome!.Accepted, carried.Outcome.Reason);
        Assert.True(recorded.Accepted);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        Assert.Equal(Household, (await CapacityAsync()).Held);
        Assert.Single((await CaseAsync(id)).Timeline, t => t.What == "OfferAccepted");
        Assert.Empty((await CaseAsync(id)).PendingSteps);
    }

    [Fact]
    public async Task CarryOutAsync_SagaDecidedFirst_RequestAnswersTheSagasDecisionAndWritesNothing()
    {
        var (id, sequence) = await AcceptanceRecordedAsync();
        var saga = Process();
        await Hold(saga).RunAsync(_context, Places(id));
        await Record(saga).RunAsync(_context, Decision(id, sequence));
        var (caseVersion, capacityVersion) = ((await CaseAsync(id)).Version, (await CapacityAsync()).Version);

        var carried = await Process().CarryOutAsync(id, "acc-1");

        Assert.True(carried.Outcome!.Accepted);
        Assert.Equal(caseVersion, (await CaseAsync(id)).Version);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
    }

    [Fact]
    public async Task CarryOutAsync_FundRefuses_RefusedWithTheReasonPlacesReleasedBeforeTheAnswerAndTheSagasReleaseJoins()
    {
        var (id, sequence) = await AcceptanceRecordedAsync(needsFund: true);
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("Only 100.00 EUR are available."));
        var process = Process();

        var carried = await process.CarryOutAsync(id, "acc-1");
        var heldAtAnswer = (await CapacityAsync()).Held;
        var capacityVersion = (await CapacityAsync()).Version;
        var held = await Hold(process).RunAsync(_context, Places(id));
        var committed = await Commit(process).RunAsync(_context, new FundStep(id, 90000, "acc-1"));
        await new ReleasePlacesActivity(_capacities, process).RunAsync(_context, Places(id));

        Assert.False(carried.Outcome!.Accepted);
        Assert.Contains("Special Fund", carried.Outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, heldAtAnswer);
        // The steps lead the orchestrator to its compensation, which joins the release already done: nothing written.
        Assert.Null(held.Refusal);
        Assert.Contains("Special Fund", committed.Refusal, StringComparison.Ordinal);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        _fund.Verify(f => f.CommitAsync(id, It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Contains((await CaseAsync(id)).PendingSteps, s => s.Sequence == sequence);
    }

    [Fact]
    public async Task RunAsync_FundRefusedInAnotherProcess_HoldReportsTheRefusalNothingHeldAgain()
    {
        var (id, _) = await AcceptanceRecordedAsync(needsFund: true);
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("Only 100.00 EUR are available."));
        await Process().CarryOutAsync(id, "acc-1");
        var restarted = Process();

        var held = await Hold(restarted).RunAsync(_context, Places(id));

        Assert.Contains("Special Fund", held.Refusal, StringComparison.Ordinal);
        Assert.Equal(0, (await CapacityAsync()).Held);
        _fund.Verify(f => f.CommitAsync(id, It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterTheRequestsHoldInAnotherProcess_StepsReportTheHoldAndTheRefusalSoTheSagaReleases()
    {
        var (id, _) = await AcceptanceRecordedAsync(needsFund: true);
        // The request held the places; a cancellation refused the acceptance before its decision was written.
        await OfferAcceptance.HoldHereAsync(_capacities, Places(id));
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.Cancel("test", DateTimeOffset.UtcNow));
        var restarted = Process();

        var held = await Hold(restarted).RunAsync(_context, Places(id));
        var committed = await Commit(restarted).RunAsync(_context, new FundStep(id, 90000, "acc-1"));

        // Held: so the orchestrator goes on to the commit step, whose refusal makes it run ReleasePlaces.
        Assert.Null(held.Refusal);
        Assert.Contains("cancelled", committed.Refusal, StringComparison.Ordinal);
        Assert.Equal(Household, (await CapacityAsync()).Held);
        _fund.Verify(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(RelocationStatus.Escalated)]
    [InlineData(RelocationStatus.Cancelled)]
    public async Task CarryOutAsync_EscalatedOrCancelledBetweenHoldAndDecision_RefusedPlacesAndMoneyReleasedByTheRequest(RelocationStatus meanwhile)
    {
        var (id, _) = await AcceptanceRecordedAsync(needsFund: true);
        // The last deadline (or a cancellation) refuses the pending acceptance after the request held the places, while
        // it commits the money: an escalated case's orchestration has ended, so nobody else would give them back.
        _fund.Setup(f => f.CommitAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await CaseUpdates.UpdateAsync(_relocations, id, c =>
                {
                    if (meanwhile == RelocationStatus.Escalated)
                    {
                        c.Escalate(DateTimeOffset.UtcNow);
                    }
                    else
                    {
                        c.Cancel("test", DateTimeOffset.UtcNow);
                    }
                });
                return "commitment-1";
            });

        var carried = await Process().CarryOutAsync(id, "acc-1");

        Assert.False(carried.Outcome!.Accepted);
        Assert.Equal(meanwhile, (await CaseAsync(id)).Status);
        Assert.Equal(0, (await CapacityAsync()).Held);
        _fund.Verify(f => f.ReleaseAsync(id, CaseUpdates.ReleaseKey(id), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CarryOutAsync_EarlierAcceptanceStillPending_LeftToTheSaga()
    {
        var (id, _) = await AcceptanceRecordedAsync();
        // acc-1 refused (its saga not yet run: its compensation may still release this case's places), then acc-2.
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.RefuseAcceptance("acc-1", "no money", DateTimeOffset.UtcNow));
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.RequestAcceptance("NOR", "acc-2", DateTimeOffset.UtcNow));

        var carried = await Process().CarryOutAsync(id, "acc-2");

        Assert.Null(carried.Outcome);
        Assert.Equal(0, (await CapacityAsync()).Held);
    }
}
