using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
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

internal sealed partial class RelocationHandlers(
    IRelocationRepository relocations,
    ICaseFileStore caseFiles,
    ICaseloadIndex caseload,
    RelocationCommands commands,
    RoundPlanning planning,
    RoundOpening opening,
    TimeProvider time,
    ILogger<RelocationHandlers> logger,
    Microsoft.Extensions.Options.IOptions<Pipeline.ApiDiagnosticsOptions>? diagnostics = null)
{
    public const string AccessReasonHeader = "X-Access-Reason";

    /// <summary>How long an acceptance not carried out by the request itself waits for the saga's decision before answering 202.</summary>
    private static readonly TimeSpan AcceptanceWait = TimeSpan.FromSeconds(20);

    /// <summary>How long after its schedule a first attempt may still write its row (docs/durability.md, "The first round").</summary>
    private static readonly TimeSpan RowAfterScheduleLimit = TimeSpan.FromSeconds(30);

    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var (facts, person) = request.ReadJson((RelocationInput input) => input.ToCommand().Validate(DateOnly.FromDateTime(now.UtcDateTime)));
        var id = request.NewResourceId("relocation");
        var submitted = RelocationCase.Submit(id, facts, now, request.Caller.PrimaryRole, person.Consent?.GivenOn);
        // Round 1's plan needs nothing this request writes: it is made while the writes below go on.
        var plan = opening.PlanFirstRound(submitted);
        request.Mark("read");

        // A first attempt with a round to open: the orchestration is scheduled side by side with the case file, and the row
        // follows both with round 1 in it (one write of the row, not two). A resumed attempt, a case awaiting consent and
        // the crash tests' fault point between row and schedule take the ordered path below.
        // The schedule starts before the Idempotency-Key's claim is known (the route claims beside its handler): scheduling
        // the case's instance is harmless whatever the claim says, as every status is a dedupe status and an instance whose
        // row never comes fails after its retries (docs/durability.md, "The claim beside the schedule"). Everything else waits for it.
        if (plan is not null && !request.Resumed && !Halts(diagnostics?.Value.HaltBeforeScheduleFor, submitted) && opening.BeginWithRow(submitted, plan) is { } first)
        {
            var scheduling = global::System.Diagnostics.Stopwatch.StartNew();
            var schedule = request.Timed("schedule", async () =>
            {
                await HoldingScheduleForCrashTestAsync(submitted);
                await RelocationCommands.ScheduleNeverReplacingAsync(request.Workflows, submitted, CancellationToken.None);
            });
            try
            {
                await request.ClaimedAsync();
            }
            catch (Exception ex)
            {
                first.Failed(ex);
                Observe(schedule);
                throw;
            }

            if (!request.Resumed)
            {
                return await CreateWithRoundAsync(request, submitted, person, first, schedule, scheduling);
            }

            // The key was taken over from an attempt that died: the ordered path, which looks for the instance before it
            // schedules one (this schedule found the dead attempt's, or made the one that path keeps).
            first.Failed(new InvalidOperationException("A resumed attempt takes the ordered path."));
            // Waited for, its failure left to that path's own schedule, so the two never race to create the same instance.
            await schedule.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            await request.ClaimedAsync();
        }

        RelocationCase relocation;
        try
        {
            // The case file before the row (a case row never exists without its protected details), side by side with
            // the caseload line; the orchestration right after the row, side by side with the statistics line. A resumed
            // attempt may have scheduled it before dying: it looks first.
            relocation = await relocations.AddAsync(submitted, () => request.Timed("caseFile", () => caseFiles.SaveAsync(id, person, request.Aborted)),
                added => request.Timed("schedule", async () =>
                {
                    await HaltForCrashTestAsync(added, request.Aborted);
                    await commands.StartAsync(request.Workflows, added, request.Aborted, retried: request.Resumed, rowIsNew: true);
                }), request.Aborted);
        }
        catch (ConflictException) when (request.IdempotencyKey is not null)
        {
            // A retry of a request that got this far (its case file was written again before the row's insert failed).
            return await AnswerExistingRowAsync(request, id);
        }

        request.Mark("case");
        var status = relocation.Status;
        if (opening.WithRequest)
        {
            status = await OpenFirstRoundAsync(relocation, plan);
            request.Mark("round");
        }

        return ApiResult.Accepted(new RelocationAcceptedDto(id, status, $"/api/relocations/{id}"), $"/api/relocations/{id}");
    }

    /// <summary>
    /// A create whose row already exists (a retry): its orchestration is started unless it was, and a round the first
    /// attempt wrote is on the row and stays; otherwise round 1 opens now.
    /// </summary>
    private async Task<ApiResult> AnswerExistingRowAsync(ApiRequest request, string id)
    {
        var relocation = await CaseUpdates.FindAsync(relocations, id);
        await commands.StartAsync(request.Workflows, relocation, request.Aborted, retried: true);
        request.Mark("case");
        var status = relocation.Status;
        if (opening.WithRequest)
        {
            status = await OpenFirstRoundAsync(relocation, null);
            request.Mark("round");
        }

        return ApiResult.Accepted(new RelocationAcceptedDto(id, status, $"/api/relocations/{id}"), $"/api/relocations/{id}");
    }

    /// <summary>
    /// The first attempt of a create whose round 1 opens with it. The order that matters is kept: the case file and the
    /// caseload line before the row, the round written by the row's insert. The orchestration's schedule, started before
    /// the claim, is waited for by neither the row nor the answer (issue 19: in a burst it waits seconds behind the
    /// emulator's one queue writer, and it was most of a create's answer); it finishes beside them or after the answer.
    /// So the orchestration may exist for a moment without its row (in this process its first activity joins this
    /// opening, registered before the schedule; elsewhere it retries until the row is there), and the row may exist for a
    /// moment without its orchestration: a step recorded meanwhile is raised again by the reconciler, which starts a
    /// missing orchestration first, and a schedule that never lands (failed twice, or the process died) is started by the
    /// unscheduled-case sweep from the caseload's open lines (docs/durability.md, "The first round"). If this attempt dies
    /// before its row, no row is ever written unless the client retries (the resumed attempt takes the ordered path, and
    /// schedules again if that orchestration gave up); a row is never written more than <see cref="RowAfterScheduleLimit"/>
    /// after its schedule began, well inside the activity's retries. Once begun, nothing here follows the caller's
    /// cancellation: an abandoned request finishes its writes.
    /// </summary>
    private async Task<ApiResult> CreateWithRoundAsync(ApiRequest request, RelocationCase submitted, ProtectedPerson person, RoundOpening.FirstRoundWithRow first,
        Task schedule, global::System.Diagnostics.Stopwatch scheduling)
    {
        var id = submitted.Id;
        RelocationCase relocation;
        try
        {
            // The statistics line follows the row beside the stored answer and the audit entry, not before them.
            (relocation, var statistics) = await relocations.AddLeavingFollowingAsync(first.Case, async () =>
            {
                await Task.WhenAll(
                    request.Timed("caseFile", () => caseFiles.SaveAsync(id, person, CancellationToken.None)),
                    HaltingBeforeRowAsync(),
                    request.Timed("plan", () => first.Case));
                if (scheduling.Elapsed > RowAfterScheduleLimit)
                {
                    throw new TimeoutException("The case row would follow its orchestration's schedule too late; retry with the same Idempotency-Key.");
                }
            }, CancellationToken.None);
            request.BesideCompletion(statistics);
        }
        catch (ConflictException) when (request.IdempotencyKey is not null)
        {
            // The row exists (a key used again after its record was gone): the instance there was left as it was. As any retry.
            first.Failed(new ConflictException("The row exists."));
            Observe(schedule);
            return await AnswerExistingRowAsync(request, id);
        }
        catch (Exception ex)
        {
            first.Failed(ex);
            Observe(schedule);
            throw;
        }

        first.Inserted(relocation);
        _ = FollowScheduleAsync(request.Workflows, schedule, relocation);
        request.Mark("case");
        return ApiResult.Accepted(new RelocationAcceptedDto(id, relocation.Status, $"/api/relocations/{id}"), $"/api/relocations/{id}");

        async Task HaltingBeforeRowAsync()
        {
            // The bench's before/after: the row (and so the answer) waits for the schedule, as before session 12.
            if (diagnostics?.Value.RowWaitsForSchedule == true)
            {
                await schedule;
            }

            if (Halts(diagnostics?.Value.HaltBeforeRowFor, submitted))
            {
                // The crash tests' fault point is after the schedule and before the row: the schedule is in first.
                await schedule;
                LogHaltedBeforeRow(logger, id);
                await Task.Delay(Timeout.Infinite, request.Aborted);
            }
        }
    }

    /// <summary>
    /// The schedule of an answered case, after its answer: a failed one is tried once more (<see cref="RelocationCommands.StartAsync"/>
    /// looks the instance up first: a schedule that failed after the engine took it, or one the reconciler made meanwhile,
    /// is kept). If that fails too, or the process dies first, the unscheduled-case sweep starts it within
    /// its grace period and period (2 min by default). Never throws: nobody waits for it.
    /// </summary>
    private async Task FollowScheduleAsync(DurableTaskClient client, Task schedule, RelocationCase relocation)
    {
        try
        {
            await schedule;
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogScheduleFailed(logger, relocation.Id, ex.GetType().Name);
        }

        try
        {
            await commands.StartAsync(client, relocation, CancellationToken.None, retried: true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogScheduleFailed(logger, relocation.Id, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Scheduling the orchestration of relocation {RelocationId} after its answer failed ({Error}); tried again, else the unscheduled-case sweep starts it")]
    private static partial void LogScheduleFailed(ILogger logger, string relocationId, string error);

    /// <summary>
    /// The crash tests' held schedule (<see cref="Pipeline.ApiDiagnosticsOptions.HoldScheduleFor"/>): off unless that setting
    /// names this case's pseudonym. The schedule then never goes out, while the row is written and answered as usual.
    /// </summary>
    private async Task HoldingScheduleForCrashTestAsync(RelocationCase submitted)
    {
        if (Halts(diagnostics?.Value.HoldScheduleFor, submitted))
        {
            LogHeldSchedule(logger, submitted.Id);
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Fault injection: relocation {RelocationId} answered with its schedule held back")]
    private static partial void LogHeldSchedule(ILogger logger, string relocationId);

    /// <summary>A schedule nobody waits for any more: its failure is left to the instance's own retries, never unobserved.</summary>
    private static void Observe(Task schedule) =>
        _ = schedule.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static bool Halts(string? pseudonym, RelocationCase relocation) =>
        pseudonym is { Length: > 0 } && string.Equals(pseudonym, relocation.Facts.Pseudonym, StringComparison.Ordinal);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Fault injection: relocation {RelocationId} halted after its schedule, before its case row")]
    private static partial void LogHaltedBeforeRow(ILogger logger, string relocationId);

    /// <summary>
    /// The crash tests' fault point between the case row and the schedule (<see cref="Pipeline.ApiDiagnosticsOptions.HaltBeforeScheduleFor"/>):
    /// off unless that setting names this case's pseudonym (such a request takes the ordered path, where that gap still
    /// exists for resumed attempts). There the request waits for its caller to give up, or for the test's kill -9; the row
    /// stays without an orchestration, which only the unscheduled-case sweep then repairs.
    /// </summary>
    private async Task HaltForCrashTestAsync(RelocationCase added, CancellationToken aborted)
    {
        if (Halts(diagnostics?.Value.HaltBeforeScheduleFor, added))
        {
            LogHalted(logger, added.Id);
            await Task.Delay(Timeout.Infinite, aborted);
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Fault injection: relocation {RelocationId} halted after its case row, before its orchestration is scheduled")]
    private static partial void LogHalted(ILogger logger, string relocationId);

    /// <summary>
    /// Opens round 1 here, right after the case and its orchestration are written, instead of waiting for the engine to
    /// dispatch the orchestration and its first activity: at 50 requests at once that wait was most of the 14 s between
    /// a request and its offers (bench/README.md, Load). The orchestration was scheduled first and its
    /// <see cref="StartRelocationRoundActivity"/> stays the guarantee: it finds this round on the row (or writes it, if it
    /// ran first: the row's ETag decides and the loser keeps the winner's round), then writes the index rows and notices
    /// again, keyed. So a failure or a crash here loses nothing and only delays the offers; the request was accepted.
    /// Skipped by the same rules as the activity: no round for a Normal or Urgent request awaiting consent. With the plan
    /// made during the writes (<paramref name="plan"/>), the round is written on the row just written, with no read first.
    /// </summary>
    private async Task<RelocationStatus> OpenFirstRoundAsync(RelocationCase relocation, Task<CasePlan>? plan)
    {
        // Taken before the opening: the copy in hand holds the round even when its write failed.
        var stored = relocation.Status;
        try
        {
            return (plan is null
                ? await opening.OpenUntilWrittenAsync(relocation.Id, 1, "request")
                : await opening.OpenUntilWrittenAsync(relocation, plan, "request")).Case.Status;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogOpeningFailed(logger, ex.GetType().Name);
            return stored;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Opening round 1 with the request failed ({Error}); the orchestration opens it")]
    private static partial void LogOpeningFailed(ILogger logger, string error);

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
        return ApiResult.Ok(new TimelinePageDto(items.Select(TimelineItemDto.From).ToArray(), next));
    }

    /// <summary>
    /// The v1 ranking's scores with matching v2's plan of the whole open set laid over it: the State planned for this case,
    /// and for every other ranked State the reason that binds (another case's plan, fit, fund). Listed in the order of what
    /// the workflow did (<see cref="CandidateOrder"/>: the receiving State, the latest round's States as asked, the State
    /// planned now, then the rest by score), so rank 1 is never a State whose own reason names another. The plan's line
    /// comes first in each State's reasons, then the line saying why it stands there (receiving, asked), so every client
    /// shows it.
    /// </summary>
    public async Task<ApiResult> CandidatesAsync(ApiRequest request)
    {
        var relocation = await FindAsync(request);
        var asked = relocation.Rounds.SelectMany(r => r.Asked).Select(a => a.StateCode).ToHashSet(StringComparer.Ordinal);
        var planned = await planning.PlanAsync(relocation, time.GetUtcNow(), opening: false, request.Aborted);
        var placement = planned.Placement;
        var why = placement.Excluded.ToDictionary(e => e.StateCode, StringComparer.Ordinal);
        return ApiResult.Ok(CandidateOrder.Arrange(planned.Ranked, relocation, placement.StateCode).Select((o, i) =>
        {
            var c = o.Candidate;
            var isPlanned = c.StateCode == placement.StateCode;
            var plan = isPlanned ? $"planned for this relocation ({placement.Priority})" : why.TryGetValue(c.StateCode, out var e) ? e.Reason : "not in the plan";
            var planLine = isPlanned ? CandidateReason.Planned(placement.Priority) : why.GetValueOrDefault(c.StateCode)?.AsCandidateReason() ?? CandidateReason.NotInPlan;
            CandidateReason[] standing = CandidateOrder.StandingReason(o, relocation) is { } line ? [line] : [];
            return new CandidateDto(i + 1, c.StateCode, c.Score, c.HasAgreement, asked.Contains(c.StateCode), [$"plan: {plan}", .. standing.Select(r => r.Text), .. c.Reasons], isPlanned, plan)
            {
                Explanations = [ExplanationDto.From(planLine), .. standing.Select(ExplanationDto.From), .. (c.Explanations ?? []).Select(ExplanationDto.From)],
                Standing = o.Standing,
                AskedInRound = o.AskedInRound,
            };
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
        var person = await caseFiles.ReadAsync(relocation.Id, request.Aborted) ?? throw new NotFoundException("This relocation has no case file.");
        return ApiResult.Ok(new CaseFileDto(relocation.Id, relocation.Facts.Pseudonym, person.FullName, person.DateOfBirth, person.CurrentLocation, person.Contact)
        {
            Consent = person.Consent is { } consent ? ConsentRecordDto.From(consent) : null,
            Travel = (person.Travel ?? []).Select(TravelRecordDto.From).ToArray(),
            Reviews = (person.Reviews ?? []).Select(ReviewRecordDto.From).ToArray(),
            ReboundFrom = person.ReboundFrom,
        });
    }

    public async Task<ApiResult> OfferRequestsAsync(ApiRequest request)
    {
        var code = request.StateCodeValue();
        request.Caller.EnsureActsFor(code);
        var now = time.GetUtcNow();
        // One partition read: each row carries what the focal point is shown. Only a row that cannot be trusted as stored
        // (written by older code, marked by a closing write, not yet confirmed since its round opening wrote it, or past its
        // deadline) is checked against its case, a point read each, in parallel; a new row is confirmed by its first check,
        // so it costs one case read in its life (docs/storage.md, "The offer-request index").
        var rows = await relocations.OfferRequestsForAsync(code, request.Aborted);
        var doubtful = rows.Where(r => !r.ListableAsStored(now)).ToArray();
        var cases = await Task.WhenAll(doubtful.Select(r => relocations.FindAsync(r.RelocationId, request.Aborted)));
        var open = rows.Where(r => r.ListableAsStored(now)).Select(r => r.Line!).ToList();
        var settling = new List<Task>();
        foreach (var (row, c) in doubtful.Zip(cases))
        {
            switch (OfferRequestCheck.Of(c, code))
            {
                case (OfferRequestVerdict.Open, { } line):
                    open.Add(line);
                    if (OfferRequestCheck.Confirms(row, line))
                    {
                        settling.Add(relocations.ConfirmOfferRequestAsync(code, row, request.Aborted));
                    }

                    break;
                case (OfferRequestVerdict.Closed, _):
                    settling.Add(relocations.ForgetOfferRequestAsync(code, row.RelocationId, request.Aborted));
                    break;
            }
        }

        await Task.WhenAll(settling);
        return ApiResult.Ok(open.Select(OfferRequestDto.From).OrderBy(o => o.ResponseDueAt).ToArray());
    }

    public async Task<ApiResult> RespondAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson((ResponseInput body) => CheckResponse(body.ToCommand()));

        var code = input.StateCode!;
        request.Caller.EnsureActsFor(code);
        var relocation = await commands.RespondAsync(request.Workflows, id, code, input, request.Aborted);
        var offer = relocation.Offers.Last(o => o.StateCode == code);
        return ApiResult.Ok(new ResponseRecordedDto(id, offer.StateCode, offer.Decision, offer.Round, offer.At));
    }

    /// <summary>The State code and the answer's own fields together, so a wrong State code does not hide the other mistakes.</summary>
    private static ResponseCommand CheckResponse(ResponseCommand input)
    {
        var errors = new FieldErrors();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            errors.Add("stateCode", "'stateCode' must be your State's ISO 3166-1 alpha-3 code.");
        }

        _ = input.Check(errors);
        errors.ThrowIfAny();
        return input;
    }

    public async Task<ApiResult> AcceptAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var input = request.ReadJson<AcceptanceInput>();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            throw new DomainValidationException("stateCode", "'stateCode' must be the ISO 3166-1 alpha-3 code of a State that offered.");
        }

        // Answered synchronously: the request carries the acceptance out itself (places held, money committed, decision
        // recorded) and the orchestration's saga joins it; see RelocationCommands.AcceptAsync and docs/durability.md.
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

    /// <summary>
    /// The person's consent: the record goes into the encrypted case file first, then the case row shows only that it
    /// exists and its date. A Normal or Urgent request waiting for it opens its first round.
    /// </summary>
    public async Task<ApiResult> ConsentAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var input = request.ReadJson<ConsentInput>().ToCommand();
        var errors = new FieldErrors();
        var consent = input.Validate(errors, string.Empty, DateOnly.FromDateTime(now.UtcDateTime));
        errors.ThrowIfAny();
        var relocation = await FindAsync(request);
        if (relocation.IsFinal)
        {
            throw new ConflictException($"The relocation is {relocation.Status}: consent can no longer be recorded.");
        }

        var person = await caseFiles.ReadAsync(relocation.Id, request.Aborted) ?? throw new NotFoundException("This relocation has no case file.");
        await caseFiles.SaveAsync(relocation.Id, person with { Consent = consent }, request.Aborted);
        relocation = await commands.RecordConsentAsync(request.Workflows, relocation.Id, consent!.GivenOn, request.Aborted);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    /// <summary>A travel step: planned date and escort into the case file, the step and documents status onto the row.</summary>
    public async Task<ApiResult> TravelAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var input = request.ReadJson<TravelInput>();
        var errors = new FieldErrors();
        if (input.Step is not { } step || !Enum.IsDefined(step))
        {
            errors.Add("step", "'step' must be Planned or Departed.");
        }

        if (input.Documents is { } documents && !Enum.IsDefined(documents))
        {
            errors.Add("documents", "'documents' must be NotNeeded, Requested or Issued.");
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (input.PlannedOn is { } planned && (planned < today.AddYears(-1) || planned > today.AddYears(2)))
        {
            errors.Add("plannedOn", "'plannedOn' must be within a year before and two years after today.");
        }

        errors.ThrowIfAny();
        var relocation = await FindAsync(request);
        if (relocation.Status is not (RelocationStatus.OfferAccepted or RelocationStatus.Overdue))
        {
            throw new ConflictException($"Travel is recorded between acceptance and arrival; the relocation is {relocation.Status}.");
        }

        var person = await caseFiles.ReadAsync(relocation.Id, request.Aborted) ?? throw new NotFoundException("This relocation has no case file.");
        var record = new TravelRecord(input.Step!.Value, input.PlannedOn, input.Escort, input.Documents, now);
        await caseFiles.SaveAsync(relocation.Id, person with { Travel = [.. person.Travel ?? [], record] }, request.Aborted);
        relocation = await CaseUpdates.UpdateAsync(relocations, relocation.Id, c => c.RecordTravel(record.Step, record.Documents, now), request.Aborted);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    /// <summary>
    /// The receiving State withdraws. In this order, each step idempotent under the request's key: the case file is
    /// re-encrypted under the re-relocation's id (bound to it, never written in clear); the linked Emergency request is
    /// added with the withdrawing State excluded; this case becomes Withdrawn with its numbered step; the new request's
    /// orchestration starts. The old case's orchestration then frees places, releases money and removes the old file.
    /// </summary>
    public async Task<ApiResult> WithdrawAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var input = request.ReadJson<WithdrawalInput>();
        var errors = new FieldErrors();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            errors.Add("stateCode", "'stateCode' must be your State's ISO 3166-1 alpha-3 code.");
        }

        var reason = errors.Text("reason", input.Reason, RelocationCase.MaxNoteLength);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (input.EffectiveOn is not { } effectiveOn || effectiveOn < today.AddYears(-1) || effectiveOn > today.AddYears(1))
        {
            errors.Invalid("effectiveOn", input.EffectiveOn is null, "a date within a year of today");
            effectiveOn = default;
        }

        errors.ThrowIfAny();
        var code = input.StateCode!;
        request.Caller.EnsureActsFor(code);
        var relocation = await FindAsync(request);
        var newId = request.NewResourceId("re-relocation");
        var repeat = relocation.Status == RelocationStatus.Withdrawn && relocation.State.ReRelocationId == newId;
        if (!repeat)
        {
            // Refused before anything is written.
            if (relocation.State.Accepted?.StateCode != code)
            {
                throw new ForbiddenException($"{code} is not the receiving State of this relocation.");
            }

            if (relocation.Status is not (RelocationStatus.OfferAccepted or RelocationStatus.Overdue or RelocationStatus.Relocated))
            {
                throw new ConflictException($"The relocation is {relocation.Status}: there is no placement to withdraw from.");
            }
        }

        var successor = await OpenLinkedAsync(relocation, newId, code, RelocationPriority.Emergency, null, now, request.Aborted);
        await commands.WithdrawAsync(request.Workflows, relocation.Id, code, reason, effectiveOn, newId, request.Aborted);
        await commands.StartAsync(request.Workflows, successor, request.Aborted);
        return ApiResult.Accepted(new LinkedRelocationDto(relocation.Id, newId, $"/api/relocations/{newId}"), $"/api/relocations/{newId}");
    }

    /// <summary>
    /// The case file re-encrypted under <paramref name="newId"/> (bound to it by the associated data, never written in
    /// clear), then the linked request with <paramref name="excluded"/> left out of its candidates. Both idempotent.
    /// </summary>
    private async Task<RelocationCase> OpenLinkedAsync(RelocationCase relocation, string newId, string excluded, RelocationPriority priority,
        Func<ProtectedPerson, ProtectedPerson>? change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await caseFiles.ReadAsync(newId, cancellationToken) is null)
        {
            var person = await caseFiles.ReadAsync(relocation.Id, cancellationToken) ?? throw new NotFoundException("This relocation has no case file.");
            await caseFiles.SaveAsync(newId, (change?.Invoke(person) ?? person) with { ReboundFrom = relocation.Id }, cancellationToken);
        }

        try
        {
            return await relocations.AddAsync(RelocationCase.ReRelocate(newId, relocation, excluded, priority, now), cancellationToken);
        }
        catch (ConflictException)
        {
            return await CaseUpdates.FindAsync(relocations, newId);
        }
    }

    /// <summary>
    /// VWU's protection review of a placed person. The note goes into the case file; Extend asks the receiving State;
    /// End releases places and money; ReRelocate also opens a linked Urgent request (202 with its id) that carries the
    /// case file on and leaves out the current State.
    /// </summary>
    public async Task<ApiResult> ReviewAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var input = request.ReadJson<ReviewInput>();
        var errors = new FieldErrors();
        if (input.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            errors.Add("outcome", "'outcome' must be Extend, End or ReRelocate.");
            outcome = default;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (input.ReviewedOn is not { } reviewedOn || reviewedOn > today || reviewedOn < today.AddYears(-1))
        {
            errors.Invalid("reviewedOn", input.ReviewedOn is null, "a date in the last year, not in the future");
            reviewedOn = default;
        }

        if (input.Outcome == ReviewOutcome.Extend && (input.NewEndDate is not { } end || end <= today || end > today.AddYears(5)))
        {
            errors.Add("newEndDate", input.NewEndDate is null
                ? "'newEndDate' is required for Extend: a date after today, within five years."
                : "'newEndDate' must be a date after today, within five years.");
        }

        var note = errors.Text("note", input.Note, RelocationCase.MaxNoteLength, required: false);
        errors.ThrowIfAny();
        var relocation = await FindAsync(request);
        var newId = outcome == ReviewOutcome.ReRelocate ? request.NewResourceId("review-re-relocation") : null;
        var repeat = newId is not null && relocation.State.ReRelocationId == newId;
        if (!repeat && relocation.Status != RelocationStatus.Relocated)
        {
            throw new ConflictException($"A protection review is recorded for a placed person; the relocation is {relocation.Status}.");
        }

        if (!repeat && relocation.State.PendingExtension is not null)
        {
            throw new ConflictException("An extension awaits the receiving State's answer.");
        }

        var record = new ReviewRecord(outcome, reviewedOn, input.NewEndDate, note.Length == 0 ? null : note, now);
        ProtectedPerson WithReview(ProtectedPerson p) => p with { Reviews = [.. p.Reviews ?? [], record] };
        if (newId is not null)
        {
            var successor = await OpenLinkedAsync(relocation, newId, relocation.State.Accepted!.StateCode, RelocationPriority.Urgent, WithReview, now, request.Aborted);
            relocation = await commands.RecordReviewAsync(request.Workflows, relocation.Id, outcome, reviewedOn, null, newId, request.Aborted);
            await commands.StartAsync(request.Workflows, successor, request.Aborted);
            return ApiResult.Accepted(new LinkedRelocationDto(relocation.Id, newId, $"/api/relocations/{newId}"), $"/api/relocations/{newId}");
        }

        var person = await caseFiles.ReadAsync(relocation.Id, request.Aborted) ?? throw new NotFoundException("This relocation has no case file.");
        await caseFiles.SaveAsync(relocation.Id, WithReview(person), request.Aborted);
        relocation = await commands.RecordReviewAsync(request.Workflows, relocation.Id, outcome, reviewedOn, input.NewEndDate, null, request.Aborted);
        return ApiResult.Ok(RelocationDto.From(relocation), relocation.Version);
    }

    /// <summary>The receiving State's focal point confirms or refuses the extension VWU's review asked for.</summary>
    public async Task<ApiResult> ExtensionAsync(ApiRequest request)
    {
        var input = request.ReadJson<ExtensionInput>();
        var errors = new FieldErrors();
        if (!IsoCodes.IsCountry(input.StateCode))
        {
            errors.Add("stateCode", "'stateCode' must be your State's ISO 3166-1 alpha-3 code.");
        }

        if (input.Decision is not { } decision || !Enum.IsDefined(decision))
        {
            errors.Add("decision", "'decision' must be Confirm or Refuse.");
            decision = default;
        }

        errors.ThrowIfAny();
        request.Caller.EnsureActsFor(input.StateCode!);
        var relocation = await commands.AnswerExtensionAsync(request.Workflows, request.IdValue(), input.StateCode!, decision, request.Aborted);
        return ApiResult.Ok(new ExtensionAnswerDto(relocation.Id, input.StateCode!, decision, relocation.State.ProtectionEndsOn));
    }

    private async Task<RelocationCase> FindAsync(ApiRequest request) =>
        await relocations.FindAsync(request.IdValue(), request.Aborted) ?? throw new NotFoundException("There is no such relocation.");
}
