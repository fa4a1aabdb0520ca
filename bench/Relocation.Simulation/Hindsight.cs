using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;

namespace Relocation.Simulation;

/// <summary>
/// The hindsight optimum: one offline CP-SAT solve that knows the whole year — every request, every capacity row and
/// which State would offer in time to whom — and maximises the same weighted placements (Emergency 100, Urgent 10,
/// Normal 1) under the same hard filters and places per row. It ignores the order of events and the three-round limit, so
/// it is an upper bound for any online policy.
/// <para>
/// <c>processBound</c>: the same solve held to the replay's timing too — a row counts only if registered by the request's
/// last round opening (rounds open on days d, d + window, d + 2 × window; the default counts one window more), and a place
/// of the withdrawing State only if its answer (asked at the first round opening after the row appeared) arrives before
/// the withdrawal. Still no limit on the States asked: knowing the answers, one ask is enough.
/// </para>
/// </summary>
internal static class Hindsight
{
    public static (Dictionary<string, SimRow> Placed, long Weighted, double Ms, string Status) Solve(Scenario scenario, bool processBound = false)
    {
        var clock = Stopwatch.StartNew();
        var states = scenario.States.ToDictionary(s => s.Code, StringComparer.Ordinal);
        var model = new CpModel();
        var pairs = new List<(SimRequest R, SimRow Row, BoolVar X)>();
        foreach (var r in scenario.Requests)
        {
            var need = Replay.Need(r);
            var window = Scenario.Clock(r.Priority).Window;
            foreach (var row in scenario.Rows)
            {
                var t = row.Terms;
                var feasible = t.Kinds.Contains(r.Kind) && t.MaxHouseholdSize >= r.Household && t.Places >= r.Household && (!r.Medical || t.MedicalCare)
                    && t.AvailableFrom <= need.RelocationDueOn && t.AvailableUntil >= need.RelocationDueOn
                    && row.StateCode != r.Excluded
                    && (row.StateCode != scenario.Withdrawing || r.Day < Scenario.WithdrawalDay)
                    && row.Day <= r.Day + ((processBound ? 2 : 3) * window); // registered by the last round that could ask it
                if (!feasible)
                {
                    continue;
                }

                // Asked when the row appears (default), or at the first round opening after it (process-bound).
                var askedOn = processBound ? r.Day + ((Math.Max(0, row.Day - r.Day) + window - 1) / window * window) : Math.Max(r.Day, row.Day);
                var (offer, answerDay) = scenario.Answer(r, states[row.StateCode], askedOn);
                if (processBound && row.StateCode == scenario.Withdrawing && answerDay >= Scenario.WithdrawalDay)
                {
                    continue;
                }

                if (offer && answerDay - askedOn <= window)
                {
                    pairs.Add((r, row, model.NewBoolVar(string.Create(CultureInfo.InvariantCulture, $"x{r.Id}_{row.Id}"))));
                }
            }
        }

        foreach (var g in pairs.GroupBy(p => p.R.Id))
        {
            model.AddAtMostOne(g.Select(p => (ILiteral)p.X));
        }

        foreach (var g in pairs.GroupBy(p => p.Row.Id))
        {
            var use = LinearExpr.NewBuilder();
            foreach (var p in g)
            {
                use.AddTerm(p.X, p.R.Household);
            }

            model.Add(use <= g.First().Row.Terms.Places);
        }

        var objective = LinearExpr.NewBuilder();
        foreach (var p in pairs)
        {
            objective.AddTerm(p.X, Scenario.Weight(p.R.Priority));
        }

        model.Maximize(objective);
        using var solver = new CpSolver { StringParameters = "num_workers:1,random_seed:0,max_deterministic_time:60,max_time_in_seconds:120" };
        var status = solver.Solve(model);
        var placed = pairs.Where(p => solver.BooleanValue(p.X)).ToDictionary(p => p.R.Id, p => p.Row, StringComparer.Ordinal);
        return (placed, (long)solver.ObjectiveValue, clock.Elapsed.TotalMilliseconds, status.ToString());
    }
}
