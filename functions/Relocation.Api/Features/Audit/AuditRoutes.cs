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
            (h, r) => h.QueryAsync(r), "The access and change log: ?subject=&from=&to= (dates or date-times; default the last 30 days)."),
    ];
}

internal sealed class AuditHandlers(IAuditLog audit, TimeProvider time)
{
    private const int MaxEntries = 1000;

    public async Task<ApiResult> QueryAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var to = Instant(request, "to", endOfDay: true) ?? now;
        var from = Instant(request, "from", endOfDay: false) ?? to.AddDays(-30);
        if (from > to)
        {
            throw new DomainValidationException("from", "'from' must not be after 'to'.");
        }

        var subject = request.Query("subject");
        if (subject is { Length: > 200 })
        {
            throw new DomainValidationException("subject", "'subject' must be at most 200 characters.");
        }

        var entries = await audit.QueryAsync(subject, from, to, MaxEntries, request.Aborted);
        return ApiResult.Ok(new { from, to, count = entries.Count, truncated = entries.Count >= MaxEntries, entries });
    }

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
