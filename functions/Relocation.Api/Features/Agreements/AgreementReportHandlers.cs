using Relocation.Api.Routing;
using Relocation.Domain.Agreements;
using Relocation.Domain.States;

namespace Relocation.Api.Features.Agreements;

/// <summary>The Assembly's questions: what happened to agreements in a year, and what is in force at its end.</summary>
internal sealed class AgreementReportHandlers(IAgreementRepository agreements, IStateRepository states, TimeProvider time)
{
    public async Task<ApiResult> StatisticsAsync(ApiRequest request)
    {
        var year = request.QueryInt("year", 1998, 2200) ?? time.GetUtcNow().Year;
        var all = (await agreements.ListAsync(request.Aborted)).Where(a => AgreementHandlers.CanSee(request.Caller, a)).ToArray();
        var regions = (await states.ListAsync(request.Aborted)).ToDictionary(s => s.Code, s => s.Region.ToString(), StringComparer.Ordinal);

        var byTypeAndArrangement = all
            .GroupBy(a => (a.Details.Type, a.Details.Arrangement))
            .OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Arrangement)
            .Select(g => Count(g, year) with { Type = g.Key.Type.ToString(), Arrangement = g.Key.Arrangement.ToString() })
            .ToArray();
        var byRegion = all
            .GroupBy(a => regions.GetValueOrDefault(a.Details.StateCode, "Unknown"))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Count(g, year) with { Region = g.Key })
            .ToArray();
        return ApiResult.Ok(new AgreementStatisticsDto(year, Count(all, year), byTypeAndArrangement, byRegion));
    }

    private static AgreementYearCounts Count(IEnumerable<Agreement> agreements, int year)
    {
        var list = agreements.ToArray();
        int Events(AgreementEvent e) => list.Sum(a => a.History.Count(h => !h.Rejected && h.Event == e && h.Date.Year == year));
        var endOfYear = new DateOnly(year, 12, 31);
        return new AgreementYearCounts(
            null, null, null,
            Events(AgreementEvent.Signed),
            Events(AgreementEvent.EnteredIntoForce),
            Events(AgreementEvent.Suspended),
            Events(AgreementEvent.Terminated),
            Events(AgreementEvent.Expired),
            list.Count(a => a.StatusOn(endOfYear) == AgreementStatus.InForce));
    }

}

/// <summary>The agreements report of one year.</summary>
internal sealed record AgreementStatisticsDto(int Year, AgreementYearCounts Total, IReadOnlyList<AgreementYearCounts> ByTypeAndArrangement, IReadOnlyList<AgreementYearCounts> ByRegion);

/// <summary>What happened in a year to a group of agreements (by type and arrangement, or by region), and how many were in force at its end.</summary>
internal sealed record AgreementYearCounts(string? Type, string? Arrangement, string? Region, int Signed, int EnteredIntoForce, int Suspended, int Terminated, int Expired, int InForceAtEnd);
