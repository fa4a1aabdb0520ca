using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>The round-opening activity with the planner, run directly: a rerun (the process died after planning) changes nothing.</summary>
public sealed class StartRelocationRoundActivityTests
{
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly InMemoryCapacityRepository _capacities = new();
    private readonly InMemoryStateRepository _states = new();
    private readonly InMemoryOutbox _outbox = new();

    private StartRelocationRoundActivity Activity(int roundSize = 3, RoundPlanBatcher? batcher = null) => new(new RoundOpening(_relocations, new InMemoryCandidateData(_states, _capacities, new InMemoryAgreementRepository()), _outbox,
        Options.Create(new RelocationWorkflowOptions { RoundSize = roundSize }), TimeProvider.System, new InMemoryCaseloadIndex(_relocations), batcher: batcher), TimeProvider.System);

    private async Task StateAsync(string code, bool medical)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _states.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with { Name = code, Languages = ["fr"] }).Build()), null, CancellationToken.None);
        await _capacities.AddAsync(Capacity.Register($"cap-{code}", code, new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 3, MaxHouseholdSize = 5, MedicalCare = medical, NeedsFundSupport = false,
            AvailableFrom = today.AddDays(-1), AvailableUntil = today.AddYears(1),
        }).BuildTerms(), DateTimeOffset.UtcNow), CancellationToken.None);
    }

    private async Task<string> SubmitAsync(string pseudonym, bool medical)
    {
        var facts = new RelocationFacts("ICC-01/04-01/06", pseudonym, RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 1), new Needs(["fr"], medical));
        var id = Guid.NewGuid().ToString("N");
        await _relocations.AddAsync(RelocationCase.Submit(id, facts, DateTimeOffset.UtcNow, "Vwu.Officer"), CancellationToken.None);
        return id;
    }

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
