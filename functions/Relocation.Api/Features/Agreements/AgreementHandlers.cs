using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Api.Routing;
using Relocation.Domain.Agreements;
using Relocation.Domain.Common;
using Relocation.Domain.Security;
using Relocation.Domain.States;
using Relocation.Domain.Steps;
using Relocation.Workflows.Agreements;

namespace Relocation.Api.Features.Agreements;

internal sealed class AgreementHandlers(IAgreementRepository agreements, IStateRepository states, IAgreementDocuments documents, IPendingSteps steps, TimeProvider time)
{
    /// <summary>How long an event's answer waits for the orchestration to apply it before answering 202 instead of 200.</summary>
    private static readonly TimeSpan ApplyWait = TimeSpan.FromSeconds(5);

    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var id = request.NewResourceId("agreement");
        var agreement = request.ReadJson((AgreementInput input) => Agreement.Create(id, input.ToCommand(), Today(now), now));
        if (await states.FindAsync(agreement.Details.StateCode, request.Aborted) is null)
        {
            throw new DomainValidationException("stateCode", $"State {agreement.Details.StateCode} is not in the register; register it first.");
        }

        try
        {
            agreement = await agreements.AddAsync(agreement, request.Aborted);
        }
        catch (ConflictException) when (request.IdempotencyKey is not null)
        {
            // A retry after a crash between storing and answering: the stored row is the answer.
            agreement = await agreements.FindAsync(id, request.Aborted) ?? throw new ConflictException("The agreement could not be stored; retry.");
        }

        await AgreementInstance.StartAsync(request.Workflows, id, request.Aborted);
        return ApiResult.Accepted(new AgreementAcceptedDto(id, agreement.Status, $"/api/agreements/{id}"), $"/api/agreements/{id}");
    }

    public async Task<ApiResult> PostEventAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<AgreementEventInput>().ToCommand();
        var agreement = await FindVisibleAsync(request, id);
        var now = time.GetUtcNow();
        // A retry of a request that died after recording its event (same Idempotency-Key) waits for that event.
        var requestId = request.IdempotencyKey is null ? null : request.NewResourceId("agreement-event");
        if (requestId is not null && agreement.SequenceOf(requestId) is { } recorded)
        {
            return await AnswerWhenAppliedAsync(request, id, recorded, agreement);
        }

        PendingAgreementEvent accepted;
        try
        {
            accepted = agreement.Accept(input, Today(now), request.Caller.Subject, request.Caller.PrimaryRole, now, requestId);
        }
        catch (ConflictException ex)
        {
            await RecordRefusalAsync(agreement, input, request, now, ex);
            if (agreement.Pending.Count > 0)
            {
                // An accepted event whose raise was lost (a crash between storing and raising) would wait for the next
                // accepted one; a refusal judged against it nudges the orchestration to apply it now.
                await request.Workflows.RaiseEventAsync(AgreementInstance.IdFor(id), AgreementInstance.EventName, new AgreementEventRaised(agreement.Pending[0].Sequence), request.Aborted);
            }

            throw;
        }

        // Indexed as pending before the row is written, so the reconciler re-raises it if the raise below is lost; an
        // entry whose step never reached the row (the write below failed) is dropped by the reconciler.
        await steps.AddAsync(new PendingStep(StepWorkflows.Agreement, id, accepted.Sequence, now), request.Aborted);
        try
        {
            await agreements.UpdateAsync(agreement, request.Aborted);
        }
        catch (PreconditionFailedException)
        {
            if (await AfterLostRaceAsync(agreements, steps, id, accepted.Sequence, requestId) is not { } landed)
            {
                throw new ConflictException("The agreement changed while your event was being recorded; send it again.");
            }

            accepted = accepted with { Sequence = landed };
        }

        await request.Workflows.RaiseEventAsync(AgreementInstance.IdFor(id), AgreementInstance.EventName, new AgreementEventRaised(accepted.Sequence), request.Aborted);
        return await AnswerWhenAppliedAsync(request, id, accepted.Sequence, agreement);
    }

    /// <summary>
    /// After a 412 on the event's write: the sequence this request's event holds on the row when the write landed after
    /// all (the storage client retries a write whose answer was lost, and the retry meets the ETag the first attempt
    /// set), or null when another writer won. The pending-step entry is removed only when no event holds its sequence:
    /// the winner indexed the same sequence under the same key, and removing it would strand the winner's event if its
    /// raise were lost.
    /// </summary>
    internal static async Task<int?> AfterLostRaceAsync(IAgreementRepository agreements, IPendingSteps steps, string id, int sequence, string? requestId)
    {
        var fresh = await agreements.FindAsync(id, CancellationToken.None);
        if (requestId is not null && fresh?.SequenceOf(requestId) is { } landed)
        {
            return landed;
        }

        if (fresh is null || fresh.Pending.All(p => p.Sequence != sequence))
        {
            await steps.RemoveAsync(StepWorkflows.Agreement, id, sequence, CancellationToken.None);
        }

        return null;
    }

    /// <summary>Answers with the applied result when the orchestration is quick (it usually is); otherwise 202 and the client reads it later.</summary>
    private async Task<ApiResult> AnswerWhenAppliedAsync(ApiRequest request, string id, int sequence, Agreement agreement)
    {
        var deadline = time.GetUtcNow() + ApplyWait;
        while (time.GetUtcNow() < deadline)
        {
            var current = await agreements.FindAsync(id, request.Aborted);
            if (current is not null && current.Pending.All(p => p.Sequence != sequence))
            {
                return ApiResult.Ok(AgreementDto.From(current), current.Version);
            }

            await Task.Delay(50, request.Aborted);
        }

        return ApiResult.Accepted(AgreementDto.From(agreement), $"/api/agreements/{id}");
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var stateCode = request.Query("stateCode");
        var type = ParseFilter<AgreementType>(request, "type");
        var status = ParseFilter<AgreementStatus>(request, "status");
        var all = await agreements.ListAsync(request.Aborted);
        var visible = all
            .Where(a => CanSee(request.Caller, a))
            .Where(a => stateCode is null || a.Details.StateCode == stateCode)
            .Where(a => type is null || a.Details.Type == type)
            .Where(a => status is null || a.Status == status)
            .OrderBy(a => a.Details.StateCode, StringComparer.Ordinal).ThenBy(a => a.CreatedAt)
            .Select(AgreementDto.From)
            .ToArray();
        return ApiResult.Ok(visible);
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var agreement = await FindVisibleAsync(request, request.IdValue());
        return ApiResult.Ok(AgreementDto.From(agreement), agreement.Version);
    }

    public async Task<ApiResult> PutDocumentAsync(ApiRequest request)
    {
        var agreement = await FindVisibleAsync(request, request.IdValue());
        var document = AgreementDocument.Create(request.RouteValue("name"), request.Http.Request.ContentType, request.Body);
        var etag = await documents.PutAsync(agreement.Id, document, request.Aborted);
        return ApiResult.Json(201, new DocumentStoredDto(agreement.Id, document.Name, document.ContentType, document.Content.Length),
            $"/api/agreements/{agreement.Id}/documents/{document.Name}", etag);
    }

    public async Task<ApiResult> GetDocumentAsync(ApiRequest request)
    {
        var agreement = await FindVisibleAsync(request, request.IdValue());
        var name = request.RouteValue("name");
        var document = await documents.GetAsync(agreement.Id, name, request.Aborted) ?? throw new NotFoundException($"No document '{name}' for this agreement.");
        return ApiResult.File(document.Content.ToArray(), document.ContentType, document.Version, document.Name);
    }

    /// <summary>
    /// The one rule for confidential agreements: only Registry.Admin and Vwu.Officer see them. Today those are the only
    /// roles that read agreements at all; the rule stands here so a future reader role cannot see them by accident.
    /// </summary>
    internal static bool CanSee(Caller caller, Agreement agreement) =>
        !agreement.Details.Confidential || caller.IsInAnyRole([Roles.RegistryAdmin, Roles.VwuOfficer]);

    private async Task<Agreement> FindVisibleAsync(ApiRequest request, string id)
    {
        var agreement = await agreements.FindAsync(id, request.Aborted);
        return agreement is not null && CanSee(request.Caller, agreement) ? agreement : throw new NotFoundException($"There is no agreement {id}.");
    }

    private async Task RecordRefusalAsync(Agreement agreement, AgreementEventCommand input, ApiRequest request, DateTimeOffset now, ConflictException reason)
    {
        // A refused event is part of the agreement's story: kept in its history, without changing its status.
        var fresh = await agreements.FindAsync(agreement.Id, request.Aborted);
        if (fresh is null || input.Event is not { } lifecycleEvent || input.Date is not { } date)
        {
            return;
        }

        if (!fresh.RecordRefusal(lifecycleEvent, date, request.Caller.Subject, request.Caller.PrimaryRole, now, reason))
        {
            return;
        }

        try
        {
            await agreements.UpdateAsync(fresh, request.Aborted);
        }
        catch (PreconditionFailedException)
        {
            // Lost a race with another change; the refusal is still in the audit log.
        }
    }

    private static T? ParseFilter<T>(ApiRequest request, string name)
        where T : struct, Enum
    {
        var text = request.Query(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : throw new DomainValidationException(name, $"'{name}' must be one of {string.Join(", ", Enum.GetNames<T>())}.");
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
