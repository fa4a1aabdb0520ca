using System.Diagnostics;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Matching;

namespace Relocation.Simulation;

internal enum Strategy
{
    GreedyV1,
    PlannerV2,

    /// <summary>Not a policy: asks, at each round opening, only the State of the row a hindsight solution gave the request.</summary>
    Clairvoyant,
}

/// <summary>
/// How planner v2 is run in the replay. <see cref="ForecastDays"/>: expected demand over the next so many days (0: none),
/// estimated from the arrivals of the last <see cref="HistoryDays"/>. <see cref="PlanOpenSet"/>: plan every open case, not only
/// those opening a round today. <see cref="Blocking"/>: the round never asks a State whose places are planned for another
/// case (RoundSelection, as the workflow does). <see cref="AnswerOracle"/> and <see cref="ArrivalOracle"/> are not policies:
/// they tell v2 which States would offer in time to whom, and the real arrivals of the forecast horizon (instead of the
/// forecast), to split the gap to the hindsight optimum into what knowing the answers and knowing the future would buy.
/// </summary>
internal sealed record V2Policy(int ForecastDays = 120, int HistoryDays = 180, bool PlanOpenSet = true, bool Blocking = true, bool ForecastUrgent = false, int EmergencyRoundSize = 3, int ProtectDays = 0, bool ProtectLastRound = false,
    bool AnswerOracle = false, bool ArrivalOracle = false, bool OldTieRule = false)
{
    public const int AllFeasible = 1_000;

    public static readonly V2Policy Baseline = new(ForecastDays: 0, PlanOpenSet: false, Blocking: false);
}

internal sealed class SimCase(SimRequest request)
{
    public SimRequest Request { get; } = request;
    public int Round { get; set; }
    public int? NextRoundDay { get; set; } = request.Day;
    public int Deadline { get; set; }
    public List<(string State, string Row, bool Offer, int AnswerDay, int AskDay)> Asked { get; } = [];
    public HashSet<string> AskedStates { get; } = new(StringComparer.Ordinal);
    public string? HeldRow { get; set; }
    public int? PlacedDay { get; set; }
    public string? PlacedState { get; set; }
    public string? PlacedRow { get; set; }
    public bool Escalated { get; set; }
    public bool Open => PlacedDay is null && !Escalated;
}

/// <summary>
/// Replays a scenario day by day. A round asks up to three States (v1: its own ranking; v2: the planned State first, then
/// the next best; nothing is held before acceptance, as in production); each State answers as the scenario says; the first
/// offer that still finds room is accepted. A round ends at its response deadline; after three, the case escalates.
/// </summary>
internal static class Replay
{
    private const int RoundSize = 3;


    /// <param name="follow">With <see cref="Strategy.Clairvoyant"/>: the row each request is to be placed on (a hindsight solution).</param>
    public static (List<SimCase> Cases, List<double> SolveMs) Run(Scenario scenario, Strategy strategy, V2Policy? policy = null, IReadOnlyDictionary<string, SimRow>? follow = null)
    {
        var capacities = new Dictionary<string, Capacity>(StringComparer.Ordinal);
        var rows = scenario.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var states = scenario.States.ToDictionary(s => s.Code, StringComparer.Ordinal);
        var cases = new List<SimCase>();
        var solveMs = new List<double>();
        var withdrawn = false;
        policy ??= new V2Policy();
        foreach (var day in Enumerable.Range(0, Scenario.Days))
        {
            var now = new DateTimeOffset(Scenario.Date(day).ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
            foreach (var row in scenario.Rows.Where(r => r.Day == day))
            {
                capacities[row.Id] = Capacity.Register(row.Id, row.StateCode, row.Terms, now);
            }

            if (day == Scenario.WithdrawalDay && !withdrawn)
            {
                // The withdrawing State's rows take nobody new from today (its free places are held away for good).
                withdrawn = true;
                foreach (var c in capacities.Values.Where(c => c.StateCode == scenario.Withdrawing && c.Free > 0))
                {
                    c.Hold("withdrawn", c.Free);
                }
            }

            cases.AddRange(scenario.Requests.Where(r => r.Day == day).Select(r => new SimCase(r)));

            // Answers arriving today, earliest asked first. Only within the answer's own round: once a round has closed, the case
            // refuses its States' answers (RelocationCase: "The round in which X was asked has closed"). Until 2026-11-30 the
            // replay took a late answer from an earlier round during a later one, which production never does and the hindsight
            // did not allow either (a policy could beat the hindsight "optimum": seeds 10 and 12).
            foreach (var c in cases.Where(c => c.Open && c.Round > 0))
            {
                foreach (var ask in c.Asked.Where(a => a.AnswerDay == day && a.AnswerDay <= a.AskDay + Scenario.Clock(c.Request.Priority).Window).OrderBy(a => a.State, StringComparer.Ordinal).ToArray())
                {
                    if (!c.Open)
                    {
                        break;
                    }

                    var capacity = capacities[ask.Row];
                    if (!ask.Offer)
                    {
                        if (c.HeldRow == ask.Row)
                        {
                            capacity.Release(c.Request.Id);
                            c.HeldRow = null;
                        }

                        continue;
                    }

                    if (c.HeldRow == ask.Row || capacity.Free >= c.Request.Household)
                    {
                        if (c.HeldRow is { } held && held != ask.Row)
                        {
                            capacities[held].Release(c.Request.Id);
                        }

                        if (c.HeldRow != ask.Row)
                        {
                            capacity.Hold(c.Request.Id, c.Request.Household);
                        }

                        capacity.Use(c.Request.Id);
                        c.HeldRow = null;
                        c.PlacedDay = day;
                        c.PlacedState = ask.State;
                        c.PlacedRow = ask.Row;
                    }
                }
            }

            foreach (var c in cases.Where(c => c.Open && c.Round > 0 && c.NextRoundDay is null && c.Deadline <= day))
            {
                if (c.HeldRow is { } held)
                {
                    capacities[held].Release(c.Request.Id);
                    c.HeldRow = null;
                }

                if (c.Round >= 3)
                {
                    c.Escalated = true;
                }
                else
                {
                    c.NextRoundDay = day;
                }
            }

            var starting = cases.Where(c => c.Open && c.NextRoundDay == day).ToList();
            if (starting.Count == 0)
            {
                continue;
            }

            var visible = capacities.Values.Where(c => c.Terms.AvailableUntil >= Scenario.Date(day)).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            Dictionary<string, Placement>? plan = null;
            if (strategy == Strategy.PlannerV2)
            {
                var clock = Stopwatch.StartNew();
                var planned = policy.PlanOpenSet ? cases.Where(c => c.Open && (c.Round > 0 || starting.Contains(c))).ToList() : starting;
                var input = new PlanningInput(planned.Select(c => ToPlan(scenario, policy, c, now, opening: starting.Contains(c)) with { MayWait = policy.ProtectDays > 0 && (policy.ProtectLastRound || c.Round + (starting.Contains(c) ? 1 : 0) < 3) }).ToArray(), visible, scenario.StateObjects, scenario.Agreements, now)
                {
                    Forecast = Forecast(scenario, day, policy),
                    Reserves = Reserves(scenario, day, policy),
                };
                var result = Planner.Solve(input, new PlannerOptions { DeterministicSeconds = 1.0, RealRequestsWinTies = !policy.OldTieRule });
                solveMs.Add(clock.Elapsed.TotalMilliseconds);
                plan = result.Placements.ToDictionary(p => p.RequestId, StringComparer.Ordinal);
            }

            // v1 opens rounds one at a time, by arrival; v2 has already decided for all of them at once.
            foreach (var c in starting.OrderBy(c => c.Request.Day).ThenBy(c => c.Request.Id, StringComparer.Ordinal))
            {
                c.Round++;
                c.NextRoundDay = null;
                c.Deadline = day + Scenario.Clock(c.Request.Priority).Window;
                var chosen = new List<(string State, string Row)>();
                if (strategy == Strategy.Clairvoyant)
                {
                    // The process unchanged (rounds, windows, an answer only inside its round, the first offer with room
                    // accepted), with the future known: ask the hindsight's State once its row is registered, else nobody.
                    if (follow!.TryGetValue(c.Request.Id, out var target) && capacities.ContainsKey(target.Id) && !c.AskedStates.Contains(target.StateCode))
                    {
                        var (offer, answerDay) = scenario.Answer(c.Request, states[target.StateCode], day);
                        c.Asked.Add((target.StateCode, target.Id, offer, answerDay, day));
                        c.AskedStates.Add(target.StateCode);
                    }

                    continue;
                }

                if (plan is not null && policy.Blocking)
                {
                    var asked = new HashSet<string>(c.AskedStates, StringComparer.Ordinal);
                    if (c.Request.Excluded is { } withdrew)
                    {
                        asked.Add(withdrew);
                    }

                    if (policy.AnswerOracle)
                    {
                        asked.UnionWith(Refusing(scenario, c.Request).Keys);
                    }

                    var rankedAll = CandidateRanker.Rank(Need(c.Request), visible, scenario.StateObjects, scenario.Agreements[c.Request.Kind], asked, now);
                    chosen.AddRange(RoundSelection.Select(rankedAll, plan[c.Request.Id], c.Round, c.Request.Priority == RelocationPriority.Emergency ? policy.EmergencyRoundSize : RoundSize).Select(x => (x.StateCode, x.CapacityId)));
                }
                else if (plan?[c.Request.Id] is { IsPlaced: true } placed)
                {
                    // Like production, nothing is held until an offer is accepted: a held place would sit idle for
                    // the whole round (14 days for Normal) in front of an Emergency (measured: worse on seed 3).
                    chosen.Add((placed.StateCode!, placed.CapacityId!));
                }

                var excluded = new HashSet<string>(c.AskedStates, StringComparer.Ordinal);
                if (plan is not null && policy.Blocking)
                {
                    excluded.UnionWith(scenario.StateObjects.Keys);
                }

                excluded.UnionWith(chosen.Select(x => x.State));
                if (c.Request.Excluded is { } x)
                {
                    excluded.Add(x);
                }

                var ranked = CandidateRanker.Rank(Need(c.Request), visible, scenario.StateObjects, scenario.Agreements[c.Request.Kind], excluded, now);
                var size = c.Request.Priority == RelocationPriority.Emergency ? policy.EmergencyRoundSize : RoundSize;
                foreach (var candidate in CandidateRanker.SelectRound(ranked, c.Round, Math.Max(0, size - chosen.Count)))
                {
                    chosen.Add((candidate.StateCode, candidate.CapacityId));
                }

                foreach (var (state, row) in chosen)
                {
                    var (offer, answerDay) = scenario.Answer(c.Request, states[state], day);
                    c.Asked.Add((state, row, offer, answerDay, day));
                    c.AskedStates.Add(state);
                }
            }
        }

        foreach (var c in cases.Where(c => c.HeldRow is not null))
        {
            capacities[c.HeldRow!].Release(c.Request.Id);
        }

        return (cases, solveMs);
    }

    public static RankingRequest Need(SimRequest r) =>
        new(r.Kind, r.Household, r.Medical, r.Languages, Scenario.Date(r.Day + Scenario.Clock(r.Priority).Due), r.Region);

    /// <summary>
    /// Expected demand over the next <see cref="V2Policy.ForecastDays"/>: per priority (Emergency, and Urgent unless turned
    /// off), the arrival rate of the last <see cref="V2Policy.HistoryDays"/> times the horizon, as copies of the most recent
    /// such requests re-timed into the horizon. Only the past is read: the replay never peeks at future arrivals.
    /// </summary>
    public static IReadOnlyList<PlanRequest>? Forecast(Scenario scenario, int day, V2Policy policy)
    {
        if (policy.ForecastDays <= 0 || day == 0)
        {
            return null;
        }

        if (policy.ArrivalOracle)
        {
            // Not a policy: the real arrivals of the horizon (Emergency and Urgent), to measure what knowing them would buy.
            return scenario.Requests.Where(r => r.Day > day && r.Day <= day + policy.ForecastDays && r.Priority != RelocationPriority.Normal)
                .Select(r => new PlanRequest($"f{day}-{r.Id}", "forecast", r.Priority, Need(r), Midnight(r.Day), policy.AnswerOracle ? Refusing(scenario, r) : null))
                .ToArray();
        }

        // The same forecast as the workflow's (Relocation.Matching.DemandForecast); the sim's "now" is the day's midnight, so
        // today's arrivals (already open cases) are not history yet.
        var now = Midnight(day);
        var past = scenario.Requests.Where(r => r.Day < day).Select(r => new PlanRequest(r.Id, "W-" + r.Id, r.Priority, Need(r), Midnight(r.Day))).ToArray();
        var forecast = new List<PlanRequest>();
        foreach (var priority in policy.ForecastUrgent ? new[] { RelocationPriority.Emergency, RelocationPriority.Urgent } : [RelocationPriority.Emergency])
        {
            var model = new DemandForecast { HorizonDays = policy.ForecastDays, HistoryDays = policy.HistoryDays, Priority = priority, DueAfter = TimeSpan.FromDays(Scenario.Clock(priority).Due) };
            forecast.AddRange(model.Expected(past, now, $"f{day}", observedSince: Midnight(0)));
        }

        return forecast;
    }

    private static DateTimeOffset Midnight(int day) => new(Scenario.Date(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The States that would not offer in time to <paramref name="r"/> (the answer oracle: not knowable by a real planner).</summary>
    public static Dictionary<string, string> Refusing(Scenario scenario, SimRequest r) =>
        scenario.States.Where(s => scenario.Answer(r, s, r.Day) is var (offer, at) && (!offer || at - r.Day > Scenario.Clock(r.Priority).Window))
            .ToDictionary(s => s.Code, _ => "would not offer in time (oracle)", StringComparer.Ordinal);

    /// <summary>
    /// Scarcity-aware protection: the places expected Emergencies will need over the next <see cref="V2Policy.ProtectDays"/>,
    /// from the Emergencies of the last <see cref="V2Policy.HistoryDays"/> (their households summed, at that rate): with medical
    /// care, and for large households (4 or more). Only the past is read.
    /// </summary>
    public static IReadOnlyList<ScarceReserve>? Reserves(Scenario scenario, int day, V2Policy policy)
    {
        if (policy.ProtectDays <= 0 || day == 0)
        {
            return null;
        }

        var from = Math.Max(0, day - policy.HistoryDays);
        var past = scenario.Requests.Where(r => r.Day >= from && r.Day < day && r.Priority == RelocationPriority.Emergency).ToArray();
        var scale = (double)policy.ProtectDays / Math.Max(30, day - from);
        int Places(IEnumerable<SimRequest> rs) => (int)Math.Round(rs.Sum(r => r.Household) * scale, MidpointRounding.AwayFromZero);
        return
        [
            new ScarceReserve("medical care", MedicalCare: true, MinHousehold: 1, Places(past.Where(r => r.Medical))),
            new ScarceReserve("large households", MedicalCare: false, MinHousehold: Planner.LargeHousehold - 1, Places(past.Where(r => r.Household >= Planner.LargeHousehold - 1))),
        ];
    }

    private static PlanRequest ToPlan(Scenario scenario, V2Policy policy, SimCase c, DateTimeOffset now, bool opening)
    {
        // Opening a round: every State asked before is out. A case in an open round keeps the States of that round.
        var lastRound = c.Asked.Count == 0 ? int.MaxValue : c.Asked.Max(a => a.AskDay);
        var excluded = c.Asked.Where(a => opening || a.AskDay < lastRound).Select(a => a.State).Distinct(StringComparer.Ordinal)
            .ToDictionary(s => s, _ => "already asked in an earlier round", StringComparer.Ordinal);
        if (c.Request.Excluded is { } x)
        {
            excluded[x] = "withdrew from this person";
        }

        if (policy.AnswerOracle)
        {
            foreach (var (state, why) in Refusing(scenario, c.Request))
            {
                excluded.TryAdd(state, why);
            }
        }

        return new PlanRequest(c.Request.Id, "W-" + c.Request.Id, c.Request.Priority, Need(c.Request), new DateTimeOffset(Scenario.Date(c.Request.Day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), excluded);
    }
}
