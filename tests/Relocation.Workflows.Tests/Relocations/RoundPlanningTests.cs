using Microsoft.Extensions.Options;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Matching;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The reservation in the workflow (<see cref="RelocationWorkflowOptions.ReserveForExpectedEmergencies"/>): the plan a
/// round opens with holds expected Emergencies made from the Emergency requests of the history window, so an Urgent
/// request does not take the one medical-care place an Emergency is likely to need; a real Emergency is never held back.
/// </summary>
public sealed class RoundPlanningTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly InMemoryCapacityRepository _capacities = new();
    private readonly InMemoryStateRepository _states = new();
    private readonly InMemoryOutbox _outbox = new();

    private RoundPlanning Planning(bool reserve) =>
        new(_relocations, Candidates(), new InMemoryCaseloadIndex(_relocations), Options.Create(new RelocationWorkflowOptions { ReserveForExpectedEmergencies = reserve }));

    private InMemoryCandidateData Candidates() => new(_states, _capacities, new InMemoryAgreementRepository());

    private RoundOpening Opening(bool reserve) => new(_relocations, Candidates(), _outbox,
        Options.Create(new RelocationWorkflowOptions { RoundSize = 3, ReserveForExpectedEmergencies = reserve }), TimeProvider.System, new InMemoryCaseloadIndex(_relocations));

    private async Task MedicalPlaceAsync(string code)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _states.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with { Name = code, Languages = ["fr"] }).Build()), null, CancellationToken.None);
        await _capacities.AddAsync(Capacity.Register($"cap-{code}", code, new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 3, MaxHouseholdSize = 5, MedicalCare = true, NeedsFundSupport = false,
            AvailableFrom = today.AddDays(-1), AvailableUntil = today.AddYears(1),
        }).BuildTerms(), Now), CancellationToken.None);
    }

    private async Task<RelocationCase> CaseAsync(RelocationPriority priority, bool medical, DateTimeOffset submittedAt, bool cancelled = false)
    {
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0" + Random.Shared.Next(100, 999), RelocationKind.TemporaryRelocation, priority, new Household(2, 1), new Needs(["fr"], medical));
        var relocation = RelocationCase.Submit(Guid.NewGuid().ToString("N"), facts, submittedAt, "Vwu.Officer", DateOnly.FromDateTime(submittedAt.UtcDateTime));
        if (cancelled)
        {
            relocation.Cancel("relocated by other means", submittedAt.AddDays(2));
        }

        return await _relocations.AddAsync(relocation, CancellationToken.None);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task PlanAsync_UrgentOnTheOnlyMedicalPlaceAfterAMedicalEmergency_ReservationKeepsIt(bool reserve, bool placedOnIt)
    {
        // A closed Emergency with medical needs 30 days ago: about one more is expected within 120 days, and NOR's row is
        // the only medical-care place. Without the reservation the Urgent request (no medical needs) is planned there.
        await MedicalPlaceAsync("NOR");
        await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-30), cancelled: true);
        var urgent = await CaseAsync(RelocationPriority.Urgent, medical: false, Now);

        var planned = await Planning(reserve).PlanAsync(urgent, Now, opening: true, CancellationToken.None);

        Assert.Equal(placedOnIt, planned.Placement.IsPlaced);
        Assert.Equal(reserve, planned.Placement.Excluded.Any(e => e.StateCode == "NOR" && e.Kind == ExclusionKind.Reserved));
        Assert.Equal(placedOnIt ? ["NOR"] : Array.Empty<string>(), RoundSelection.Select(planned.Ranked, planned.Placement, 1, 3).Select(c => c.StateCode));
    }

    [Theory]
    [InlineData(true, new string[0])]
    [InlineData(false, new[] { "NOR" })]
    public async Task OpenUntilWrittenAsync_UrgentAfterAMedicalEmergency_RoundAsksWhomTheReservationAllows(bool reserve, string[] asked)
    {
        // The round the workflow opens (and records) follows the plan: with the reservation it asks nobody and waits for a
        // re-plan (an Urgent round that can ask nobody is not sent), without it NOR is asked.
        await MedicalPlaceAsync("NOR");
        await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-30), cancelled: true);
        var urgent = await CaseAsync(RelocationPriority.Urgent, medical: false, Now);

        var opened = await Opening(reserve).OpenUntilWrittenAsync(urgent.Id, 1, "request");

        Assert.Equal(asked, Assert.Single(opened.Case.Rounds).Asked.Select(a => a.StateCode));
    }

    [Fact]
    public async Task PlanAsync_RealEmergencyAfterAMedicalEmergency_PlacedOnTheReservedPlace()
    {
        // The forecast is made of copies of past Emergencies, each below every real Emergency: a real one takes the place.
        await MedicalPlaceAsync("NOR");
        await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-30), cancelled: true);
        var emergency = await CaseAsync(RelocationPriority.Emergency, medical: false, Now);

        var planned = await Planning(reserve: true).PlanAsync(emergency, Now, opening: true, CancellationToken.None);

        Assert.Equal("NOR", planned.Placement.StateCode);
    }

    [Fact]
    public async Task PlanAsync_EmergencyOlderThanTheHistoryWindow_NothingReserved()
    {
        await MedicalPlaceAsync("NOR");
        await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-200), cancelled: true);
        var urgent = await CaseAsync(RelocationPriority.Urgent, medical: false, Now);

        var planned = await Planning(reserve: true).PlanAsync(urgent, Now, opening: true, CancellationToken.None);

        Assert.Equal("NOR", planned.Placement.StateCode);
    }
    [Fact]
    public async Task PlanAsync_ThePastEmergencyOfAnEarlierPlan_NotReadAgainAndTheSamePlan()
    {
        // What the forecast takes of a closed Emergency never changes after its submission: the second plan of the same
        // process reads no closed case, and plans exactly as a fresh planner that reads it.
        await MedicalPlaceAsync("NOR");
        var past = await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-30), cancelled: true);
        var urgent = await CaseAsync(RelocationPriority.Urgent, medical: false, Now);
        var counted = new CountingReads(_relocations);
        var options = Options.Create(new RelocationWorkflowOptions { ReserveForExpectedEmergencies = true });
        var planning = new RoundPlanning(counted, Candidates(), new InMemoryCaseloadIndex(_relocations), options);

        var first = await planning.PlanAsync(urgent, Now, opening: true, CancellationToken.None);
        var readsOfThePast = counted.ReadsOf(past.Id);
        var second = await planning.PlanAsync(urgent, Now, opening: true, CancellationToken.None);
        var fresh = await Planning(reserve: true).PlanAsync(urgent, Now, opening: true, CancellationToken.None);

        Assert.Equal(1, readsOfThePast);
        Assert.Equal(1, counted.ReadsOf(past.Id));
        foreach (var plan in new[] { second, fresh })
        {
            Assert.Equal(first.Placement.StateCode, plan.Placement.StateCode);
            Assert.Equal(first.Placement.Excluded.Select(e => (e.StateCode, e.Kind, e.Reason)), plan.Placement.Excluded.Select(e => (e.StateCode, e.Kind, e.Reason)));
            Assert.Equal(first.Placement.Why, plan.Placement.Why);
        }

        Assert.Contains(second.Placement.Excluded, e => e.StateCode == "NOR" && e.Kind == ExclusionKind.Reserved);
    }

    [Fact]
    public async Task PlanAsync_EmergencyPlannedWhileOpenThenClosed_NotReadForTheForecast()
    {
        // An Emergency read in a plan's open set is remembered: once closed, the forecast of the next plan needs no read of it.
        await MedicalPlaceAsync("NOR");
        var emergency = await CaseAsync(RelocationPriority.Emergency, medical: true, Now.AddDays(-1));
        var counted = new CountingReads(_relocations);
        var planning = new RoundPlanning(counted, Candidates(), new InMemoryCaseloadIndex(_relocations),
            Options.Create(new RelocationWorkflowOptions { ReserveForExpectedEmergencies = true }));
        var urgent = await CaseAsync(RelocationPriority.Urgent, medical: false, Now);
        await planning.PlanAsync(urgent, Now, opening: true, CancellationToken.None);
        var readWhileOpen = counted.ReadsOf(emergency.Id);
        var closed = await _relocations.FindAsync(emergency.Id, CancellationToken.None);
        closed!.Cancel("relocated by other means", Now.AddMinutes(-1));
        await _relocations.UpdateAsync(closed, CancellationToken.None);

        var planned = await planning.PlanAsync(urgent, Now, opening: true, CancellationToken.None);

        Assert.Equal(1, readWhileOpen);
        Assert.Equal(1, counted.ReadsOf(emergency.Id));
        Assert.Contains(planned.Placement.Excluded, e => e.StateCode == "NOR" && e.Kind == ExclusionKind.Reserved);
    }

    /// <summary>The repository, counting the point reads of each case.</summary>
    private sealed class CountingReads(InMemoryRelocationRepository inner) : IRelocationRepository
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

        public int ReadsOf(string id) => _reads.GetValueOrDefault(id);

        public Task<RelocationCase> AddAsync(RelocationCase relocation, CancellationToken cancellationToken) => inner.AddAsync(relocation, cancellationToken);

        public Task<RelocationCase?> FindAsync(string id, CancellationToken cancellationToken)
        {
            _reads.AddOrUpdate(id, 1, (_, n) => n + 1);
            return inner.FindAsync(id, cancellationToken);
        }

        public Task<RelocationCase> UpdateAsync(RelocationCase relocation, CancellationToken cancellationToken) => inner.UpdateAsync(relocation, cancellationToken);

        public Task IndexOfferRequestAsync(string stateCode, OfferRequestLine request, CancellationToken cancellationToken) =>
            inner.IndexOfferRequestAsync(stateCode, request, cancellationToken);

        public Task<IReadOnlyList<IndexedOfferRequest>> OfferRequestsForAsync(string stateCode, CancellationToken cancellationToken) => inner.OfferRequestsForAsync(stateCode, cancellationToken);

        public Task<IReadOnlyList<NumberedTimelineEntry>> HistoryAsync(string relocationId, long before, int count, CancellationToken cancellationToken) =>
            inner.HistoryAsync(relocationId, before, count, cancellationToken);
    }
}
