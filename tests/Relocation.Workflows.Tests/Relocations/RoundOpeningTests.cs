using Microsoft.DurableTask;
using Moq;
using Relocation.Domain.Relocations;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// Round 1 opened by the request that created the case, with the orchestration's activity as the guarantee: the two
/// never ask different States, the activity repeats nothing the same process already did, and it writes the index rows
/// and notices again when the request's process may have died before them.
/// </summary>
public sealed class RoundOpeningTests
{
    private readonly RelocationTestWorld _world = new();
    private readonly InMemoryRelocationRepository _relocations;
    private readonly CountingOutbox _outbox = new();
    private readonly TaskActivityContext _context = new Mock<TaskActivityContext>().Object;

    public RoundOpeningTests() => _relocations = _world.Relocations;

    private RoundOpening Opening(RoundPlanBatcher? batcher = null) => _world.Opening(_outbox, roundSize: 1, batcher ?? new RoundPlanBatcher());

    // No opening given: the activity in a process of its own, with a RoundOpening that knows nothing of the request's.
    private StartRelocationRoundActivity Activity(RoundOpening? opening) => new(opening ?? Opening(), TimeProvider.System);

    /// <summary>Room for one household of 3.</summary>
    private Task<string> StateAsync(string code) => _world.StateAsync(code, places: 3);

    private async Task<string> SubmitAsync(RelocationPriority priority = RelocationPriority.Emergency) =>
        (await _world.SubmitAsync(priority, pseudonym: "W-0501")).Id;

    private Task<RelocationCase> CaseAsync(string id) => _world.CaseAsync(id);

    [Fact]
    public async Task OpenUntilWrittenAsync_Emergency_RoundOnTheRowAndEveryAskedStateTold()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        var opening = Opening();

        var opened = await opening.OpenUntilWrittenAsync(id, 1, "request");
        await opening.OpenAsync(id, 1, "test", tellWhenAlreadyOpen: false);

        Assert.Equal(RoundOpeningOutcome.Opened, opened.Outcome);
        Assert.Equal(RelocationStatus.AwaitingOffers, opened.Case.Status);
        Assert.Equal(["NOR"], Assert.Single((await CaseAsync(id)).Rounds).Asked.Select(a => a.StateCode));
        Assert.Single(_outbox.Messages, m => m.RelatedId == id && m.Kind == "OfferRequest");
        Assert.Equal([id], (await _relocations.OfferRequestsForAsync("NOR", CancellationToken.None)).Select(r => r.RelocationId));
    }

    private static RelocationCase Draft(RelocationPriority priority = RelocationPriority.Emergency) => RelocationTestWorld.Draft(priority, pseudonym: "W-0502");

    [Fact]
    public async Task OpenUntilWrittenAsync_PlannedWhileTheRowWasWritten_RoundOnTheRowJoinedByTheActivity()
    {
        await StateAsync("NOR");
        var opening = Opening();
        var draft = Draft();

        var plan = opening.PlanFirstRound(draft);
        var written = await _relocations.AddAsync(draft, CancellationToken.None);
        var opened = await opening.OpenUntilWrittenAsync(written, plan!, "request");
        var version = (await CaseAsync(draft.Id)).Version;
        var joined = await Activity(opening).RunAsync(_context, new RoundStep(draft.Id, 1));

        Assert.Equal(RoundOpeningOutcome.Opened, opened.Outcome);
        Assert.Equal(RelocationStatus.AwaitingOffers, (await CaseAsync(draft.Id)).Status);
        Assert.Equal(["NOR"], Assert.Single((await CaseAsync(draft.Id)).Rounds).Asked.Select(a => a.StateCode));
        Assert.Equal(1, joined.Asked);
        Assert.Equal(version, (await CaseAsync(draft.Id)).Version);
        Assert.Single(_outbox.Messages, m => m.RelatedId == draft.Id && m.Kind == "OfferRequest");
        Assert.Equal([draft.Id], (await _relocations.OfferRequestsForAsync("NOR", CancellationToken.None)).Select(r => r.RelocationId));
    }

    [Fact]
    public async Task OpenUntilWrittenAsync_RowMovedOnSinceItWasWritten_RoundWrittenOnTheLatestRow()
    {
        await StateAsync("NOR");
        var opening = Opening();
        var draft = Draft();
        var plan = opening.PlanFirstRound(draft);
        var written = await _relocations.AddAsync(draft, CancellationToken.None);
        // Another write to the row between the request's insert and its round (the copy in hand is then stale).
        await CaseUpdates.UpdateAsync(_relocations, draft.Id, c => c.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1)], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(24)));

        var opened = await opening.OpenUntilWrittenAsync(written, plan!, "request");

        Assert.Equal(RoundOpeningOutcome.AlreadyOpen, opened.Outcome);
        Assert.Single((await CaseAsync(draft.Id)).Rounds);
    }

    [Fact]
    public void PlanFirstRound_NormalWithoutConsent_NoPlan()
    {
        Assert.Null(Opening().PlanFirstRound(Draft(RelocationPriority.Normal)));
    }

    [Fact]
    public async Task PlanFirstRound_AnotherRequestPlannedButItsRowNotWrittenYet_ItsPlacesAreNotPlannedTwice()
    {
        // Room for one household on each State; the first request's plan takes NOR (equal fit, the lower code first).
        await StateAsync("NOR");
        await StateAsync("SWE");
        var opening = Opening();
        var first = Draft();
        var second = Draft();

        var firstPlan = await opening.PlanFirstRound(first)!;
        var secondPlan = await opening.PlanFirstRound(second)!;

        Assert.Equal("NOR", firstPlan.Placement.StateCode);
        Assert.Equal("SWE", secondPlan.Placement.StateCode);
    }

    [Fact]
    public async Task OpenUntilWrittenAsync_RoundWritten_LaterPlansReadTheRowInstead()
    {
        await StateAsync("NOR");
        var batcher = new RoundPlanBatcher();
        var opening = Opening(batcher);
        var draft = Draft();
        var plan = opening.PlanFirstRound(draft)!;
        await plan;
        var inFlight = batcher.InFlight;

        await opening.OpenUntilWrittenAsync(await _relocations.AddAsync(draft, CancellationToken.None), plan, "request");

        Assert.Equal(1, inFlight);
        Assert.Equal(0, batcher.InFlight);
    }

    [Fact]
    public async Task OpenUntilWrittenAsync_NormalWithoutConsent_NoRoundNoNotice()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync(RelocationPriority.Normal);

        var opened = await Opening().OpenUntilWrittenAsync(id, 1, "request");

        Assert.Equal(RoundOpeningOutcome.AwaitsConsent, opened.Outcome);
        Assert.Equal(RelocationStatus.Submitted, (await CaseAsync(id)).Status);
        Assert.Empty((await CaseAsync(id)).Rounds);
        Assert.Empty(_outbox.Messages);
    }

    [Fact]
    public async Task BeginWithRow_ActivityRunsBeforeTheRowExists_JoinsAndTheRoundIsWrittenOnlyByTheInsert()
    {
        await StateAsync("NOR");
        var opening = Opening();
        var draft = Draft();
        var first = opening.BeginWithRow(draft, opening.PlanFirstRound(draft)!)!;

        // The orchestration was scheduled before the row: its activity starts while the row is not there yet.
        var activity = Activity(opening).RunAsync(_context, new RoundStep(draft.Id, 1));
        var row = await _relocations.AddAsync(await first.Case, CancellationToken.None);
        first.Inserted(row);
        var joined = await activity;

        Assert.Equal(1, joined.Asked);
        var stored = await CaseAsync(draft.Id);
        Assert.Equal(RelocationStatus.AwaitingOffers, stored.Status);
        Assert.Equal(["NOR"], Assert.Single(stored.Rounds).Asked.Select(a => a.StateCode));
        Assert.Equal(row.Version, stored.Version);
        Assert.Single(_outbox.Messages, m => m.RelatedId == draft.Id && m.Kind == "OfferRequest");
        Assert.Equal([draft.Id], (await _relocations.OfferRequestsForAsync("NOR", CancellationToken.None)).Select(r => r.RelocationId));
    }

    [Fact]
    public async Task BeginWithRow_RequestDiesBeforeItsRow_ActivityFailsUntilARetryWritesTheRowThenOpensIt()
    {
        await StateAsync("NOR");
        var opening = Opening();
        var draft = Draft();
        var first = opening.BeginWithRow(draft, opening.PlanFirstRound(draft)!)!;
        first.Failed(new TimeoutException("the request died"));

        // No row: the activity fails (the orchestration's retry policy runs it again) and writes nothing.
        await Assert.ThrowsAsync<Relocation.Domain.Common.NotFoundException>(() => Activity(opening).RunAsync(_context, new RoundStep(draft.Id, 1)));
        Assert.Empty(_outbox.Messages);

        // The client's retry (the ordered path) writes the row; the activity's next attempt opens round 1 from it.
        await _relocations.AddAsync(RelocationCase.Submit(draft.Id, draft.Facts, draft.State.SubmittedAt, "Vwu.Officer"), CancellationToken.None);
        var opened = await Activity(opening).RunAsync(_context, new RoundStep(draft.Id, 1));

        Assert.Equal(1, opened.Asked);
        Assert.Equal(["NOR"], Assert.Single((await CaseAsync(draft.Id)).Rounds).Asked.Select(a => a.StateCode));
        Assert.Single(_outbox.Messages, m => m.RelatedId == draft.Id && m.Kind == "OfferRequest");
    }

    [Fact]
    public async Task RunAsync_RequestOpenedRoundInThisProcess_SameRoundAndNothingWrittenAgain()
    {
        await StateAsync("NOR");
        var id = await SubmitAsync();
        var opening = Opening();
        await opening.OpenUntilWrittenAsync(id, 1, "request");
        await opening.OpenAsync(id, 1, "test", tellWhenAlreadyOpen: false);
        var version = (await CaseAsync(id)).Version;
        var adds = _outbox.Adds;

        var opened = await Activity(opening).RunAsync(_context, new RoundStep(id, 1));

        Assert.Equal(1, opened.Asked);
        Assert.False(opened.Stop);
        Assert.Equal(version, (await CaseAsync(id)).Version);
        Assert.Equal(adds, _outbox.Adds);
    }

    [Fact]
    public async Task RunAsync_RequestProcessDiedAfterTheRound_ActivityElsewhereKeepsRoundAndTellsItsStates()
    {
        // Arrange: the request's process wrote round 1 asking SWE and died before its notices; a plan made now would
        // ask NOR (equal fit, the lower code first).
        await StateAsync("NOR");
        await StateAsync("SWE");
        var id = await SubmitAsync();
        var started = DateTimeOffset.UtcNow;
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.StartRound(1, [new AskedState("SWE", "cap-SWE", false, 1)], started, started.AddHours(24)));

        // Act: the activity in a new process (its own RoundOpening, knowing nothing of the dead request).
        var opened = await Activity(opening: null).RunAsync(_context, new RoundStep(id, 1));

        // Assert: the row's round stands; its State is told, nobody else.
        Assert.Equal(1, opened.Asked);
        Assert.Equal(["SWE"], Assert.Single((await CaseAsync(id)).Rounds).Asked.Select(a => a.StateCode));
        Assert.Equal(["SWE"], _outbox.Messages.Where(m => m.RelatedId == id && m.Kind == "OfferRequest").Select(m => m.Recipient.Split(':')[^1]));
        Assert.Equal([id], (await _relocations.OfferRequestsForAsync("SWE", CancellationToken.None)).Select(r => r.RelocationId));
        Assert.Empty((await _relocations.OfferRequestsForAsync("NOR", CancellationToken.None)).Select(r => r.RelocationId));
    }

    [Fact]
    public async Task OpenAsync_TwoProcessesOpenAtOnce_OneRoundOneStateTold()
    {
        // Two States, one place each in a round of one: two separate plans could pick different States.
        await StateAsync("NOR");
        await StateAsync("SWE");
        var id = await SubmitAsync();

        var results = await Task.WhenAll(
            Opening().OpenAsync(id, 1, "request", tellWhenAlreadyOpen: false),
            Opening().OpenAsync(id, 1, "activity", tellWhenAlreadyOpen: true));

        var round = Assert.Single((await CaseAsync(id)).Rounds);
        Assert.Single(round.Asked);
        Assert.All(results, r => Assert.Equal(round.Asked.Single().StateCode, r.Round!.Asked.Single().StateCode));
        Assert.Single(results, r => r.Outcome == RoundOpeningOutcome.Opened);
        Assert.Equal([round.Asked.Single().StateCode], _outbox.Messages.Where(m => m.RelatedId == id && m.Kind == "OfferRequest").Select(m => m.Recipient.Split(':')[^1]));
    }

    [Fact]
    public void OptionsFor_OpenSetBeyondFullBudget_ShrinksToTheSurgeFloor()
    {
        Assert.Equal(RoundPlanning.Options, RoundPlanning.OptionsFor(1));
        Assert.Equal(RoundPlanning.Options, RoundPlanning.OptionsFor(RoundPlanning.FullBudgetOpenSet));
        Assert.Equal(RoundPlanning.Options.DeterministicSeconds / 2, RoundPlanning.OptionsFor(RoundPlanning.FullBudgetOpenSet * 2).DeterministicSeconds, 6);
        Assert.Equal(RoundPlanning.SurgeFloor.DeterministicSeconds, RoundPlanning.OptionsFor(200).DeterministicSeconds);
        Assert.Equal(RoundPlanning.SurgeFloor.WallClockSeconds, RoundPlanning.OptionsFor(200).WallClockSeconds);
    }
}
