using Relocation.Api.Routing;
using Relocation.Matching;
using Relocation.Workflows.Relocations;

namespace Relocation.Api.Features.Matching;

/// <summary>The capacity gap report: the open set planned on the live register, counted per kind, size, language, care and region.</summary>
internal sealed class CapacityGapHandlers(RoundPlanning planning, TimeProvider time)
{
    public async Task<ApiResult> CapacityGapsAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var (plan, input) = await planning.PlanOpenSetAsync(null, now, opening: false, request.Aborted);
        var gaps = CapacityGaps.Compute(input, plan);
        return ApiResult.Ok(new CapacityGapReportDto(now, input.Requests.Count, plan.Placements.Count(p => p.IsPlaced),
            gaps.Select(g => new CapacityGapDto(g.Dimension, g.Value, g.Requests, g.Persons, g.FreePlaces, g.Unplaced, g.Gap)).ToArray()));
    }
}

/// <summary>The capacity gap report: the open set planned on the live register, one row per dimension and value.</summary>
public sealed record CapacityGapReportDto(DateTimeOffset GeneratedAt, int OpenRequests, int PlacedByPlan, IReadOnlyList<CapacityGapDto> Rows);

/// <summary>
/// One cell: open requests and persons in it, free places that could serve them, requests the plan cannot place, and the
/// persons beyond the free places. Dimension: kind, householdSize, language, medicalCare or region.
/// </summary>
public sealed record CapacityGapDto(string Dimension, string Value, int Requests, int Persons, int FreePlaces, int Unplaced, int Gap);
