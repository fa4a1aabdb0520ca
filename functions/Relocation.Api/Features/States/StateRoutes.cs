using Relocation.Api.Routing;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.States;

internal sealed class StateRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<StateHandlers>("PutState", HttpMethods.Put, "states/{code}", [Roles.RegistryAdmin],
            (h, r) => h.PutAsync(r), "Registers a State or replaces its details (If-Match optional)."),
        ApiRoute.For<StateHandlers>("ListStates", HttpMethods.Get, "states", Roles.All,
            (h, r) => h.ListAsync(r), "Lists the register of States."),
        ApiRoute.For<StateHandlers>("GetState", HttpMethods.Get, "states/{code}", Roles.All,
            (h, r) => h.GetAsync(r), "One State with its focal points."),
    ];
}
