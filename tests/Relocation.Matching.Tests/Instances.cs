using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Testing.Builders;

namespace Relocation.Matching.Tests;

/// <summary>Small planning instances written by hand: States, capacity rows and requests with readable defaults.</summary>
internal static class Instances
{
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Due = new(2026, 12, 7);

    /// <summary>Deterministic options that solve small instances quickly.</summary>
    public static readonly PlannerOptions Options = new() { Workers = 1, Seed = 0, DeterministicSeconds = 1.0, WallClockSeconds = 10 };

    public static Capacity Cap(string id, string state, int places = 1, int maxHousehold = 6, bool medical = false, bool fund = false,
        RelocationKind kind = RelocationKind.TemporaryRelocation, string[]? languages = null, DateOnly? from = null, DateOnly? until = null) =>
        Capacity.Register(id, state, new CapacityTerms([kind], places, maxHousehold, languages ?? ["en"], medical,
            from ?? new DateOnly(2026, 11, 1), until ?? new DateOnly(2027, 12, 31), fund), Now);

    public static PlanRequest Req(string id, RelocationPriority priority, int household = 1, bool medical = false, int minutes = 0,
        RelocationKind kind = RelocationKind.TemporaryRelocation, string[]? languages = null, Dictionary<string, string>? excluded = null) =>
        new(id, "W-" + id, priority, new RankingRequest(kind, household, medical, languages ?? [], Due), Now.AddMinutes(minutes), excluded);

    public static PlanningInput Input(IReadOnlyList<PlanRequest> requests, IReadOnlyList<Capacity> capacities, string[]? agreements = null,
        long? fund = null, Dictionary<string, long>? costs = null)
    {
        var states = capacities.Select(c => c.StateCode).Distinct(StringComparer.Ordinal)
            .ToDictionary(c => c, c => State.Register(c, new StateInputBuilder().With(i => i with { Languages = ["en"] }).Build()), StringComparer.Ordinal);
        var withAgreement = (IReadOnlySet<string>)(agreements ?? []).ToHashSet(StringComparer.Ordinal);
        var byKind = Enum.GetValues<RelocationKind>().ToDictionary(k => k, _ => withAgreement);
        return new PlanningInput(requests, capacities, states, byKind, Now, fund, costs);
    }
}
