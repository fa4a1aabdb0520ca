using System.Globalization;
using Relocation.Domain.Capacities;

namespace Relocation.Matching;

/// <summary>One cell of the capacity gap report: open demand against free places, and what the plan cannot place.</summary>
public sealed record CapacityGap(string Dimension, string Value, int Requests, int Persons, int FreePlaces, int Unplaced)
{
    /// <summary>Persons in this cell beyond the free places that could take them (0 when there are enough).</summary>
    public int Gap => Math.Max(0, Persons - FreePlaces);
}

/// <summary>
/// Where places are lacking, from the same plan the workflow uses: per kind, household size, language, medical care and
/// region, the open demand (requests and persons), the free places that could serve it (on capacity still open), and how
/// many of those requests the plan leaves without a place. Counts only: no case, pseudonym or State is named.
/// </summary>
public static class CapacityGaps
{
    public static IReadOnlyList<CapacityGap> Compute(PlanningInput input, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(plan);
        var today = DateOnly.FromDateTime(input.Now.UtcDateTime);
        var open = input.Capacities.Where(c => c.Terms.AvailableUntil >= today && c.Free > 0).ToArray();
        var unplaced = plan.Placements.Where(p => !p.IsPlaced).Select(p => p.RequestId).ToHashSet(StringComparer.Ordinal);
        var gaps = new List<CapacityGap>();

        void Add(string dimension, string value, Func<PlanRequest, bool> inCell, Func<Capacity, int> places)
        {
            var cell = input.Requests.Where(inCell).ToArray();
            gaps.Add(new CapacityGap(dimension, value, cell.Length, cell.Sum(r => r.Need.HouseholdSize), open.Sum(places), cell.Count(r => unplaced.Contains(r.Id))));
        }

        foreach (var kind in Enum.GetValues<RelocationKind>())
        {
            Add("kind", kind.ToString(), r => r.Need.Kind == kind, c => c.Terms.Kinds.Contains(kind) ? c.Free : 0);
        }

        // A household needs a row that takes it whole: free places are counted in households of that size.
        foreach (var size in Enumerable.Range(1, 6))
        {
            var label = size == 6 ? "6+" : size.ToString(CultureInfo.InvariantCulture);
            Add("householdSize", label, r => size == 6 ? r.Need.HouseholdSize >= 6 : r.Need.HouseholdSize == size,
                c => c.Terms.MaxHouseholdSize >= size ? c.Free / size * size : 0);
        }

        foreach (var language in input.Requests.SelectMany(r => r.Need.Languages).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            Add("language", language, r => r.Need.Languages.Contains(language),
                c => c.Terms.Languages.Contains(language) || (input.States.GetValueOrDefault(c.StateCode)?.Languages.Contains(language) ?? false) ? c.Free : 0);
        }

        Add("medicalCare", "required", r => r.Need.NeedsMedicalCare, c => c.Terms.MedicalCare ? c.Free : 0);

        foreach (var region in Enum.GetValues<Relocation.Domain.States.RegionalGroup>())
        {
            Add("region", region.ToString(), r => r.Need.PreferredRegion == region,
                c => input.States.GetValueOrDefault(c.StateCode)?.Region == region ? c.Free : 0);
        }

        return gaps;
    }
}
