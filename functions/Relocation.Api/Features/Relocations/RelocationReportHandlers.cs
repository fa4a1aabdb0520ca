using Relocation.Api.Routing;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Api.Features.Relocations;

/// <summary>
/// The Assembly's relocation statistics: read from the statistics lines kept beside the cases (one partition per
/// year), never from the cases themselves; small cells suppressed by <see cref="RelocationStatistics"/>.
/// </summary>
internal sealed class RelocationReportHandlers(IRelocationStats stats, IStateRepository states, TimeProvider time)
{
    public async Task<ApiResult> StatisticsAsync(ApiRequest request)
    {
        var year = request.QueryInt("year", 1998, 2200) ?? time.GetUtcNow().Year;
        var lines = await stats.ListYearAsync(year, request.Aborted);
        var regions = (await states.ListAsync(request.Aborted)).ToDictionary(s => s.Code, s => s.Region, StringComparer.Ordinal);
        return ApiResult.Ok(RelocationStatistics.Compute(year, lines, regions));
    }
}
