using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.Api.Routing;
using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.Security;
using Relocation.Domain.States;
using Relocation.Workflows.Relocations;

namespace Relocation.Api.Features.Relocations;

internal sealed class RelocationHandlers(
    IRelocationRepository relocations,
    ICaseFileStore caseFiles,
    ICaseloadIndex caseload,
    RelocationCommands commands,
    RoundPlanning planning,
    TimeProvider time)
{
    public const string AccessReasonHeader = "X-Access-Reason";

    /// <summary>How long an acceptance waits for the orchestration to hold places and commit money before answering 202.</summary>
    private static readonly TimeSpan AcceptanceWait = TimeSpan.FromSeconds(20);

    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var (facts, person) = request.ReadJson<RelocationInput>().Validate(DateOnly.FromDateTime(now.UtcDateTime));
        var id = request.NewResourceId("relocation");

        // The case file first: a case row never exists without its protected details.
        await caseFiles.SaveAsync(id, person, request.Aborted);
        RelocationCase relocation;
        try
        {
            relocation = await relocations.AddAsync(RelocationCase.Submit(id, facts, now, request.Caller.PrimaryRole), request.Aborted);
        }
        catch (ConflictException) when (request.IdempotencyKey is not null)
        {
            relocation = await CaseUpdates.FindAsync(relocations, id);
        }

        await commands.StartAsync(request.Workflows, relocation, request.Aborted);
        return ApiResult.Accepted(new RelocationAcceptedDto(id, relocation.Status, $"/api/relocations/{id}"), $"/api/relocations/{id}");
    }

    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var overdue = request.Query("overdue") switch
        {
            null or "" => (bool?)null,
            "true" => true,
            "false" => false,
            _ => throw new DomainValidationException("overdue", "'overdue' must be true or false."),
        };
        var page = await caseload.ListAsync(
            new CaseloadQuery(EnumQuery<RelocationStatus>(request, "status"), EnumQuery<RelocationPriority>(request, "priority"), overdue, time.GetUtcNow(), request.Query("page")),
            request.Aborted);
        return ApiResult.Ok(new CaseloadPageDto(
            page.Items.Select(e => new CaseloadItemDto(e.Id, e.Pseudonym, e.Kind, e.Priority, e.Status, e.Round, e.Deadline, e.StateCode)).ToArray(),
            page.NextPage));
    }

    private static T? EnumQuery<T>(ApiRequest request, string name)
        where T : struct, Enum =>
        request.Query(name) switch
        {
            null or "" => null,
            var text when Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]) => value,
            _ => throw new DomainValidationException(name, $"'{name}' must be one of {string.Join(", ", Enum.GetNames<T>())}."),
        };

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var relocation = await FindAsync(request);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    public async Task<ApiResult> TimelineAsync(ApiRequest request)
    {
        const int pageSize = 50;
        var relocation = await FindAsync(request);
        var total = relocation.TimelineOffset + relocation.Timeline.Count;
        var before = request.Query("page") is { Length: > 0 } page
            ? long.TryParse(page, global::System.Globalization.NumberStyles.None, global::System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= total
                ? n
                : throw new DomainValidationException("page", "'page' must be a token from a previous page's 'nextPage'.")
            : total;
        var items = new List<NumberedTimelineEntry>(pageSize);
        for (var number = before - 1; number >= relocation.TimelineOffset && items.Count < pageSize; number--)
        {
            items.Add(new NumberedTimelineEntry(number, relocation.Timeline[(int)(number - relocation.TimelineOffset)]));
        }

        if (items.Count < pageSize && Math.Min(before, relocation.TimelineOffset) > 0)
        {
            items.AddRange(await relocations.HistoryAsync(relocation.Id, Math.Min(before, relocation.TimelineOffset), pageSize - items.Count, request.Aborted));
        }

        var next = items.Count > 0 && items[^1].Number > 0 ? items[^1].Number.ToString(global::System.Globalization.CultureInfo.InvariantCulture) : null;
        return ApiResult.Ok(new TimelinePageDto(items.Select(i => new TimelineItemDto(i.Number, i.Entry.At, i.Entry.What, i.Entry.Detail, i.Entry.By)).ToArray(), next));
    }

    /// <summary>
    /// The v1 ranking (order and scores unchanged) with matching v2's plan of the whole open set laid over it: the State
    /// planned for this case, and for every other ranked State the reason that binds (another case's plan, fit, fund). The
    /// plan's line comes first in each State's reasons, so every client shows it.
    /// </summary>
    public async Task<ApiResult> CandidatesAsync(ApiRequest request)
    {
        var relocation = await FindAsync(request);
        var asked = relocation.Rounds.SelectMany(r => r.Asked).Select(a => a.StateCode).ToHashSet(StringComparer.Ordinal);
        var planned = await planning.PlanAsync(relocation, time.GetUtcNow(), opening: false, request.Aborted);
        var placement = planned.Placement;
        var why = placement.Excluded.ToDictionary(e => e.StateCode, StringComparer.Ordinal);
        return ApiResult.Ok(planned.Ranked.Select((c, i) =>
        {
            var isPlanned = c.StateCode == placement.StateCode;
            var plan = isPlanned ? $"planned for this request ({placement.Priority})" : why.TryGetValue(c.StateCode, out var e) ? e.Reason : "not in the plan";
            return new CandidateDto(i + 1, c.StateCode, c.Score, c.HasAgreement, asked.Contains(c.StateCode), [$"plan: {plan}", .. c.Reasons], isPlanned, plan);
        }).ToArray());
    }

    public async Task<ApiResult> CaseFileAsync(ApiRequest request)
    {
        var reason = request.Http.Request.Headers[AccessReasonHeader].FirstOrDefault()?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500 || reason.Any(char.IsControl))
        {
            throw new DomainValidationException(AccessReasonHeader, $"State why you read this case file in the {AccessReasonHeader} header (at most 500 characters).");
        }

        // The pipeline audits this route's every read with its outcome once decryption succeeded or failed, and sends
        // nothing when that audit entry cannot be written.
        request.AuditReason = reason;
        var relocation = await FindAsync(request);
        var person = await caseFiles.ReadAsync(relocation.Id, request.Aborted) ?? throw new NotFoundException("This request has no case file.");
        return ApiResult.Ok(new CaseFileDto(relocation.Id, relocation.Facts.Pseudonym, person.FullName, person.DateOfBirth, person.CurrentLocation, person.Contact));
    }

    public async Task<ApiResult> OfferRequestsAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code);
        var open = new List<OfferRequestDto>();
        foreach (var id in await relocations.OfferRequestsForAsync(code, request.Aborted))
        {
            var c = await relocations.FindAsync(id, request.Aborted);
            if (c is { Status: RelocationStatus.AwaitingOffers, CurrentRound: { ClosedAt: null } round }
                && round.Asked.Any(a => a.StateCode == code)
                && !c.Offers.Any(o => o.StateCode == code && o.Round == round.Number))
            {
                open.Add(new OfferRequestDto(c.Id, c.Facts.Pseudonym, c.Facts.Kind, c.Facts.Priority, c.Facts.Household.Size, c.Facts.Needs.MedicalCare,
                    c.Facts.Needs.Languages, round.Number, round.Deadline));
            }
        }

        return ApiResult.Ok(open.OrderBy(o => o.ResponseDueAt).ToArray());
    }

    public async Task<ApiResult> RespondAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<ResponseInput>();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            throw new DomainValidationException("stateCode", "'stateCode' must be your State's ISO 3166-1 alpha-3 code.");
        }

        var code = input.StateCode!;
        request.Caller.EnsureActsFor(code);
        var relocation = await commands.RespondAsync(request.Workflows, id, code, input, request.Aborted);
        var offer = relocation.Offers.Last(o => o.StateCode == code);
        return ApiResult.Ok(new ResponseRecordedDto(id, offer.StateCode, offer.Decision, offer.Round, offer.At));
    }

    public async Task<ApiResult> AcceptAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<AcceptanceInput>();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            throw new DomainValidationException("stateCode", "'stateCode' must be the ISO 3166-1 alpha-3 code of a State that offered.");
        }

        // Answered synchronously: see RelocationCommands.AcceptAsync for why the orchestration does the work and this waits.
        var requestId = request.NewResourceId("acceptance");
        var (relocation, outcome) = await commands.AcceptAsync(request.Workflows, id, input.StateCode!, requestId, AcceptanceWait, request.Aborted);
        return outcome switch
        {
            null => ApiResult.Accepted(RelocationDto.From(relocation), $"/api/relocations/{id}"),
            { Accepted: true } => ApiResult.Ok(RelocationDto.From(relocation), relocation.Version),
            _ => throw new ConflictException(outcome.Reason ?? "The offer could not be accepted."),
        };
    }

    public async Task<ApiResult> ArriveAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<ArrivalInput>();
        if (input.ArrivedOn is not { } arrivedOn)
        {
            throw new DomainValidationException("arrivedOn", "'arrivedOn' is required, such as 2026-12-01.");
        }

        var relocation = await commands.ArriveAsync(request.Workflows, id, arrivedOn, request.Aborted);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    public async Task<ApiResult> CancelAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<CancellationInput>();
        var errors = new FieldErrors();
        var reason = errors.Text("reason", input.Reason, RelocationCase.MaxNoteLength);
        errors.ThrowIfAny();
        var relocation = await commands.CancelAsync(request.Workflows, id, reason, request.Aborted);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    private async Task<RelocationCase> FindAsync(ApiRequest request) =>
        await relocations.FindAsync(request.IdValue(), request.Aborted) ?? throw new NotFoundException("There is no such relocation request.");
}

/// <summary>VWU's acceptance.</summary>
public sealed record AcceptanceInput(string? StateCode);

/// <summary>VWU's record of arrival.</summary>
public sealed record ArrivalInput(DateOnly? ArrivedOn);

/// <summary>VWU's cancellation.</summary>
public sealed record CancellationInput(string? Reason);
