using System.Globalization;
using Relocation.Domain.Relocations;

namespace Relocation.Simulation;

/// <summary>
/// Where a policy's weighted placements fall short of the hindsight optimum: for every request the hindsight solve places
/// and the policy does not, why — classified from the replay's log (who was asked when, who took the hindsight row's places).
/// </summary>
internal static class Gap
{
    public static void Print(Scenario scenario, List<SimCase> cases, Dictionary<string, SimRow> hindsight, string policy, bool verbose)
    {
        var byId = cases.ToDictionary(c => c.Request.Id, StringComparer.Ordinal);
        var users = cases.Where(c => c.PlacedRow is not null).GroupBy(c => c.PlacedRow!).ToDictionary(g => g.Key, g => g.OrderBy(c => c.PlacedDay).ToList(), StringComparer.Ordinal);
        var classes = new Dictionary<string, (int N, long W)>(StringComparer.Ordinal);
        foreach (var (id, row) in hindsight.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var c = byId[id];
            if (c.PlacedDay is not null)
            {
                continue;
            }

            var r = c.Request;
            var roundDays = c.Asked.Select(a => a.AskDay).Distinct().Order().ToArray();
            int FreeOn(int day) => row.Terms.Places - users.GetValueOrDefault(row.Id, []).Where(u => u.PlacedDay <= day).Sum(u => u.Request.Household);
            string Takers(int day) => string.Join(",", users.GetValueOrDefault(row.Id, []).Where(u => u.PlacedDay <= day).Select(u => $"{u.Request.Priority.ToString()[0]}{u.Request.Id}@{u.PlacedDay}{(hindsight.ContainsKey(u.Request.Id) ? "" : "*")}"));
            string Lower(int day) => users.GetValueOrDefault(row.Id, []).Where(u => u.PlacedDay <= day).Any(u => u.Request.Priority > r.Priority) ? "lower priority" : "equal/higher priority";
            string why;
            var askedS = c.Asked.Where(a => a.State == row.StateCode).ToArray();
            if (askedS.Length > 0)
            {
                var a = askedS[0];
                why = a.Row != row.Id ? "asked the State on another row"
                    : !a.Offer || a.AnswerDay - a.AskDay > Scenario.Clock(r.Priority).Window ? "asked; no offer in time (?)"
                    : FreeOn(a.AnswerDay) < r.Household ? $"asked; place gone by the answer, taken by {Lower(a.AnswerDay)}" : "asked; offered with room (?)";
            }
            else if (roundDays.Length == 0)
            {
                // No round asked anybody: nothing fitted with room on the round days (the request's own day and the two after).
                var days = Enumerable.Range(0, c.Round).Select(k => r.Day + (k * Scenario.Clock(r.Priority).Window)).ToArray();
                why = row.Day > days[^1] ? "asked nobody: row registered after the last round"
                    : days.Where(d => d >= row.Day).All(d => FreeOn(d) < r.Household) ? $"asked nobody: place already taken, by {Lower(days[^1])}"
                    : "asked nobody, though the row had room (?)";
            }
            else if (row.Day > roundDays[^1])
            {
                why = "row registered after the last round";
            }
            else if (roundDays.Where(d => d >= row.Day).All(d => FreeOn(d) < r.Household))
            {
                why = $"not asked: place already taken, by {Lower(roundDays[^1])}";
            }
            else
            {
                var others = c.Asked.Count(a => a.Offer && a.AnswerDay - a.AskDay <= Scenario.Clock(r.Priority).Window);
                why = others > 0 ? "not asked (room); others offered but their place was gone" : "not asked (room); those asked did not offer in time";
            }

            var key = $"{r.Priority}: {why}";
            var (n, w) = classes.GetValueOrDefault(key);
            classes[key] = (n + 1, w + Scenario.Weight(r.Priority));
            if (verbose)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  lost {r.Priority.ToString()[0]}{r.Id} day {r.Day} hh{r.Household}{(r.Medical ? " med" : "")}: H row {row.Id} {row.StateCode} (day {row.Day}) — {why}; rounds {string.Join("/", roundDays)}; asked {string.Join(" ", c.Asked.Select(a => $"{a.State}{(a.Offer && a.AnswerDay - a.AskDay <= Scenario.Clock(r.Priority).Window ? "+" : "-")}"))}; takers {Takers(Scenario.Days)}"));
            }
        }

        var gained = cases.Where(c => c.PlacedDay is not null && !hindsight.ContainsKey(c.Request.Id)).ToArray();
        if (verbose)
        {
            var rows = scenario.Rows.ToDictionary(x => x.Id, StringComparer.Ordinal);
            foreach (var g in gained.Where(g => g.Request.Priority != RelocationPriority.Normal))
            {
                var r = g.Request;
                var row = rows[g.PlacedRow!];
                var ask = g.Asked.First(a => a.Row == row.Id && a.AnswerDay == g.PlacedDay);
                var need = Replay.Need(r);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  gained {r.Priority.ToString()[0]}{r.Id} day {r.Day} hh{r.Household}: row {row.Id} {row.StateCode} (day {row.Day}, places {row.Terms.Places}, max hh {row.Terms.MaxHouseholdSize}, {row.Terms.AvailableFrom}..{row.Terms.AvailableUntil}) asked {ask.AskDay} answered {ask.AnswerDay}; due {need.RelocationDueOn}; registered by last round {row.Day <= r.Day + (3 * Scenario.Clock(r.Priority).Window)}; withdrawing {row.StateCode == scenario.Withdrawing}"));
            }
        }

        Console.WriteLine($"{policy}: lost vs hindsight {classes.Values.Sum(v => v.W)} weighted; gained (placed, hindsight did not) {gained.Sum(c => Scenario.Weight(c.Request.Priority))} weighted ({string.Join(", ", gained.GroupBy(c => c.Request.Priority).Select(g => $"{g.Count()} {g.Key}"))})");
        foreach (var (key, (n, w)) in classes.OrderByDescending(k => k.Value.W))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {w,5}  {n,3} x {key}"));
        }
    }
}
