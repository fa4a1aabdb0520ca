using Microsoft.DurableTask;
using Moq;
using Relocation.Domain.Relocations;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>The round-opening activity with the planner, run directly: a rerun (the process died after planning) changes nothing.</summary>
public sealed class StartRelocationRoundActivityTests
{
    private readonly RelocationTestWorld _world = new();
    private readonly InMemoryRelocationRepository _relocations;
    private readonly InMemoryOutbox _outbox;

    public StartRelocationRoundActivityTests() => (_relocations, _outbox) = (_world.Relocations, _world.Outbox);

    private StartRelocationRoundActivity Activity(int roundSize = 3, RoundPlanBatcher? batcher = null) => new(_world.Opening(_outbox, roundSize, batcher), TimeProvider.System);

    /// <summary>Room for one household of 3.</summary>
    private Task<string> StateAsync(string code, bool medical) => _world.StateAsync(code, places: 3, medical: medical);

    private async Task<string> SubmitAsync(string pseudonym, bool medical) => (await _world.SubmitAsync(medical: medical, pseudonym: pseudonym)).Id;

    [Fact]
    public async Task RunAsync_RunTwice_SameRoundSameStatesOneRequestPerState()
    {
        await StateAsync("NOR", medical: true);
        await StateAsync("SWE", medical: false);
        var first = await SubmitAsync("W-0433", medical: false);
        await SubmitAsync("W-0434", medical: true);
        var context = new Mock<TaskActivityContext>().Object;

        var once = await Activity().RunAsync(context, new RoundStep(first, 1));
        var twice = await Activity().RunAsync(context, new RoundStep(first, 1));

        Assert.Equal(once, twice);
        var relocation = (await _relocations.FindAsync(first, CancellationToken.None))!;
        Assert.Equal(["SWE"], Assert.Single(relocation.Rounds).Asked.Select(a => a.StateCode));
        Assert.Single(_outbox.Messages, m => m.RelatedId == first && m.Kind == "OfferRequest");
    }

    [Fact]
    public async Task TellAskedStatesAsync_StateAnsweredBeforeARerun_IndexesOnlyTheStatesStillAskedWithTheirLine()
    {
        var relocations = new InMemoryRelocationRepository();
        var outbox = new InMemoryOutbox();
        var now = DateTimeOffset.UtcNow;
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0439", Domain.Capacities.RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
            new Household(2, 1), new Needs(["fr"], true));
        var relocation = RelocationCase.Submit(Guid.NewGuid().ToString("N"), facts, now, "Vwu.Officer", DateOnly.FromDateTime(now.UtcDateTime));
        var round = relocation.StartRound(1, [new AskedState("NOR", "cap1", false, 2), new AskedState("SWE", "cap2", false, 1)], now, now.AddHours(24));
        relocation.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Decline, null, null, null, null), now);

        // A rerun reads the case after NOR answered: NOR's row, which the answer deleted, is not written back (its list
        // would trust it until the deadline); the notices are keyed and sent as before.
        await StartRelocationRoundActivity.TellAskedStatesAsync(relocations, outbox, null, relocation, round, now);

        Assert.Empty(await relocations.OfferRequestsForAsync("NOR", CancellationToken.None));
        var line = Assert.Single(await relocations.OfferRequestsForAsync("SWE", CancellationToken.None)).Line!;
        Assert.Equal(("W-0439", 3, true, 1, now.AddHours(24)), (line.Pseudonym, line.HouseholdSize, line.MedicalCare, line.Round, line.Deadline));
        Assert.Equal(2, outbox.Messages.Count(m => m.RelatedId == relocation.Id && m.Kind == "OfferRequest"));
    }

    [Fact]
    public async Task RunAsync_RoundsOpeningTogether_OnePlanEachAsksAnotherState()
    {
        // Arrange: two States with room for one household each, two Emergency requests opening at once through one batcher.
        await StateAsync("NOR", medical: false);
        await StateAsync("SWE", medical: false);
        var cases = new[] { await SubmitAsync("W-0435", medical: false), await SubmitAsync("W-0436", medical: false), await SubmitAsync("W-0437", medical: false) };
        var batcher = new RoundPlanBatcher();
        var context = new Mock<TaskActivityContext>().Object;

        // Act
        var opened = await Task.WhenAll(cases.Select(id => Activity(roundSize: 1, batcher).RunAsync(context, new RoundStep(id, 1))));

        // Assert: every round opened; the two places went to two different requests (one plan for all of them), so no
        // State was asked for two requests it has room for only one of.
        Assert.All(opened, o => Assert.Equal(1, o.Asked));
        var asked = new List<string>();
        foreach (var id in cases)
        {
            asked.AddRange(Assert.Single((await _relocations.FindAsync(id, CancellationToken.None))!.Rounds).Asked.Select(a => a.StateCode));
        }

        Assert.Equal(3, asked.Count);
        Assert.Contains("NOR", asked);
        Assert.Contains("SWE", asked);
    }
}
