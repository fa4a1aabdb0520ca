using Relocation.Api.Routing;
using Relocation.Api.OpenApi;
using Relocation.Domain.Security;
using Relocation.Domain.States;

namespace Relocation.Api.Features.States;

internal sealed class StateRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<StateHandlers>("PutState", HttpMethods.Put, "states/{code}", [Roles.RegistryAdmin],
            (h, r) => h.PutAsync(r), "Registers a State or replaces its details (If-Match optional).")
            .Accepts<StateInput>("name", "region", "languages", "romeStatuteParty", "apicParty", "focalPoints", "focalPoints.name", "focalPoints.email", "focalPoints.phone")
            .WithHeader(ApiHeaders.IfMatch, "The State's ETag: refuses the write (412) when someone changed it since.")
            .Produces<StateDto>(200, "Replaced.").Produces<StateDto>(201, "Registered; Location names it.").ProducesProblem(412),
        ApiRoute.For<StateHandlers>("ListStates", HttpMethods.Get, "states", Roles.All,
            (h, r) => h.ListAsync(r), "Lists the register of States.")
            .Produces<IReadOnlyList<StateDto>>(),
        ApiRoute.For<StateHandlers>("GetState", HttpMethods.Get, "states/{code}", Roles.All,
            (h, r) => h.GetAsync(r), "One State with its focal points.")
            .Produces<StateDto>(),
    ];
}
