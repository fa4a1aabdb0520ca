using Relocation.Api.Routing;
using Relocation.Domain.Outbox;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Outbox;

internal sealed class OutboxRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<OutboxHandlers>("ListOutbox", HttpMethods.Get, "outbox", [Roles.RegistryAdmin],
            (h, r) => h.ListAsync(r), "Notifications and reminders waiting to be sent."),
    ];
}

internal sealed class OutboxHandlers(IOutbox outbox)
{
    public async Task<ApiResult> ListAsync(ApiRequest request) =>
        ApiResult.Ok(await outbox.ListPendingAsync(1000, request.Aborted));
}
