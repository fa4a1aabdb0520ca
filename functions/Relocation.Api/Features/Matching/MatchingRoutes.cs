using Relocation.Api.Routing;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Matching;

internal sealed class MatchingRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<CapacityGapHandlers>("CapacityGapReport", HttpMethods.Get, "reports/capacity-gaps", [Roles.RegistryAdmin],
            (h, r) => h.CapacityGapsAsync(r), "Open demand against free places by kind, household size, language, medical care and region, with what the plan cannot place.")
            .Produces<CapacityGapReportDto>(),
    ];
}
