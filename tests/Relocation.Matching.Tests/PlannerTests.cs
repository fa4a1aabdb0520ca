using Relocation.Domain.Relocations;
using static Relocation.Matching.Tests.Instances;

namespace Relocation.Matching.Tests;

public sealed class PlannerTests
{
    [Fact]
    public void Solve_MedicalCareConflict_BothEmergenciesPlaced()
    {
        // NOR has the only medical-care place and the better fit (an agreement): v1, one request at a time, gives it to
        // the first request, which did not need it, and the second escalates.
        var input = Input(
            [Req("0433", RelocationPriority.Emergency, minutes: 0), Req("0434", RelocationPriority.Emergency, medical: true, minutes: 5)],
            [Cap("c-nor", "NOR", medical: true), Cap("c-swe", "SWE")],
            agreements: ["NOR"]);

        var greedy = Planner.Greedy(input, byPriority: false);
        var plan = Planner.Solve(input, Options);

        Assert.Null(greedy.For("0434").StateCode);
        Assert.Equal("SWE", plan.For("0433").StateCode);
        Assert.Equal("NOR", plan.For("0434").StateCode);
        Assert.Contains(new Exclusion("NOR", ExclusionKind.TakenByOthers, "its one place went to W-0434, Emergency"), plan.For("0433").Excluded);
        Assert.Contains(new Exclusion("SWE", ExclusionKind.HardFilter, "no medical care available"), plan.For("0434").Excluded);
    }

    [Fact]
    public void Solve_HouseholdSizeConflict_BothPlaced()
    {
        var input = Input(
            [Req("1", RelocationPriority.Urgent, household: 2), Req("2", RelocationPriority.Urgent, household: 5, minutes: 1)],
            [Cap("c-fra", "FRA", places: 5, maxHousehold: 5), Cap("c-mli", "MLI", places: 2, maxHousehold: 2)],
            agreements: ["FRA"]);

        var greedy = Planner.Greedy(input, byPriority: false);
        var plan = Planner.Solve(input, Options);

        Assert.Equal(1, greedy.Placements.Count(p => p.IsPlaced));
        Assert.Equal("MLI", plan.For("1").StateCode);
        Assert.Equal("FRA", plan.For("2").StateCode);
        Assert.Contains(new Exclusion("MLI", ExclusionKind.HardFilter, "takes households of at most 2; this one is 5"), plan.For("2").Excluded);
    }

    [Fact]
    public void Solve_FundCoversOnePlacement_SecondGoesWhereNoFundIsNeeded()
    {
        var input = Input(
            [Req("1", RelocationPriority.Urgent), Req("2", RelocationPriority.Urgent, minutes: 1)],
            [Cap("c-nor", "NOR", places: 2, fund: true), Cap("c-dnk", "DNK")],
            agreements: ["NOR"], fund: 100_000, costs: new() { ["c-nor"] = 80_000 });

        var plan = Planner.Solve(input, Options);

        Assert.Equal(["DNK", "NOR"], plan.Placements.Select(p => p.StateCode).Order(StringComparer.Ordinal));
        Assert.Single(plan.Placements, p => p.StateCode == "NOR");
    }

    [Fact]
    public void Solve_FundExhausted_FundedPlaceUnusedAndReasonGiven()
    {
        var input = Input([Req("1", RelocationPriority.Emergency)], [Cap("c-nor", "NOR", fund: true)], fund: 50_000, costs: new() { ["c-nor"] = 80_000 });

        var plan = Planner.Solve(input, Options);

        Assert.False(plan.For("1").IsPlaced);
        Assert.Contains("Special Fund", Assert.Single(plan.For("1").Excluded).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Solve_EmergencyOutweighsEveryLowerPriority_TakesTheOnlyPlace()
    {
        var input = Input(
            [Req("n1", RelocationPriority.Normal), Req("n2", RelocationPriority.Normal), Req("u1", RelocationPriority.Urgent), Req("e1", RelocationPriority.Emergency, household: 3, minutes: 9)],
            [Cap("c-nor", "NOR", places: 3)]);

        var plan = Planner.Solve(input, Options);

        Assert.Equal("NOR", plan.For("e1").StateCode);
        Assert.Equal(1, plan.Placements.Count(p => p.IsPlaced));
        Assert.Equal(PlanOutcome.Optimal, plan.Outcome);
    }

    [Fact]
    public void Solve_TieBetweenEqualStates_LowerCodeWhateverTheInputOrder()
    {
        var requests = new[] { Req("1", RelocationPriority.Normal) };
        var forward = Input(requests, [Cap("c-1", "ARG"), Cap("c-2", "BEL")]);
        var backward = Input(requests, [Cap("c-2", "BEL"), Cap("c-1", "ARG")]);

        var plans = Enumerable.Range(0, 3).SelectMany(_ => new[] { Planner.Solve(forward, Options), Planner.Solve(backward, Options) }).ToArray();

        Assert.All(plans, p => Assert.Equal("ARG", p.For("1").StateCode));
        Assert.Contains(new Exclusion("BEL", ExclusionKind.Outranked, "fits as well as ARG; ARG chosen for a fairer spread across States, lower cost or, last, by code"), plans[0].For("1").Excluded);
    }

    [Fact]
    public void Solve_StateExcludedForThisPerson_NeverPlannedThere()
    {
        var input = Input([Req("1", RelocationPriority.Emergency, excluded: new() { ["NOR"] = "withdrew from this person" })], [Cap("c-nor", "NOR", places: 5)], agreements: ["NOR"]);

        var plan = Planner.Solve(input, Options);

        Assert.False(plan.For("1").IsPlaced);
        Assert.Equal(new Exclusion("NOR", ExclusionKind.HardFilter, "withdrew from this person"), Assert.Single(plan.For("1").Excluded));
    }

    [Fact]
    public void Solve_PlacedRequest_WhyNamesTheTermsThatScored()
    {
        var input = Input([Req("1", RelocationPriority.Urgent, languages: ["en"])], [Cap("c-nor", "NOR")], agreements: ["NOR"]);

        var why = Planner.Solve(input, Options).For("1").Why;

        Assert.StartsWith("planned: NOR", why[0], StringComparison.Ordinal);
        Assert.Contains("agreement of the right type in force", why);
        Assert.Contains("speaks en", why);
    }

    private static readonly ScarceReserve MedicalReserve = new("medical care", MedicalCare: true, MinHousehold: 1, Places: 1);

    [Fact]
    public void Solve_WaitingUrgentAndLastMedicalPlaceReserved_NotPlacedAndStateReserved()
    {
        var input = Input([Req("1", RelocationPriority.Urgent) with { MayWait = true }], [Cap("c-nor", "NOR", medical: true)]) with { Reserves = [MedicalReserve] };

        var plan = Planner.Solve(input, Options);

        Assert.Null(plan.For("1").StateCode);
        var reserved = Assert.Single(plan.For("1").Excluded);
        Assert.Equal(("NOR", ExclusionKind.Reserved), (reserved.StateCode, reserved.Kind));
        Assert.Contains("medical care", reserved.Reason, StringComparison.Ordinal);
        Assert.Null(Planner.Greedy(input, byPriority: true).For("1").StateCode);
    }

    [Theory]
    [InlineData(RelocationPriority.Urgent, false)]
    [InlineData(RelocationPriority.Emergency, true)]
    [InlineData(RelocationPriority.Emergency, false)]
    public void Solve_ReservedMedicalPlaceAndRequestThatCannotWaitOrIsEmergency_Placed(RelocationPriority priority, bool mayWait)
    {
        var input = Input([Req("1", priority) with { MayWait = mayWait }], [Cap("c-nor", "NOR", medical: true)]) with { Reserves = [MedicalReserve] };

        Assert.Equal("NOR", Planner.Solve(input, Options).For("1").StateCode);
    }

    [Fact]
    public void Solve_ReserveKeepsOneOfTwoMedicalPlaces_OneWaitingNormalPlacedTheOtherGoesElsewhere()
    {
        // Two medical places, one kept: of two waiting Normal requests that both need medical care one takes the free
        // place; the third request, which needs none, goes to the row without medical care.
        var input = Input(
            [Req("1", RelocationPriority.Normal, medical: true) with { MayWait = true }, Req("2", RelocationPriority.Normal, medical: true, minutes: 1) with { MayWait = true },
                Req("3", RelocationPriority.Normal, minutes: 2) with { MayWait = true }],
            [Cap("c-nor", "NOR", places: 2, medical: true), Cap("c-swe", "SWE")]) with { Reserves = [MedicalReserve] };

        var plan = Planner.Solve(input, Options);

        Assert.Equal(1, plan.Placements.Count(p => p.StateCode == "NOR"));
        Assert.Equal("SWE", plan.For("3").StateCode);
        Assert.Equal(2, plan.Placements.Count(p => p.IsPlaced));
    }

    [Fact]
    public void Solve_LargeHouseholdReserve_WaitingPairKeptOffTheLargeRowOnly()
    {
        var large = new ScarceReserve("large households", MedicalCare: false, MinHousehold: 4, Places: 4);
        var input = Input([Req("1", RelocationPriority.Urgent, household: 2) with { MayWait = true }],
            [Cap("c-fra", "FRA", places: 4, maxHousehold: 5), Cap("c-mli", "MLI", places: 2, maxHousehold: 2)], agreements: ["FRA"]) with { Reserves = [large] };

        var plan = Planner.Solve(input, Options);

        Assert.Equal("MLI", plan.For("1").StateCode);
        Assert.Equal(ExclusionKind.Reserved, Assert.Single(plan.For("1").Excluded).Kind);
    }

    [Fact]
    public void Solve_BudgetSpentBeforeTheModel_GreedyPlanReturned()
    {
        // A wall budget smaller than reading the input: the call still answers, with the greedy plan, instead of starting
        // a solver it has no time for (the budget covers the whole call).
        var input = Input([Req("1", RelocationPriority.Emergency), Req("2", RelocationPriority.Emergency, medical: true, minutes: 5)],
            [Cap("c-nor", "NOR", medical: true), Cap("c-swe", "SWE")], agreements: ["NOR"]);

        var plan = Planner.Solve(input, Options with { WallClockSeconds = 0.001 });

        Assert.Equal(PlanOutcome.GreedyFallback, plan.Outcome);
        Assert.Equal(TimeSpan.Zero, plan.SolverTime);
        Assert.Equal("NOR", plan.For("1").StateCode);
    }

    [Theory]
    [InlineData(2, 1, 1, null, "ARG")]
    [InlineData(3, 2, 1, null, "ARG")]
    [InlineData(4, 3, 1, null, "ARG")]
    [InlineData(4, 4, 1, null, "ARG")]
    [InlineData(4, 4, 2, null, "ARG")]
    [InlineData(4, 3, 1, "ARG", "BEL")]
    [InlineData(4, 4, 1, "ARG", "BEL")]
    [InlineData(5, 4, 1, "BEL", "ARG")]
    public void Solve_RealEmergencyTiedWithItsForecastCopies_RealOneTakesTheFirstStateInTheTieOrder(int states, int copies, int places, string? asked, string expected)
    {
        // Equal States and copies of the real request (the open Emergency is its own history): the tie between the real
        // request and a copy must fall to the real one, or the order in which its States are asked depends on the copies.
        var codes = new[] { "ARG", "BEL", "CAN", "DNK", "EST" }.Take(states).ToArray();
        var excluded = asked is null ? null : new Dictionary<string, string> { [asked] = "asked in round 1" };
        var input = Input([Req("1", RelocationPriority.Emergency, excluded: excluded)], codes.Select(c => Cap("c-" + c, c, places)).ToArray()) with
        {
            Forecast = Enumerable.Range(1, copies).Select(i => Req("f" + i, RelocationPriority.Emergency, minutes: -i)).ToArray(),
        };

        var plan = Planner.Solve(input, Options);

        Assert.Equal(expected, plan.For("1").StateCode);
    }

    [Theory]
    [InlineData(RelocationPriority.Emergency, new[] { "NOR", "SWE" })]
    [InlineData(RelocationPriority.Urgent, new[] { "NOR" })]
    public void Solve_ForecastEmergencyOnTheOtherState_KeepsItFromUrgentNotFromARealEmergency(RelocationPriority priority, string[] asked)
    {
        // The real request is planned on NOR, a copy of a medical Emergency on SWE's one (medical-care) place. An Urgent request must
        // not ask SWE (its place is kept); a real Emergency may: a forecast never keeps a place from its own priority, and a
        // copy of an open Emergency must not shrink that Emergency's own round.
        var input = Input([Req("1", priority)], [Cap("c-nor", "NOR"), Cap("c-swe", "SWE", medical: true)]) with
        {
            Forecast = [Req("f1", RelocationPriority.Emergency, medical: true) with { Pseudonym = "forecast" }],
        };

        var plan = Planner.Solve(input, Options);
        var ranked = Domain.Relocations.Ranking.CandidateRanker.Rank(input.Requests[0].Need, input.Capacities, input.States, input.StatesWithAgreementInForce[Domain.Capacities.RelocationKind.TemporaryRelocation], new HashSet<string>(), Now);

        Assert.Equal("NOR", plan.For("1").StateCode);
        Assert.Equal(priority == RelocationPriority.Urgent, plan.For("1").Excluded.Any(e => e.StateCode == "SWE" && e.Kind == ExclusionKind.Reserved));
        Assert.Equal(asked, RoundSelection.Select(ranked, plan.For("1"), 1, 3).Select(c => c.StateCode));
    }
}

public sealed class CapacityGapsTests
{
    [Fact]
    public void Compute_MedicalDemandBeyondPlaces_GapAndUnplacedShown()
    {
        var input = Input(
            [Req("1", RelocationPriority.Emergency, household: 2, medical: true), Req("2", RelocationPriority.Urgent, household: 2, medical: true, minutes: 1)],
            [Cap("c-nor", "NOR", places: 2, medical: true), Cap("c-swe", "SWE", places: 4)]);

        var gaps = CapacityGaps.Compute(input, Planner.Solve(input, Options));

        var medical = Assert.Single(gaps, g => g.Dimension == "medicalCare");
        Assert.Equal((2, 4, 2, 1, 2), (medical.Requests, medical.Persons, medical.FreePlaces, medical.Unplaced, medical.Gap));
        var pairs = Assert.Single(gaps, g => g.Dimension == "householdSize" && g.Value == "2");
        Assert.Equal((4, 6), (pairs.Persons, pairs.FreePlaces));
    }

    [Fact]
    public void Solve_ForecastEmergencyNeedsTheOnlyMedicalPlace_NormalKeptOffItWithReason()
    {
        // The Normal request fits only the medical-care place; an Emergency needing medical care is expected (forecast):
        // the place is kept, the Normal request is told why, and the forecast is never a placement.
        var input = Input([Req("1", RelocationPriority.Normal)], [Cap("c-nor", "NOR", medical: true)]) with
        {
            Forecast = [Req("f1", RelocationPriority.Emergency, medical: true) with { Pseudonym = "forecast" }],
        };

        var plan = Planner.Solve(input, Options);

        Assert.Equal(["1"], plan.Placements.Select(p => p.RequestId));
        Assert.Null(plan.For("1").StateCode);
        Assert.Contains(new Exclusion("NOR", ExclusionKind.Reserved, "its one place kept for expected Emergency requests (forecast)"), plan.For("1").Excluded);
    }

    [Fact]
    public void Solve_ForecastEmergencyAgainstRealEmergency_RealOnePlaced()
    {
        var input = Input([Req("1", RelocationPriority.Emergency)], [Cap("c-nor", "NOR", medical: true)]) with
        {
            Forecast = [Req("f1", RelocationPriority.Emergency, medical: true), Req("f2", RelocationPriority.Emergency)],
        };

        var plan = Planner.Solve(input, Options);

        Assert.Equal("NOR", plan.For("1").StateCode);
    }

    [Fact]
    public void Solve_ForecastUrgentAgainstRealEmergencyAndNormal_EmergencyPlacedNormalKeptOff()
    {
        var input = Input([Req("1", RelocationPriority.Normal), Req("2", RelocationPriority.Emergency)], [Cap("c-nor", "NOR"), Cap("c-swe", "SWE")]) with
        {
            Forecast = [Req("f1", RelocationPriority.Urgent)],
        };

        var plan = Planner.Solve(input, Options);

        Assert.NotNull(plan.For("2").StateCode);
        Assert.Null(plan.For("1").StateCode);
    }
}
