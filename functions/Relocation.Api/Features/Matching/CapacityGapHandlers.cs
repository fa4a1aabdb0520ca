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
        return ApiResult.Ok(new
        {
            generatedAt = now,
            openRequests = input.Requests.Count,
            placedByPlan = plan.Placements.Count(p => p.IsPlaced),
            rows = gaps.Select(g => new { g.Dimension, g.Value, g.Requests, g.Persons, g.FreePlaces, g.Unplaced, g.Gap }).ToArray(),
        });
    }
}
