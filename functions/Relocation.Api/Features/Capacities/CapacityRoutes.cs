using Relocation.Api.Routing;
using Relocation.Api.OpenApi;
using Relocation.Domain.Capacities;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Capacities;

internal sealed class CapacityRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<CapacityHandlers>("RegisterCapacity", HttpMethods.Post, "states/{code}/capacity", [Roles.StateFocalPoint, Roles.RegistryAdmin],
            (h, r) => h.RegisterAsync(r), "Registers places a State makes available (its own focal point or Registry.Admin).")
            .Accepts<CapacityInput>("kinds", "places", "maxHouseholdSize", "languages", "medicalCare", "availableFrom", "availableUntil", "needsFundSupport").Produces<CapacityDto>(201) with { Creates = true },
        ApiRoute.For<CapacityHandlers>("ListCapacity", HttpMethods.Get, "states/{code}/capacity", [Roles.StateFocalPoint, Roles.RegistryAdmin, Roles.VwuOfficer],
            (h, r) => h.ListAsync(r), "A State's capacity with places, held, used, free and stale.")
            .Produces<IReadOnlyList<CapacityDto>>(),
        ApiRoute.For<CapacityHandlers>("GetCapacity", HttpMethods.Get, "states/{code}/capacity/{id}", [Roles.StateFocalPoint, Roles.RegistryAdmin, Roles.VwuOfficer],
            (h, r) => h.GetAsync(r), "One capacity; its ETag is the version to send as If-Match when revising it.")
            .Produces<CapacityDto>(),
        ApiRoute.For<CapacityHandlers>("ReviseCapacity", HttpMethods.Put, "states/{code}/capacity/{id}", [Roles.StateFocalPoint, Roles.RegistryAdmin],
            (h, r) => h.ReviseAsync(r), "Revises and reconfirms a capacity; If-Match is required.")
            .Accepts<CapacityInput>("kinds", "places", "maxHouseholdSize", "languages", "medicalCare", "availableFrom", "availableUntil", "needsFundSupport")
            .WithHeader(ApiHeaders.IfMatch, "The capacity's ETag, as GET answered it.", required: true)
            .Produces<CapacityDto>().ProducesProblem(412),
    ];
}
