using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.States;

namespace Relocation.Api.Features.States;

internal sealed class StateHandlers(IStateRepository states)
{
    public async Task<ApiResult> PutAsync(ApiRequest request)
    {
        var code = request.RouteValue("code");
        var state = request.ReadJson((StateInput input) => State.Register(code, input.ToCommand()));
        var existed = await states.FindAsync(code, request.Aborted) is not null;
        var saved = await states.SaveAsync(state, request.IfMatch, request.Aborted);
        var dto = StateDto.From(saved);
        return existed
            ? ApiResult.Ok(dto, saved.Version)
            : ApiResult.Created(dto, $"/api/states/{code}", saved.Version);
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var all = await states.ListAsync(request.Aborted);
        return ApiResult.Ok(all.OrderBy(s => s.Code, StringComparer.Ordinal).Select(StateDto.From).ToArray());
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        var state = await states.FindAsync(code, request.Aborted) ?? throw new NotFoundException($"State {code} is not in the register.");
        return ApiResult.Ok(StateDto.From(state), state.Version);
    }
}
