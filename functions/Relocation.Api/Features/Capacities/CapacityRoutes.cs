using Relocation.Api.Routing;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Capacities;

internal sealed class CapacityRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<CapacityHandlers>("RegisterCapacity", HttpMethods.Post, "states/{code}/capacity", [Roles.StateFocalPoint, Roles.RegistryAdmin],
            (h, r) => h.RegisterAsync(r), "Registers places a State makes available (its own focal point or Registry.Admin).") with { Creates = true },
        ApiRoute.For<CapacityHandlers>("ListCapacity", HttpMethods.Get, "states/{code}/capacity", [Roles.StateFocalPoint, Roles.RegistryAdmin, Roles.VwuOfficer],
            (h, r) => h.ListAsync(r), "A State's capacity with places, held, used, free and stale."),
        ApiRoute.For<CapacityHandlers>("GetCapacity", HttpMethods.Get, "states/{code}/capacity/{id}", [Roles.StateFocalPoint, Roles.RegistryAdmin, Roles.VwuOfficer],
            (h, r) => h.GetAsync(r), "One capacity; its ETag is the version to send as If-Match when revising it."),
        ApiRoute.For<CapacityHandlers>("ReviseCapacity", HttpMethods.Put, "states/{code}/capacity/{id}", [Roles.StateFocalPoint, Roles.RegistryAdmin],
            (h, r) => h.ReviseAsync(r), "Revises and reconfirms a capacity; If-Match is required."),
    ];
}
