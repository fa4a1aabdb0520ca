using Relocation.Api.Routing;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;
using Relocation.Domain.States;
using Relocation.Workflows.Relocations;

namespace Relocation.Api.Features.Capacities;

internal sealed class CapacityHandlers(ICapacityRepository capacities, IStateRepository states, TimeProvider time, RelocationCommands? commands = null, ICaseloadIndex? caseload = null)
{
    public async Task<ApiResult> RegisterAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code, Roles.RegistryAdmin);
        var terms = request.ReadJson((CapacityInput input) => CapacityTerms.From(input.ToCommand()));
        _ = await states.FindAsync(code, request.Aborted) ?? throw new NotFoundException($"State {code} is not in the register.");

        var id = request.NewResourceId("capacity");
        Capacity saved;
        try
        {
            saved = await capacities.AddAsync(Capacity.Register(id, code, terms, time.GetUtcNow()), request.Aborted);
        }
        catch (ConflictException) when (request.IdempotencyKey is not null)
        {
            // A retry of a request that stored its row but died before answering: the row is the answer.
            saved = await capacities.FindAsync(code, id, request.Aborted) ?? throw new ConflictException("The capacity could not be stored; retry.");
        }

        await SignalPlanChangedAsync(request);
        return ApiResult.Created(CapacityDto.From(saved, time.GetUtcNow()), $"/api/states/{code}/capacity/{id}", saved.Version);
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code, Roles.RegistryAdmin, Roles.VwuOfficer);
        var now = time.GetUtcNow();
        var list = await capacities.ListByStateAsync(code, request.Aborted);
        return ApiResult.Ok(list.OrderBy(c => c.RegisteredAt).Select(c => CapacityDto.From(c, now)).ToArray());
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code, Roles.RegistryAdmin, Roles.VwuOfficer);
        var capacity = await FindAsync(request, code);
        return ApiResult.Ok(CapacityDto.From(capacity, time.GetUtcNow()), capacity.Version);
    }

    public async Task<ApiResult> ReviseAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code, Roles.RegistryAdmin);
        var ifMatch = request.IfMatch ?? throw new DomainValidationException("If-Match", "Send the capacity's ETag as If-Match, so a concurrent change is never overwritten.");
        var terms = request.ReadJson((CapacityInput input) => CapacityTerms.From(input.ToCommand()));
        var capacity = await FindAsync(request, code);
        if (!string.Equals(capacity.Version, ifMatch, StringComparison.Ordinal))
        {
            throw new PreconditionFailedException("The capacity was changed by someone else; read it again and retry.");
        }

        capacity.Revise(terms, time.GetUtcNow());
        var saved = await capacities.UpdateAsync(capacity, request.Aborted);
        await SignalPlanChangedAsync(request);
        return ApiResult.Ok(CapacityDto.From(saved, time.GetUtcNow()), saved.Version);
    }

    /// <summary>
    /// Rounds that could ask nobody re-plan now rather than at their next look (matching v2). After the write: a signal
    /// lost to a crash costs only that wait, never the capacity.
    /// </summary>
    private async Task SignalPlanChangedAsync(ApiRequest request)
    {
        if (commands is not null && caseload is not null)
        {
            await commands.SignalUnsentRoundsAsync(() => request.Workflows, caseload, time.GetUtcNow(), request.Aborted);
        }
    }

    private async Task<Capacity> FindAsync(ApiRequest request, string code)
    {
        var id = request.IdValue();
        return await capacities.FindAsync(code, id, request.Aborted) ?? throw new NotFoundException($"There is no capacity {id} for {code}.");
    }
}
