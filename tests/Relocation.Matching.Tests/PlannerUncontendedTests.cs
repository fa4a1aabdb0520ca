using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using static Relocation.Matching.Tests.Instances;

namespace Relocation.Matching.Tests;

/// <summary>
/// The plan known without CP-SAT when no constraint binds (<see cref="PlannerOptions.SkipSolverWhenUncontended"/>) must be
/// the plan CP-SAT proves optimal, and the solver must still run whenever a constraint binds.
/// </summary>
public sealed class PlannerUncontendedTests
{
    private static readonly string[] Codes = ["NOR", "SWE", "MLI", "FRA", "ARG", "KEN"];
    private static readonly PlannerOptions Solving = Options with { SkipSolverWhenUncontended = false };

    private static IEnumerable<(string Request, string? Capacity)> Placed(Plan plan) => plan.Placements.Select(p => (p.RequestId, p.CapacityId));

    [Fact]
    public void Solve_SeveralAlikeOnRoomyRows_SolverSkippedAndPlanIsTheSolversOptimum()
    {
        var input = Input(
            Enumerable.Range(0, 8).Select(i => Req($"e{i:D2}", RelocationPriority.Emergency, minutes: i)).ToArray(),
            Codes.Select(code => Cap($"c-{code}", code, places: 5000)).ToArray());

        var known = Planner.Solve(input, Options);
        var solved = Planner.Solve(input, Solving);

        Assert.Equal(PlanOutcome.Optimal, solved.Outcome);
        Assert.True(solved.SolverTime > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, known.SolverTime);
        Assert.Equal(PlanOutcome.Optimal, known.Outcome);
        Assert.Equal(Placed(solved), Placed(known));
    }

    [Fact]
    public void Solve_SurgeOnRoomyRows_SolverSkippedAndPlanNoWorseThanTheSolvers()
    {
        // The load driver's surge: 50 Emergency requests alike, ten States with 5000 places each. CP-SAT does not prove
        // its plan optimal within its budget here; the plan known without it is at least as good.
        var input = Input(
            Enumerable.Range(0, 50).Select(i => Req($"e{i:D2}", RelocationPriority.Emergency, minutes: i)).ToArray(),
            Codes.Concat(["DNK", "BEL", "AUT", "CHE"]).Select(code => Cap($"c-{code}", code, places: 5000)).ToArray());

        var known = Planner.Solve(input, Options);
        var solved = Planner.Solve(input, Solving with { DeterministicSeconds = 0.2 });

        Assert.Equal(TimeSpan.Zero, known.SolverTime);
        Assert.Equal(PlanOutcome.Optimal, known.Outcome);
        Assert.Equal(solved.PriorityValue, known.PriorityValue);
        Assert.True(known.FitValue >= solved.FitValue);
        Assert.All(known.Placements, p => Assert.True(p.IsPlaced));
    }

    [Fact]
    public void Solve_OneRequestAlone_SolverSkippedAndPlanIsTheSolversOptimum()
    {
        var input = Input([Req("1", RelocationPriority.Urgent, languages: ["fr"])],
            [Cap("c-nor", "NOR", places: 3), Cap("c-fra", "FRA", places: 3, languages: ["fr"]), Cap("c-mli", "MLI", places: 3, medical: true)],
            agreements: ["NOR"]);

        var known = Planner.Solve(input, Options);
        var solved = Planner.Solve(input, Solving);

        Assert.Equal(TimeSpan.Zero, known.SolverTime);
        Assert.Equal(Placed(solved), Placed(known));
    }

    [Fact]
    public void Solve_TwoWantTheOnlyPlaceOfTheirBestRow_SolverRuns()
    {
        // Both fit NOR best (an agreement) and it has one place: the best rows collide, so the solver decides.
        var input = Input([Req("1", RelocationPriority.Urgent), Req("2", RelocationPriority.Urgent, minutes: 1)],
            [Cap("c-nor", "NOR", places: 1), Cap("c-swe", "SWE", places: 5)], agreements: ["NOR"]);

        var plan = Planner.Solve(input, Options);

        Assert.True(plan.SolverTime > TimeSpan.Zero);
        Assert.Equal(Placed(Planner.Solve(input, Solving)), Placed(plan));
    }

    [Fact]
    public void Solve_FundCoversOneOfTwoBestRows_SolverRuns()
    {
        var input = Input([Req("1", RelocationPriority.Urgent), Req("2", RelocationPriority.Urgent, minutes: 1)],
            [Cap("c-nor", "NOR", places: 5, fund: true), Cap("c-dnk", "DNK", places: 5, fund: true)],
            agreements: ["NOR", "DNK"], fund: 100_000, costs: new() { ["c-nor"] = 80_000, ["c-dnk"] = 80_000 });

        var plan = Planner.Solve(input, Options);

        Assert.True(plan.SolverTime > TimeSpan.Zero);
        Assert.Equal(Placed(Planner.Solve(input, Solving)), Placed(plan));
    }

    [Fact]
    public void Solve_BestRowsCrowdOneStateWhileAnEqualFitStateIsEmpty_SolverRuns()
    {
        // Equal fit and room on both States; each request's own best pair is NOR (the State code breaks the tie), whose
        // share would then be 50 % where one on each makes 25 %: fairness binds, so the solver decides.
        var input = Input([Req("1", RelocationPriority.Urgent), Req("2", RelocationPriority.Urgent, minutes: 1)],
            [Cap("c-nor", "NOR", places: 4), Cap("c-swe", "SWE", places: 4)]);

        var plan = Planner.Solve(input, Options);
        var solved = Planner.Solve(input, Solving);

        Assert.True(plan.SolverTime > TimeSpan.Zero);
        Assert.Equal(Placed(solved), Placed(plan));
        Assert.Equal(["NOR", "SWE"], plan.Placements.Select(p => p.StateCode).Order(StringComparer.Ordinal));
    }

    /// <summary>Random instances, roomy (the shortcut mostly applies) or tight (it mostly does not).</summary>
    private static PlanningInput Instance(int seed, bool roomy)
    {
        var random = new Random(seed);
        var capacities = Enumerable.Range(0, random.Next(1, 9)).Select(i => Cap($"c{i}", Codes[random.Next(Codes.Length)],
            places: roomy ? random.Next(20, 400) : random.Next(1, 5), maxHousehold: random.Next(2, 6), medical: random.Next(3) == 0, fund: random.Next(2) == 0,
            languages: random.Next(3) == 0 ? ["fr"] : ["en"])).ToArray();
        var requests = Enumerable.Range(0, random.Next(0, 13)).Select(i => Req($"r{i}", (RelocationPriority)random.Next(1, 4), household: random.Next(1, 4),
            medical: random.Next(4) == 0, minutes: random.Next(100), languages: random.Next(3) == 0 ? ["fr"] : [],
            excluded: random.Next(5) == 0 ? new() { [Codes[random.Next(Codes.Length)]] = "withdrew from this person" } : null)).ToArray();
        var costs = capacities.ToDictionary(c => c.Id, _ => (long)random.Next(1, 5) * 10_000);
        return Input(requests, capacities, agreements: [Codes[random.Next(Codes.Length)]], fund: random.Next(3) == 0 ? null : random.Next(0, 30) * 10_000, costs: costs);
    }

    [Property(MaxTest = 120)]
    public Property Solve_RandomInstances_SameOptimumWithOrWithoutTheShortcut() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (seed, roomy) =>
        {
            var input = Instance(seed, roomy);
            var solved = Planner.Solve(input, Solving);
            var known = Planner.Solve(input, Options);
            Assert.Equal(solved.PriorityValue, known.PriorityValue);
            if (solved.Outcome == PlanOutcome.Optimal)
            {
                // A proven optimum is unique here (tie ranks differ), so the plan known without the solver must be it.
                Assert.Equal(Placed(solved), Placed(known));
                Assert.Equal(PlanOutcome.Optimal, known.Outcome);
            }
        });
}
