using System.Diagnostics;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Matching;

/// <summary>
/// A planning input in canonical order (requests by priority, then arrival, then id; capacity rows by id) with what the
/// model and the explanations need precomputed: which rows pass each request's hard filters, fit, cost, free places.
/// </summary>
[DebuggerDisplay("{Requests.Length} requests x {Capacities.Length} rows")]
internal sealed class Problem
{
    private readonly PlanningInput _input;
    private readonly int[][] _fit;

    private Problem(PlanningInput input)
    {
        _input = input;
        // Real requests first within their priority, then the forecast of that priority; the forecast is never placed.
        var forecast = input.Forecast ?? [];
        var merged = input.Requests.Select(r => (Request: r, Forecast: false)).Concat(forecast.Select(r => (Request: r, Forecast: true)))
            .OrderBy(x => x.Request.Priority).ThenBy(x => x.Forecast).ThenBy(x => x.Request.SubmittedAt).ThenBy(x => x.Request.Id, StringComparer.Ordinal)
            .ToArray();
        Requests = merged.Select(x => x.Request).ToArray();
        IsForecast = merged.Select(x => x.Forecast).ToArray();
        Capacities = input.Capacities.OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
        Free = Capacities.Select(c => Math.Max(0, c.Free)).ToArray();
        Fund = input.FundAvailableEurMinor is { } f ? Math.Max(0, f) : null;
        Cost = Capacities.Select(c => c.Terms.NeedsFundSupport ? input.EstimatedCostEurMinor?.GetValueOrDefault(c.Id, input.DefaultCostEurMinor) ?? input.DefaultCostEurMinor : 0L).ToArray();
        var maxCost = Math.Max(1, Cost.DefaultIfEmpty(0).Max());
        _costBucket = Cost.Select(c => c <= 0 ? 0 : 1 + (int)Math.Min(9, c * 9 / maxCost)).ToArray();
        Offered = Capacities.GroupBy(c => c.StateCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Sum(c => c.Places), StringComparer.Ordinal);
        AlreadyTaken = Capacities.GroupBy(c => c.StateCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Sum(c => c.Held + c.Used), StringComparer.Ordinal);
        Feasible = new List<int>[Requests.Length];
        _fit = new int[Requests.Length][];
        var rows = RowFacts.From(Capacities, input);
        Reserves = (input.Reserves ?? []).Where(s => s.Places > 0).ToArray();
        Protected = Enumerable.Range(0, Requests.Length)
            .Select(r => Reserves.Length > 0 && !IsForecast[r] && Requests[r].MayWait && Requests[r].Priority != RelocationPriority.Emergency).ToArray();
        ReserveRows = Reserves.Select(s => Enumerable.Range(0, Capacities.Length).Select(c => (!s.MedicalCare || rows.Medical[c]) && rows.MaxHousehold[c] >= s.MinHousehold).ToArray()).ToArray();
        ReserveSlack = Reserves.Select((s, i) => Math.Max(0, Enumerable.Range(0, Capacities.Length).Where(c => ReserveRows[i][c]).Sum(c => Free[c]) - s.Places)).ToArray();
        for (var r = 0; r < Requests.Length; r++)
        {
            Feasible[r] = [];
            _fit[r] = new int[Capacities.Length];
            var need = Requests[r].Need;
            var kind = 1L << (int)need.Kind;
            var agreed = input.StatesWithAgreementInForce.GetValueOrDefault(need.Kind);
            var languages = rows.LanguageMask(need.Languages);
            var excluded = Requests[r].ExcludedStates;
            for (var c = 0; c < Capacities.Length; c++)
            {
                // The hard filters (Passes) and the fit (Fit) on precomputed row facts: this loop runs for every request and
                // row (a million pairs in the solve benchmark), so it allocates nothing and looks nothing up by name.
                if ((rows.Kinds[c] & kind) == 0 || rows.MaxHousehold[c] < need.HouseholdSize || Free[c] < need.HouseholdSize
                    || (need.NeedsMedicalCare && !rows.Medical[c]) || rows.AvailableFrom[c] > need.RelocationDueOn || rows.AvailableUntil[c] < need.RelocationDueOn
                    || (excluded is not null && excluded.ContainsKey(Capacities[c].StateCode)))
                {
                    continue;
                }

                Feasible[r].Add(c);
                var fit = agreed?.Contains(Capacities[c].StateCode) == true ? Planner.AgreementFit : 0;
                fit += need.NeedsMedicalCare || !rows.Medical[c] ? Planner.SpareMedicalFit : 0;
                fit += rows.MaxHousehold[c] < Planner.LargeHousehold || need.HouseholdSize >= Planner.LargeHousehold - 1 ? Planner.SpareLargeFit : 0;
                fit += need.Languages.Count == 0 || (languages is { } mask ? (rows.Languages[c] & mask) != 0 : rows.Speaks(c, need.Languages)) ? Planner.LanguageFit : 0;
                fit += need.PreferredRegion is { } region && rows.Region[c] == region ? Planner.RegionFit : 0;
                fit += rows.Fresh[c] ? Planner.FreshFit : 0;
                _fit[r][c] = fit;
            }
        }
    }

    private readonly int[] _costBucket;

    /// <summary>Per request: a Normal or Urgent request that may wait, so is held back from reserved places.</summary>
    public bool[] Protected { get; }

    /// <summary>Per reserve: which rows it covers.</summary>
    public bool[][] ReserveRows { get; }

    /// <summary>Per reserve: the free places protected requests may take on its rows (free places minus those kept).</summary>
    public int[] ReserveSlack { get; }

    public ScarceReserve[] Reserves { get; }

    /// <summary>Whether protected requests may take <paramref name="size"/> more places on row <paramref name="c"/> given the slack left.</summary>
    public bool ReserveAllows(int c, int size, int[] slack)
    {
        for (var s = 0; s < Reserves.Length; s++)
        {
            if (ReserveRows[s][c] && slack[s] < size)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes <paramref name="size"/> places of the reserves' slack on row <paramref name="c"/>.</summary>
    public void TakeSlack(int c, int size, int[] slack)
    {
        for (var s = 0; s < Reserves.Length; s++)
        {
            if (ReserveRows[s][c])
            {
                slack[s] -= size;
            }
        }
    }

    public PlanRequest[] Requests { get; }

    /// <summary>Per request: part of the forecast (expected demand), planned but never a placement.</summary>
    public bool[] IsForecast { get; }

    public Capacity[] Capacities { get; }

    public int[] Free { get; }

    public long? Fund { get; }

    public long[] Cost { get; }

    public Dictionary<string, long> Offered { get; }

    public Dictionary<string, long> AlreadyTaken { get; }

    public List<int>[] Feasible { get; }

    public static Problem From(PlanningInput input) => new(input);

    public int FitOf(int r, int c) => _fit[r][c];

    public int CostBucket(int c) => _costBucket[c];

    /// <summary>The hard filters, without building a reason: run for every request and row.</summary>
    public bool Passes(int r, int c)
    {
        var request = Requests[r];
        var need = request.Need;
        var capacity = Capacities[c];
        var terms = capacity.Terms;
        return terms.MaxHouseholdSize >= need.HouseholdSize
            && Free[c] >= need.HouseholdSize
            && (!need.NeedsMedicalCare || terms.MedicalCare)
            && terms.AvailableFrom <= need.RelocationDueOn && terms.AvailableUntil >= need.RelocationDueOn
            && terms.Kinds.Contains(need.Kind)
            && (request.ExcludedStates is null || !request.ExcludedStates.ContainsKey(capacity.StateCode));
    }

    /// <summary>The first hard filter a row fails for a request, in the order a reader checks them; null when it passes all.</summary>
    public string? HardFilter(int r, int c)
    {
        var need = Requests[r].Need;
        var capacity = Capacities[c];
        var terms = capacity.Terms;
        if (Requests[r].ExcludedStates?.GetValueOrDefault(capacity.StateCode) is { } excluded)
        {
            return excluded;
        }

        if (!terms.Kinds.Contains(need.Kind))
        {
            return $"offers no place for {need.Kind}";
        }

        if (terms.MaxHouseholdSize < need.HouseholdSize)
        {
            return $"takes households of at most {terms.MaxHouseholdSize}; this one is {need.HouseholdSize}";
        }

        if (need.NeedsMedicalCare && !terms.MedicalCare)
        {
            return "no medical care available";
        }

        if (terms.AvailableFrom > need.RelocationDueOn || terms.AvailableUntil < need.RelocationDueOn)
        {
            return $"places available {terms.AvailableFrom:yyyy-MM-dd} to {terms.AvailableUntil:yyyy-MM-dd}, not on the due date {need.RelocationDueOn:yyyy-MM-dd}";
        }

        return capacity.Free < need.HouseholdSize
            ? $"{Math.Max(0, capacity.Free)} place(s) free of {capacity.Places} registered (the rest held or used)"
            : null;
    }

    public int Fit(int r, int c, List<string>? reasons)
    {
        var need = Requests[r].Need;
        var capacity = Capacities[c];
        var state = _input.States.GetValueOrDefault(capacity.StateCode);
        var fit = 0;
        if (_input.StatesWithAgreementInForce.GetValueOrDefault(need.Kind)?.Contains(capacity.StateCode) == true)
        {
            fit += Planner.AgreementFit;
            reasons?.Add("agreement of the right type in force");
        }
        else
        {
            reasons?.Add("no agreement in force: ad hoc request");
        }

        // Foresight, in the fit: a place with medical care, or for a large household, is scarce; a request that needs
        // neither leaves it to one that may come (the hindsight optimum does this; greedy v1 cannot).
        if (need.NeedsMedicalCare || !capacity.Terms.MedicalCare)
        {
            fit += Planner.SpareMedicalFit;
            reasons?.Add(need.NeedsMedicalCare ? "has the medical care needed" : "leaves medical-care places to those who need them");
        }

        if (capacity.Terms.MaxHouseholdSize < Planner.LargeHousehold || need.HouseholdSize >= Planner.LargeHousehold - 1)
        {
            fit += Planner.SpareLargeFit;
            reasons?.Add(need.HouseholdSize >= Planner.LargeHousehold - 1 ? "takes a household this large" : "leaves large-household places to large households");
        }

        var shared = need.Languages.Where(l => capacity.Terms.Languages.Contains(l) || (state?.Languages.Contains(l) ?? false)).ToArray();
        if (need.Languages.Count == 0 || shared.Length > 0)
        {
            fit += Planner.LanguageFit;
            reasons?.Add(shared.Length > 0 ? $"speaks {string.Join(", ", shared)}" : "no language needed");
        }

        if (need.PreferredRegion is { } region && state?.Region == region)
        {
            fit += Planner.RegionFit;
            reasons?.Add($"same regional group ({region})");
        }

        if (!capacity.IsStale(_input.Now))
        {
            fit += Planner.FreshFit;
            reasons?.Add("capacity reconfirmed within 90 days");
        }

        return fit;
    }

    public Plan ToPlan(int[] assignment, PlanOutcome outcome, TimeSpan elapsed, PlannerOptions options, bool? explain = null)
    {
        var explaining = explain ?? options.Explain;
        var weights = Planner.PriorityWeights(this);
        var free = Free.ToArray();
        var slack = ReserveSlack.ToArray();
        var fund = Fund;
        var takers = new List<int>[Capacities.Length];
        for (var r = 0; r < Requests.Length; r++)
        {
            if (assignment[r] is var c and >= 0)
            {
                free[c] -= Requests[r].Need.HouseholdSize;
                if (Protected[r])
                {
                    TakeSlack(c, Requests[r].Need.HouseholdSize, slack);
                }

                fund -= fund is null ? null : Cost[c];
                (takers[c] ??= []).Add(r);
            }
        }

        var placements = new List<Placement>(Requests.Length);
        long priority = 0, fitTotal = 0;
        for (var r = 0; r < Requests.Length; r++)
        {
            var request = Requests[r];
            var c = assignment[r];
            if (IsForecast[r])
            {
                priority += c >= 0 ? weights[r] : 0;
                continue;
            }

            var why = new List<string>();
            var fit = 0;
            if (c >= 0)
            {
                priority += weights[r];
                fit = FitOf(r, c);
                fitTotal += fit;
                if (explaining)
                {
                    why.Add($"planned: {Capacities[c].StateCode}, {request.Need.HouseholdSize} of its {Free[c]} free place(s) on capacity {Capacities[c].Id}");
                    Fit(r, c, why);
                    why.Add(Capacities[c].Terms.NeedsFundSupport ? "needs Special Fund support" : "no Special Fund support needed");
                }
            }
            else if (explaining)
            {
                why.Add(Feasible[r].Count == 0 ? "no registered capacity passes this request's hard filters"
                    : "every capacity that fits it is planned for requests of equal or higher priority, or kept for expected higher-priority demand");
            }

            var excluded = explaining ? Exclusions(r, c, free, slack, fund, takers) : [];
            placements.Add(new Placement(request.Id, request.Pseudonym, request.Priority, c >= 0 ? Capacities[c].StateCode : null, c >= 0 ? Capacities[c].Id : null, fit, why, excluded));
        }

        return new Plan(placements, outcome, priority, fitTotal, elapsed);
    }

    private List<Exclusion> Exclusions(int r, int chosen, int[] free, int[] slack, long? fund, List<int>[] takers)
    {
        var request = Requests[r];
        var size = request.Need.HouseholdSize;
        var chosenState = chosen >= 0 ? Capacities[chosen].StateCode : null;
        var result = new List<Exclusion>();
        foreach (var rows in Enumerable.Range(0, Capacities.Length).GroupBy(c => Capacities[c].StateCode, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (rows.Key == chosenState)
            {
                continue;
            }

            var feasible = rows.Where(c => Feasible[r].Contains(c)).ToArray();
            if (feasible.Length == 0)
            {
                // The binding filter of the row that comes closest: the one failing the fewest filters, the first of them.
                var reason = rows.Select(c => HardFilter(r, c)!).OrderBy(f => f.Length).First();
                result.Add(new Exclusion(rows.Key, ExclusionKind.HardFilter, reason));
                continue;
            }

            // Places planned for expected requests that do not outrank this one are free for it: a forecast keeps places
            // only from lower priorities, so an Emergency is never kept from asking a State for a copy of an Emergency
            // (of its own, even: an open Emergency is history, and its copy must not shrink its next rounds).
            int FreeFor(int c) => free[c] + (takers[c] ?? []).Where(o => IsForecast[o] && Requests[o].Priority >= request.Priority).Sum(o => Requests[o].Need.HouseholdSize);
            var roomy = feasible.Where(c => FreeFor(c) >= size && (!Protected[r] || ReserveAllows(c, size, slack))).ToArray();
            if (roomy.Length == 0 && Protected[r] && feasible.Any(c => free[c] >= size))
            {
                var kinds = Reserves.Where((s, i) => feasible.Any(c => ReserveRows[i][c])).Select(s => s.Name).ToArray();
                result.Add(new Exclusion(rows.Key, ExclusionKind.Reserved, $"its free places are kept for expected Emergency requests ({string.Join(", ", kinds)}); this request can wait for a later round"));
                continue;
            }

            if (roomy.Length == 0)
            {
                var takenBy = feasible.SelectMany(c => takers[c] ?? []).Where(o => o != r).Distinct().ToArray();
                var others = takenBy.Where(o => !IsForecast[o]).Select(o => $"{Requests[o].Pseudonym}, {Requests[o].Priority}").ToArray();
                var kept = takenBy.Where(o => IsForecast[o] && Requests[o].Priority < request.Priority).Select(o => Requests[o].Priority).Distinct().Order().Select(p => p.ToString()).ToArray();
                var places = feasible.Sum(c => Free[c]);
                var placesText = places == 1 ? "one place" : $"{places} free places";
                if (others.Length == 0 && kept.Length > 0)
                {
                    result.Add(new Exclusion(rows.Key, ExclusionKind.Reserved, $"its {placesText} kept for expected {string.Join(" and ", kept)} requests (forecast)"));
                    continue;
                }

                result.Add(new Exclusion(rows.Key, ExclusionKind.TakenByOthers, others.Length == 0
                    ? "no free place left for this household"
                    : $"its {placesText} went to {string.Join("; ", others)}{(kept.Length > 0 ? $" (the rest kept for expected {string.Join(" and ", kept)} requests)" : "")}"));
                continue;
            }

            var best = roomy.OrderByDescending(c => FitOf(r, c)).First();
            if (Cost[best] > 0 && fund is { } f && f < Cost[best] && (chosen < 0 || Cost[chosen] == 0 || FitOf(r, best) > FitOf(r, chosen)))
            {
                result.Add(new Exclusion(rows.Key, ExclusionKind.FundExhausted, "needs Special Fund support and the Fund's available money is planned for other placements"));
            }
            else if (chosen >= 0 && FitOf(r, best) < FitOf(r, chosen))
            {
                result.Add(new Exclusion(rows.Key, ExclusionKind.Outranked, $"fits less well than {chosenState} (fit {FitOf(r, best)} against {FitOf(r, chosen)})"));
            }
            else if (chosen >= 0)
            {
                result.Add(new Exclusion(rows.Key, ExclusionKind.Outranked, $"fits as well as {chosenState}; {chosenState} chosen for a fairer spread across States, lower cost or, last, by code"));
            }
            else
            {
                result.Add(new Exclusion(rows.Key, ExclusionKind.Outranked, "not planned within the solver's time limit"));
            }
        }

        return result;
    }
}

/// <summary>
/// Per capacity row, what the hard filters and the fit read, as plain arrays: kinds and languages as bit masks (languages
/// of the row and of its State; more than 64 distinct languages fall back to comparing names), the State's region.
/// </summary>
internal sealed class RowFacts
{
    private readonly Dictionary<string, int> _languageBits = new(StringComparer.Ordinal);
    private readonly HashSet<string>[] _spoken;

    private RowFacts(int rows)
    {
        Kinds = new long[rows];
        MaxHousehold = new int[rows];
        Medical = new bool[rows];
        AvailableFrom = new DateOnly[rows];
        AvailableUntil = new DateOnly[rows];
        Languages = new ulong[rows];
        Region = new RegionalGroup?[rows];
        Fresh = new bool[rows];
        _spoken = new HashSet<string>[rows];
    }

    public long[] Kinds { get; }

    public int[] MaxHousehold { get; }

    public bool[] Medical { get; }

    public DateOnly[] AvailableFrom { get; }

    public DateOnly[] AvailableUntil { get; }

    public ulong[] Languages { get; }

    public RegionalGroup?[] Region { get; }

    public bool[] Fresh { get; }

    private bool Overflow => _languageBits.Count > 64;

    public static RowFacts From(Capacity[] capacities, PlanningInput input)
    {
        var facts = new RowFacts(capacities.Length);
        for (var c = 0; c < capacities.Length; c++)
        {
            var capacity = capacities[c];
            var terms = capacity.Terms;
            var state = input.States.GetValueOrDefault(capacity.StateCode);
            foreach (var kind in terms.Kinds)
            {
                facts.Kinds[c] |= 1L << (int)kind;
            }

            facts.MaxHousehold[c] = terms.MaxHouseholdSize;
            facts.Medical[c] = terms.MedicalCare;
            facts.AvailableFrom[c] = terms.AvailableFrom;
            facts.AvailableUntil[c] = terms.AvailableUntil;
            facts.Region[c] = state?.Region;
            facts.Fresh[c] = !capacity.IsStale(input.Now);
            facts._spoken[c] = new HashSet<string>(terms.Languages.Concat(state?.Languages ?? []), StringComparer.Ordinal);
            foreach (var language in facts._spoken[c])
            {
                facts._languageBits.TryAdd(language, facts._languageBits.Count);
            }
        }

        if (!facts.Overflow)
        {
            for (var c = 0; c < capacities.Length; c++)
            {
                foreach (var language in facts._spoken[c])
                {
                    facts.Languages[c] |= 1UL << facts._languageBits[language];
                }
            }
        }

        return facts;
    }

    /// <summary>The request's languages as a mask over the rows' languages; null when the masks cannot be used.</summary>
    public ulong? LanguageMask(IReadOnlyList<string> languages)
    {
        if (Overflow)
        {
            return null;
        }

        var mask = 0UL;
        foreach (var language in languages)
        {
            mask |= _languageBits.TryGetValue(language, out var bit) ? 1UL << bit : 0;
        }

        return mask;
    }

    public bool Speaks(int c, IReadOnlyList<string> languages) => languages.Any(_spoken[c].Contains);
}

