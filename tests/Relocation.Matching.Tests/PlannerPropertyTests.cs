using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using static Relocation.Matching.Tests.Instances;

namespace Relocation.Matching.Tests;

public sealed class PlannerPropertyTests
{
    private static readonly string[] Codes = ["NOR", "SWE", "MLI", "FRA", "ARG", "KEN"];
    private static readonly RelocationKind[] Kinds = [RelocationKind.TemporaryRelocation, RelocationKind.WitnessRelocation];
    private static readonly PlannerOptions Quick = Options with { DeterministicSeconds = 0.3 };

    /// <summary>A random instance from one seed: up to 12 requests and 8 capacity rows, tight enough to conflict.</summary>
    private static PlanningInput Instance(int seed)
    {
        var random = new Random(seed);
        var capacities = Enumerable.Range(0, random.Next(1, 9)).Select(i =>
        {
            var capacity = Cap($"c{i}", Codes[random.Next(Codes.Length)], places: random.Next(1, 5), maxHousehold: random.Next(1, 5),
                medical: random.Next(3) == 0, fund: random.Next(2) == 0, kind: Kinds[random.Next(2)],
                from: Due.AddDays(random.Next(-5, 3)), until: Due.AddDays(random.Next(-2, 30)));
            if (random.Next(4) == 0)
            {
                capacity.Hold("earlier", 1);
            }

            return capacity;
        }).ToArray();
        var requests = Enumerable.Range(0, random.Next(0, 13)).Select(i => Req($"r{i}", (RelocationPriority)random.Next(1, 4), household: random.Next(1, 4),
            medical: random.Next(4) == 0, minutes: random.Next(100), kind: Kinds[random.Next(2)],
            excluded: random.Next(5) == 0 ? new() { [Codes[random.Next(Codes.Length)]] = "withdrew from this person" } : null)).ToArray();
        var costs = capacities.ToDictionary(c => c.Id, _ => (long)random.Next(1, 5) * 10_000);
        return Input(requests, capacities, agreements: [Codes[random.Next(Codes.Length)]], fund: random.Next(3) == 0 ? null : random.Next(0, 8) * 10_000, costs: costs);
    }

    [Property(MaxTest = 150)]
    public Property Solve_RandomInstances_NoHardConstraintBrokenNoRowOverAssignedAndNeverWorseThanGreedy() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var input = Instance(seed);
            var plan = Planner.Solve(input, Quick);
            var byId = input.Capacities.ToDictionary(c => c.Id);
            foreach (var placement in plan.Placements.Where(p => p.IsPlaced))
            {
                var request = input.Requests.Single(r => r.Id == placement.RequestId);
                var capacity = byId[placement.CapacityId!];
                var terms = capacity.Terms;
                Assert.Contains(request.Need.Kind, terms.Kinds);
                Assert.True(terms.MaxHouseholdSize >= request.Need.HouseholdSize);
                Assert.True(!request.Need.NeedsMedicalCare || terms.MedicalCare);
                Assert.True(terms.AvailableFrom <= request.Need.RelocationDueOn && terms.AvailableUntil >= request.Need.RelocationDueOn);
                Assert.False(request.ExcludedStates?.ContainsKey(capacity.StateCode) ?? false);
            }

            foreach (var row in plan.Placements.Where(p => p.IsPlaced).GroupBy(p => p.CapacityId!))
            {
                Assert.True(row.Sum(p => input.Requests.Single(r => r.Id == p.RequestId).Need.HouseholdSize) <= byId[row.Key].Free, $"row {row.Key} over-assigned");
            }

            var spent = plan.Placements.Where(p => p.IsPlaced && byId[p.CapacityId!].Terms.NeedsFundSupport).Sum(p => input.EstimatedCostEurMinor![p.CapacityId!]);
            Assert.True(input.FundAvailableEurMinor is not { } fund || spent <= fund, "fund over-committed");
            Assert.True(plan.PriorityValue >= Planner.Greedy(input, byPriority: false).PriorityValue, "worse than greedy v1");
            Assert.Equal(input.Requests.Count, plan.Placements.Count);
        });

    [Property(MaxTest = 30)]
    public Property Solve_SameInstanceTwice_SamePlan() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var input = Instance(seed);
            var first = Planner.Solve(input, Quick).Placements.Select(p => (p.RequestId, p.CapacityId));
            var second = Planner.Solve(input with { Requests = input.Requests.Reverse().ToArray(), Capacities = input.Capacities.Reverse().ToArray() }, Quick)
                .Placements.Select(p => (p.RequestId, p.CapacityId));
            Assert.Equal(first, second);
        });

    [Fact]
    public void Solve_FixedSeedsWithReserves_WaitingRequestsNeverTakeKeptPlaces()
    {
        // 200 fixed instances (1 worker, fixed seed: the same run every time) with a medical and a large-household reserve:
        // the places that Normal and Urgent requests that may wait take on a reserve's rows never exceed its slack.
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var plain = Instance(seed);
            var input = plain with
            {
                Requests = plain.Requests.Select(r => r with { MayWait = random.Next(2) == 0 }).ToArray(),
                Reserves = [new ScarceReserve("medical care", true, 1, random.Next(0, 3)), new ScarceReserve("large households", false, 3, random.Next(0, 4))],
            };
            var plan = Planner.Solve(input, Quick);
            var byId = input.Capacities.ToDictionary(c => c.Id);
            foreach (var reserve in input.Reserves)
            {
                bool InReserve(Capacity c) => (!reserve.MedicalCare || c.Terms.MedicalCare) && c.Terms.MaxHouseholdSize >= reserve.MinHousehold;
                var slack = Math.Max(0, input.Capacities.Where(InReserve).Sum(c => Math.Max(0, c.Free)) - reserve.Places);
                var taken = plan.Placements.Where(p => p.IsPlaced && InReserve(byId[p.CapacityId!]))
                    .Select(p => input.Requests.Single(r => r.Id == p.RequestId))
                    .Where(r => r.MayWait && r.Priority != RelocationPriority.Emergency).Sum(r => r.Need.HouseholdSize);
                Assert.True(reserve.Places == 0 || taken <= slack, $"seed {seed}: {reserve.Name} slack {slack}, taken {taken}");
            }

            Assert.True(plan.PriorityValue >= Planner.Greedy(input, byPriority: true).PriorityValue, $"seed {seed}: worse than its own greedy");
        }
    }
}
