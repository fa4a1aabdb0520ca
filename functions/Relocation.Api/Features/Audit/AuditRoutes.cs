using System.Globalization;
using Relocation.Api.Routing;
using Relocation.Domain.Audit;
using Relocation.Domain.Common;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Audit;

internal sealed class AuditRoutes : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<AuditHandlers>("QueryAudit", HttpMethods.Get, "audit", [Roles.Auditor],
            (h, r) => h.QueryAsync(r), "The access and change log, newest first: ?subject=&actor=&action=&from=&to=&page= (dates or date-times; default the last 30 days); every attempt, refused ones included. "
                + "subject= finds the entries about a resource (a case id: who read its case file, who accepted, refused attempts); actor= those of one caller.")
            .WithQuery<string>("subject", "Only entries about this resource (the id in the request's path: a relocation's or an agreement's id, a State's code; the entry's 'about') or made by this caller (the entry's 'subject'). actor= narrows to the caller only.")
            .WithQuery<string>("actor", "Only entries of this caller (the token's subject: who did it); the entry's 'subject'.")
            .WithQuery<string>("action", "Only entries of this action (the route's name, e.g. GetCaseFile, AcceptOffer); exact.")
            .WithQuery<string>("from", "From this date (2026-12-01) or date-time; 30 days before 'to' when left out.")
            .WithQuery<string>("to", "Up to the end of this date or this date-time; now when left out.")
            .WithQuery<string>("page", "The nextPage of the previous answer.")
            .Produces<AuditPageDto>(),
        ApiRoute.For<AuditHandlers>("VerifyAudit", HttpMethods.Get, "audit/verify", [Roles.Auditor],
            (h, r) => h.VerifyAsync(r),
            "The audit log's hash chains re-walked: {ok, checked, firstBreak?, verifiedAt?}. A background walk re-walks every chain and its anchors (every 10 minutes); "
            + "this answer is that walk's result (verifiedAt: when it finished) with the entries appended since walked now, one page per open chain.")
            .Produces<AuditVerificationDto>(),
    ];
}

internal sealed class AuditHandlers(IAuditLog audit, TimeProvider time)
{
    private const int PageSize = 100;

    public async Task<ApiResult> QueryAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var to = Instant(request, "to", endOfDay: true) ?? now;
        var from = Instant(request, "from", endOfDay: false) ?? to.AddDays(-30);
        if (from > to)
        {
            throw new DomainValidationException("from", "'from' must not be after 'to'.");
        }

        var subject = Filter(request, "subject");
        var actor = Filter(request, "actor");
        var action = Filter(request, "action");

        var page = request.Query("page");
        if (page is { Length: > 100 })
        {
            throw new DomainValidationException("page", "'page' must be a token from a previous page's 'nextPage'.");
        }

        var result = await audit.QueryAsync(new AuditQuery(subject, from, to, PageSize, page) { Actor = actor, Action = action }, request.Aborted);
        return ApiResult.Ok(new AuditPageDto(from, to, result.Items.Select(AuditEntryDto.From).ToArray(), result.NextPage));
    }

    public async Task<ApiResult> VerifyAsync(ApiRequest request)
    {
        // Never the whole log inside a request: the background walk's checkpoint and the tail after it (docs/storage.md).
        var result = await audit.CheckAsync(request.Aborted);
        return ApiResult.Ok(AuditVerificationDto.From(result));
    }

    private static string? Filter(ApiRequest request, string name) => request.Query(name) is { Length: > 200 }
        ? throw new DomainValidationException(name, $"'{name}' must be at most 200 characters.")
        : request.Query(name);

    private static DateTimeOffset? Instant(ApiRequest request, string name, bool endOfDay)
    {
        var text = request.Query(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : throw new DomainValidationException(name, $"'{name}' must be a date (2026-12-01) or an ISO 8601 date-time.");
    }
}

/// <summary>One page of the audit log, newest first, and the window it covers.</summary>
internal sealed record AuditPageDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<AuditEntryDto> Items, string? NextPage);

/// <summary>
/// One line of the audit log as the Auditor reads it; <c>subject</c> is who did it, <c>about</c> the id its path names (what
/// <c>?subject=</c> finds; null on a collection and on entries written before it was recorded); <c>status</c> is the HTTP
/// status the attempt was answered with.
/// </summary>
internal sealed record AuditEntryDto(DateTimeOffset At, string Subject, string SubjectName, string Role, string? StateCode, string Action, string Resource,
    int Status, string CorrelationId, string? Reason, long Sequence, string? About)
{
    public static AuditEntryDto From(AuditEntry e) => new(e.At, e.Subject, e.SubjectName, e.Role, e.StateCode, e.Action, e.Resource, e.Status, e.CorrelationId, e.Reason, e.Sequence, e.About);
}

/// <summary>
/// <c>GET /api/audit/verify</c>: the hash chains re-walked. <c>VerifiedAt</c>: when the background walk this answer builds
/// on finished (null before the first); entries appended since are walked by the request itself.
/// </summary>
internal sealed record AuditVerificationDto(bool Ok, long Checked, AuditBreakDto? FirstBreak, DateTimeOffset? VerifiedAt)
{
    public static AuditVerificationDto From(AuditVerification v) =>
        new(v.Ok, v.Checked, v.FirstBreak is { } b ? new AuditBreakDto(b.Partition, b.Sequence, b.Reason) : null, v.WalkedAt);
}

internal sealed record AuditBreakDto(string Partition, long Sequence, string Reason);
