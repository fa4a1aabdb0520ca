using Relocation.Api.Routing;
using Relocation.Domain.Common;

namespace Relocation.Api.Problems;

/// <summary>
/// The one place that turns failures into RFC 9457 problem details. Only domain messages, which are written for
/// callers, reach the answer; anything unexpected becomes a bare 500 with the correlation id.
/// </summary>
public static class ProblemDetailsMapper
{
    public static ApiResult FromException(Exception exception, string instance, string correlationId) => exception switch
    {
        DomainValidationException v => Create(400, "The request is invalid.", v.Message, instance, correlationId, v.Errors, v),
        NotFoundException n => Create(404, "Not found.", n.Message, instance, correlationId, coded: n),
        ConflictException c => Create(409, "Conflict.", c.Message, instance, correlationId, coded: c),
        PreconditionFailedException p => Create(412, "Precondition failed.", p.Message, instance, correlationId, coded: p),
        ForbiddenException f => Create(403, "Forbidden.", f.Message, instance, correlationId, coded: f),
        BodyTooLargeException b => Create(413, "The body is too large.", b.Message, instance, correlationId),
        UnsupportedMediaTypeException u => Create(415, "Unsupported media type.", u.Message, instance, correlationId),
        _ when IsTransient(exception) => Create(503, "Storage is unavailable.", "Storage did not answer in time; nothing was lost, retry after Retry-After.", instance, correlationId),
        _ => Create(500, "An unexpected error occurred.", "The error was logged under this correlation id.", instance, correlationId),
    };

    /// <summary>
    /// A storage call that failed for a reason a retry can cure: no answer (status 0), a timeout, throttling or a server
    /// error, after the SDK's own retries. The caller is told to retry (503) instead of being told something broke
    /// (500); what the request wrote is idempotent by key, so a retry finishes it.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        Azure.RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>A problem; <paramref name="coded"/>: the domain refusal whose stable code (and arguments) go beside the English detail.</summary>
    public static ApiResult Create(int status, string title, string? detail, string instance, string correlationId,
        IReadOnlyDictionary<string, string[]>? errors = null, DomainException? coded = null)
    {
        var problem = new Problem(
            $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
            title,
            status,
            detail,
            instance,
            correlationId,
            errors)
        {
            Code = coded?.Code,
            Args = coded?.Code is null ? null : coded.Args,
        };
        var result = ApiResult.Json(status, problem);
        return result with { ContentType = ApiResult.ProblemContentType };
    }

    /// <summary>An RFC 9457 problem: <c>errors</c> names each invalid field; <c>correlationId</c> finds the request in the logs.</summary>
    public sealed record Problem(
        string Type,
        string Title,
        int Status,
        string? Detail,
        string Instance,
        string CorrelationId,
        IReadOnlyDictionary<string, string[]>? Errors)
    {
        /// <summary>A stable code for what went wrong (a Domain <c>ProblemCode</c> name); absent where the detail has none.</summary>
        public string? Code { get; init; }

        /// <summary>The code's arguments as invariant text (a status, a State code).</summary>
        public IReadOnlyDictionary<string, string>? Args { get; init; }
    }
}

/// <summary>The request body is above the route's limit (413).</summary>
public sealed class BodyTooLargeException(long limit) : Exception($"The body must be at most {limit} bytes.");

/// <summary>A JSON route's body sent as something else, e.g. <c>text/plain</c> or a form (415).</summary>
public sealed class UnsupportedMediaTypeException(string sent)
    : Exception($"The body was sent as '{sent}'; this route reads JSON: send Content-Type: application/json.");
