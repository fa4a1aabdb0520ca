using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relocation.Api.Problems;
using Relocation.Api.Routing;
using Relocation.Api.Security;
using Relocation.Api.Telemetry;
using Relocation.Domain.Audit;
using Relocation.Domain.Security;
using Relocation.Storage.Idempotency;

namespace Relocation.Api.Pipeline;

/// <summary>
/// The one path every request takes, in both hosts: correlation id, sign-in, rate limit of writes, role check, body
/// limit, idempotency, the handler, problem details for every failure, and the audit entry.
/// What is audited: every write attempt with its outcome (refused ones included: 401, 403, 429, 400, 404, 409, 5xx,
/// replays), every read that is refused or fails, and every read of a route marked <see cref="ApiRoute.AuditEveryRead"/>
/// (the case file), recorded after the handler decrypted or failed. An audit entry that cannot be written fails the
/// request with 503: nothing the handler produced is sent (so protected details never leave unaudited); a write that was
/// already done stays done and its retry with the same Idempotency-Key replays it, and that replay is audited.
/// </summary>
public sealed partial class ApiPipeline(
    ApiRouteTable routes,
    ITokenValidator tokens,
    IIdempotencyStore idempotency,
    IAuditLog audit,
    WriteRateLimiter rateLimiter,
    TimeProvider time,
    ILogger<ApiPipeline> logger,
    IOptions<ApiDiagnosticsOptions>? diagnostics = null)
{
    private readonly bool _serverTiming = diagnostics?.Value.ServerTiming ?? false;
    private readonly bool _claimBesideHandler = diagnostics?.Value.ClaimBesideHandler ?? true;

    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string CorrelationIdHeader = "X-Correlation-Id";
    private const int MaxIdempotencyKeyLength = 200;

    private static readonly Caller Anonymous = new("anonymous", "anonymous", [], null);
    private readonly Dictionary<string, TemplateMatcher> _matchers = routes.All.ToDictionary(
        r => r.Name, r => new TemplateMatcher(TemplateParser.Parse("api/" + r.Template), []), StringComparer.Ordinal);

    /// <summary>Runs the named route and writes its answer to the response.</summary>
    public Task RunAsync(HttpContext http, string routeName, DurableTaskClient? workflows = null) =>
        RunAsync(http, routes.Get(routeName), workflows);

    /// <summary>
    /// Finds the route for the request's method and path in the route table and runs it: what the Functions app's one
    /// catch-all HTTP trigger calls. No route for the path is a 404, a route for another method a 405 with <c>Allow</c>.
    /// </summary>
    public async Task DispatchAsync(HttpContext http, DurableTaskClient? workflows = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var match = routes.Match(http.Request.Method, http.Request.Path);
        if (match.Route is not null)
        {
            await RunAsync(http, match.Route, workflows, match.Values);
            return;
        }

        var correlationId = CorrelationIdOf(http);
        http.Response.Headers[CorrelationIdHeader] = correlationId;
        var instance = http.Request.Path.Value ?? string.Empty;
        if (match.Allowed.Count > 0)
        {
            http.Response.Headers.Allow = string.Join(", ", match.Allowed);
            await WriteAsync(http, ProblemDetailsMapper.Create(405, "Method not allowed.", $"This resource answers {string.Join(", ", match.Allowed)}.", instance, correlationId));
            return;
        }

        await WriteAsync(http, ProblemDetailsMapper.Create(404, "Not found.", "No route of this API has this path.", instance, correlationId));
    }

    public Task RunAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows = null) => RunAsync(http, route, workflows, null);

    private async Task RunAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows, RouteValueDictionary? routeValues)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(route);
        using var span = ApiTelemetry.StartRequest(http, route);
        try
        {
            await RunRouteAsync(http, route, workflows, routeValues);
        }
        finally
        {
            ApiTelemetry.Complete(span, http.Response.StatusCode);
        }
    }

    private async Task RunRouteAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows, RouteValueDictionary? matchedValues)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = CorrelationIdOf(http);
        var instance = http.Request.Path.Value ?? string.Empty;
        http.Response.Headers[CorrelationIdHeader] = correlationId;

        // What the entry is about comes from the path, so a refused attempt (401, 403, 400) names its case too.
        // The local host routes without passing the values it matched: read them as the handler will.
        var outcome = new Outcome { About = AboutOf(matchedValues ?? RouteValuesOf(http, route)) };
        var result = await ExecuteAsync(http, route, workflows, matchedValues, instance, correlationId, outcome);

        // The stored answer for the Idempotency-Key and the audit entry need nothing from each other: written side by side
        // (at 50 requests at once, the completions queued behind the audit entries, p95 3.7 s). Neither is sent before both
        // are written; an audit failure still turns the answer into a 503 (the stored answer replays the write, as before).
        var completion = outcome.Completion is { } complete ? CompleteAsync(complete, outcome) : Task.CompletedTask;
        var audited = route.IsWrite || (!route.Anonymous && (result.Status >= 400 || route.AuditEveryRead));
        // A create's entry is about what it created (its id is in the answer's Location, not in the path), so an auditor
        // asking for a case finds the request that opened it.
        var about = outcome.About ?? (route.Creates && result.Status is >= 200 and < 300 ? CreatedIdOf(result.Location) : null);
        var recorded = audited ? AuditAsync(route, instance, correlationId, outcome, result.Status, about) : Task.FromResult(true);
        var beside = BesideAsync(outcome, route.Name, correlationId);
        try
        {
            await completion;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            // As when the handler fails: a 500, the claim kept (the write may be done; a retry once the claim is
            // abandoned runs the handler again, which is idempotent by key), and the answer's own audit entry.
            LogUnexpected(logger, ex, route.Name, correlationId);
            result = ProblemDetailsMapper.FromException(ex, instance, correlationId);
            if (result.Status == 503)
            {
                http.Response.Headers.RetryAfter = "5";
            }
            if (await recorded && audited)
            {
                recorded = AuditAsync(route, instance, correlationId, outcome, result.Status, outcome.About);
            }
        }

        await beside;
        if (!await recorded)
        {
            http.Response.Headers.RetryAfter = "5";
            result = ProblemDetailsMapper.Create(503, "Not recorded.", "The request could not be recorded in the audit log; retry shortly.", instance, correlationId);
        }

        if (_serverTiming)
        {
            var parts = string.Concat(outcome.Phases.Select(p => string.Create(CultureInfo.InvariantCulture, $", handler.{p.Name};dur={p.Ms:F1}")));
            http.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
                $"claim;dur={outcome.ClaimMs:F1}, handler;dur={outcome.HandlerMs:F1}{parts}, complete;dur={outcome.CompleteMs:F1}, audit;dur={outcome.AuditMs:F1}, total;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1}");
        }

        await WriteAsync(http, result);
        LogHandled(logger, route.Name, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, correlationId);
    }

    /// <summary>Appends the request's audit entry; false (logged) when it could not be written.</summary>
    private async Task<bool> AuditAsync(ApiRoute route, string instance, string correlationId, Outcome outcome, int status, string? about)
    {
        var auditStarted = Stopwatch.GetTimestamp();
        try
        {
            await audit.AppendAsync(
                new AuditEntry(time.GetUtcNow(), outcome.Caller.Subject, outcome.Caller.Name, outcome.Caller.PrimaryRole, outcome.Caller.StateCode,
                    route.Name, Truncate(instance, 300), status, correlationId, outcome.Reason, About: about),
                CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditFailed(logger, ex, route.Name, correlationId);
            return false;
        }
        finally
        {
            outcome.AuditMs += Stopwatch.GetElapsedTime(auditStarted).TotalMilliseconds;
        }
    }

    /// <summary>Waits for the handler's writes left beside the completion (<see cref="ApiRequest.BesideCompletion"/>); a failure is logged, the answer stands.</summary>
    private async Task BesideAsync(Outcome outcome, string route, string correlationId)
    {
        try
        {
            await outcome.Beside;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogBesideFailed(logger, ex, route, correlationId);
        }
    }

    private static async Task CompleteAsync(Func<Task> complete, Outcome outcome)
    {
        var completeStarted = Stopwatch.GetTimestamp();
        try
        {
            await complete();
        }
        finally
        {
            outcome.CompleteMs = Stopwatch.GetElapsedTime(completeStarted).TotalMilliseconds;
        }
    }

    private async Task<ApiResult> ExecuteAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows, RouteValueDictionary? matchedValues, string instance,
        string correlationId, Outcome outcome)
    {
        string? claimedKey = null;
        var resumed = false;
        string? scope = null;
        ApiRequest? request = null;
        Task<IdempotencyClaim>? pendingClaim = null;
        string? pendingKey = null;
        try
        {
            if (!route.Anonymous)
            {
                var authorization = http.Request.Headers.Authorization.FirstOrDefault();
                var caller = await tokens.ValidateAsync(authorization, http.RequestAborted);
                if (caller is null)
                {
                    // Who tried, as far as the unverified token says: marked as such, never trusted for anything else.
                    outcome.Caller = UnverifiedSubjectOf(authorization) is { } subject ? new Caller("unverified:" + subject, "unverified", [], null) : Anonymous;
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                    return ProblemDetailsMapper.Create(401, "Sign-in required.", "Send a valid bearer token.", instance, correlationId);
                }

                outcome.Caller = caller;
                if (route.IsWrite && !rateLimiter.TryAcquire(caller.Subject, out var retryAfter))
                {
                    http.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    return ProblemDetailsMapper.Create(429, "Too many requests.", "You are writing too fast; wait as Retry-After says.", instance, correlationId);
                }

                if (!caller.IsInAnyRole(route.Roles))
                {
                    return ProblemDetailsMapper.Create(403, "Forbidden.", "Your role may not use this route.", instance, correlationId);
                }
            }

            var body = await ReadBodyAsync(http, route);
            var key = IdempotencyKeyOf(http, route);
            if (key is not null)
            {
                scope = outcome.Caller.Subject;
                pendingClaim = ClaimAsync(scope, key, RequestHash(route, instance, body.Span), outcome, http.RequestAborted);
                pendingKey = key;
                if (!(route.ClaimsBesideHandler && _claimBesideHandler))
                {
                    var claim = await pendingClaim;
                    pendingClaim = null;
                    if (claim.Outcome != IdempotencyOutcome.Claimed)
                    {
                        return AnswerOfClaim(claim, route, instance, correlationId, outcome);
                    }

                    claimedKey = key;
                    resumed = claim.Resumed;
                }
            }

            var routeValues = matchedValues ?? RouteValuesOf(http, route);
            // On a route that claims beside its handler, the handler runs now and waits for the claim itself (ApiRequest.ClaimedAsync).
            request = new ApiRequest(http, route, outcome.Caller, routeValues, body, correlationId, key, workflows) { Resumed = resumed, PendingClaim = pendingClaim };
            var handlerStarted = Stopwatch.GetTimestamp();
            ApiResult result;
            try
            {
                result = await route.Handler(http.RequestServices, request);
            }
            finally
            {
                outcome.Beside = request.BesideCompletionTask;
            }

            if (pendingClaim is not null)
            {
                // A handler that answered without waiting for the claim (it wrote nothing): the claim still decides.
                var claim = await pendingClaim;
                if (claim.Outcome != IdempotencyOutcome.Claimed)
                {
                    return AnswerOfClaim(claim, route, instance, correlationId, outcome);
                }

                claimedKey = key;
            }

            outcome.HandlerMs = Stopwatch.GetElapsedTime(handlerStarted).TotalMilliseconds;
            outcome.Phases = request.Phases;
            outcome.Reason = request.AuditReason;

            if (claimedKey is not null)
            {
                // Written by the caller, side by side with the audit entry.
                var stored = new StoredResponse(result.Status, result.ContentType, result.Location, result.ETag, result.Body);
                var (claimScope, claimKey) = (scope!, claimedKey);
                outcome.Completion = () => idempotency.CompleteAsync(claimScope, claimKey, stored, CancellationToken.None);
            }

            return result;
        }
        catch (ClaimAnsweredException answered)
        {
            return AnswerOfClaim(answered.Claim, route, instance, correlationId, outcome);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            outcome.Reason = request?.AuditReason;
            if (pendingClaim is not null && claimedKey is null)
            {
                // The handler failed beside the claim (bad input, say): the claim's answer comes first, as when claimed before
                // the handler; a key this request did claim is treated below as any claimed key.
                switch (await ClaimOutcomeAsync(pendingClaim))
                {
                    case { Outcome: IdempotencyOutcome.Claimed }:
                        claimedKey = pendingKey;
                        break;
                    case { } other:
                        return AnswerOfClaim(other, route, instance, correlationId, outcome);
                }
            }

            var result = ProblemDetailsMapper.FromException(ex, instance, correlationId);
            if (result.Status >= 500)
            {
                LogUnexpected(logger, ex, route.Name, correlationId);
            }

            if (result.Status == 503)
            {
                http.Response.Headers.RetryAfter = "5";
            }

            if (claimedKey is not null && result.Status < 500)
            {
                // A rejected request wrote nothing, so its key is free again for a corrected retry.
                await idempotency.ReleaseAsync(scope!, claimedKey, CancellationToken.None);
            }

            return result;
        }
    }

    private async Task<IdempotencyClaim> ClaimAsync(string scope, string key, string requestHash, Outcome outcome, CancellationToken cancellationToken)
    {
        var claimStarted = Stopwatch.GetTimestamp();
        try
        {
            return await idempotency.ClaimAsync(scope, key, requestHash, cancellationToken);
        }
        finally
        {
            outcome.ClaimMs = Stopwatch.GetElapsedTime(claimStarted).TotalMilliseconds;
        }
    }

    /// <summary>The claim's outcome, or null when the claim itself failed (the handler's failure is then the answer).</summary>
    private static async Task<IdempotencyClaim?> ClaimOutcomeAsync(Task<IdempotencyClaim> claim)
    {
        try
        {
            return await claim;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>What the pipeline answers for a key it did not claim: the stored answer, or 409.</summary>
    private ApiResult AnswerOfClaim(IdempotencyClaim claim, ApiRoute route, string instance, string correlationId, Outcome outcome)
    {
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                var stored = claim.Response!;
                LogReplayed(logger, route.Name, correlationId);
                outcome.Reason = "replay";
                return new ApiResult(stored.Status, stored.Body, stored.ContentType, stored.Location, stored.ETag);
            case IdempotencyOutcome.Mismatch:
                return ProblemDetailsMapper.Create(409, "Idempotency key reused.",
                    "This Idempotency-Key was used before with a different request.", instance, correlationId);
            default:
                return ProblemDetailsMapper.Create(409, "Request in progress.",
                    "A request with this Idempotency-Key is still being processed; retry shortly.", instance, correlationId);
        }
    }

    /// <summary>The <c>oid</c> or <c>sub</c> of a token that failed validation, read without trusting it; null when unreadable.</summary>
    internal static string? UnverifiedSubjectOf(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > 16 * 1024)
        {
            return null;
        }

        var parts = authorization[scheme.Length..].Trim().Split('.');
        if (parts.Length < 2)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload += new string('=', (4 - (payload.Length % 4)) % 4);
            using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
            foreach (var claim in new[] { ClaimNames.ObjectId, ClaimNames.Subject })
            {
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(claim, out var value)
                    && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                {
                    // Only printable ASCII, bounded: the value is attacker-chosen.
                    var clean = new string(text.Where(c => c is > ' ' and < (char)127).Take(100).ToArray());
                    return clean.Length > 0 ? clean : null;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
        }

        return null;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>
    /// The id the route's path names, which the Auditor's <c>subject=</c> finds: a case's or an agreement's <c>{id}</c>, a
    /// State's <c>{code}</c>; null on a collection (<c>POST /api/relocations</c>: the new case's id is in its answer).
    /// </summary>
    /// <summary>The last segment of a create's Location (<c>/api/relocations/{id}</c> → the id); null without one.</summary>
    internal static string? CreatedIdOf(string? location)
    {
        var path = location?.Split('?', 2)[0].TrimEnd('/');
        var slash = path?.LastIndexOf('/') ?? -1;
        return path is null || slash < 0 || slash == path.Length - 1 ? null : Truncate(Uri.UnescapeDataString(path[(slash + 1)..]), 200);
    }

    internal static string? AboutOf(RouteValueDictionary? values) =>
        values is null ? null
        : values.TryGetValue("id", out var id) && id?.ToString() is { Length: > 0 } i ? Truncate(i, 200)
        : values.TryGetValue("code", out var code) && code?.ToString() is { Length: > 0 } c ? Truncate(c, 200)
        : null;

    /// <summary>What the audit entry needs to know about how the request went.</summary>
    private sealed class Outcome
    {
        public Caller Caller { get; set; } = Anonymous;

        public string? Reason { get; set; }

        public string? About { get; init; }

        // Where the time went, for the Server-Timing header (ApiDiagnosticsOptions).
        public double ClaimMs { get; set; }

        public double HandlerMs { get; set; }

        public double CompleteMs { get; set; }

        public double AuditMs { get; set; }

        public IReadOnlyList<(string Name, double Ms)> Phases { get; set; } = [];

        /// <summary>Stores the answer for the request's Idempotency-Key; null when it has none.</summary>
        public Func<Task>? Completion { get; set; }

        /// <summary>The handler's writes the answer waits for beside the completion (<see cref="ApiRequest.BesideCompletion"/>).</summary>
        public Task Beside { get; set; } = Task.CompletedTask;
    }

    private RouteValueDictionary RouteValuesOf(HttpContext http, ApiRoute route)
    {
        // The local host's router fills RouteValues; a caller that names the route without routing it (tests) may not,
        // so match the template ourselves then. The Functions app's dispatch passes the values it matched.
        var values = new RouteValueDictionary(http.Request.RouteValues);
        if (!route.Template.Contains('{', StringComparison.Ordinal) || values.Count > 0)
        {
            return values;
        }

        _matchers[route.Name].TryMatch(http.Request.Path, values);
        return values;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext http, ApiRoute route)
    {
        if (!route.IsWrite)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (http.Request.ContentLength > route.MaxBodyBytes)
        {
            throw new BodyTooLargeException(route.MaxBodyBytes);
        }

        // A JSON route's body under another declared type (curl's -d without a header sends a form; .NET's StringContent
        // sends text/plain) is refused as such (415), not parsed and then blamed on its fields; no type at all is read as JSON.
        if (route.RequestType is not null && !IsJsonOrUndeclared(http.Request.ContentType))
        {
            throw new UnsupportedMediaTypeException(MediaTypeOf(http.Request.ContentType));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > route.MaxBodyBytes)
            {
                throw new BodyTooLargeException(route.MaxBodyBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool IsJsonOrUndeclared(string? contentType)
    {
        var media = MediaTypeOf(contentType);
        return media.Length == 0
            || media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    // The media type alone (no parameters), at most 100 characters: it is echoed in the problem's detail.
    private static string MediaTypeOf(string? contentType)
    {
        var media = (contentType ?? string.Empty).Split(';', 2)[0].Trim();
        return media.Length > 100 ? media[..100] : media;
    }

    private static string? IdempotencyKeyOf(HttpContext http, ApiRoute route)
    {
        if (!route.IsWrite || !http.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var values) || values.Count == 0)
        {
            return route.Creates
                ? throw new Domain.Common.DomainValidationException(IdempotencyKeyHeader, "This request creates a resource: send an Idempotency-Key header, so that a retry cannot create it twice.")
                : null;
        }

        var key = values[0];
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxIdempotencyKeyLength || values.Count > 1)
        {
            throw new Domain.Common.DomainValidationException(IdempotencyKeyHeader, $"The Idempotency-Key header must be one non-empty value of at most {MaxIdempotencyKeyLength} characters.");
        }

        return key;
    }

    // The hash binds the key to this route, this resource and these bytes: the same key on another request is a mismatch.
    private static string RequestHash(ApiRoute route, string path, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{route.Method} {path}\n"));
        hash.AppendData(body);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The caller's <c>X-Correlation-Id</c> when it is a plain id, else a new one (also the local host's /dev/token).</summary>
    public static string CorrelationIdOf(HttpContext http)
    {
        var given = http.Request.Headers[CorrelationIdHeader].FirstOrDefault();
        return given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? given
            : Guid.NewGuid().ToString("N");
    }

    private static async Task WriteAsync(HttpContext http, ApiResult result)
    {
        var response = http.Response;
        response.StatusCode = result.Status;
        if (result.Location is not null)
        {
            response.Headers.Location = result.Location;
        }

        if (result.ETag is not null)
        {
            response.Headers.ETag = result.ETag;
        }

        response.Headers.CacheControl = "no-store";
        // Every answer is what its Content-Type says: a browser must never guess (an uploaded file rendered as HTML).
        response.Headers.XContentTypeOptions = "nosniff";
        if (result.ContentDisposition is not null)
        {
            response.Headers.ContentDisposition = result.ContentDisposition;
        }

        if (result.NextPageLink is not null)
        {
            response.Headers.Link = $"<{result.NextPageLink}>; rel=\"next\"";
        }

        if (result.ContentType is not null)
        {
            response.ContentType = result.ContentType;
        }

        if (result.Body.Length > 0)
        {
            response.ContentLength = result.Body.Length;
            await response.Body.WriteAsync(result.Body, http.RequestAborted);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Route} answered {Status} in {ElapsedMs:F1} ms ({CorrelationId})")]
    private static partial void LogHandled(ILogger logger, string route, int status, double elapsedMs, string correlationId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "{Route} failed unexpectedly ({CorrelationId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string route, string correlationId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Route} replayed an idempotent answer ({CorrelationId})")]
    private static partial void LogReplayed(ILogger logger, string route, string correlationId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Route}: a write left beside the stored answer failed; the answer stands, the next write repairs it ({CorrelationId})")]
    private static partial void LogBesideFailed(ILogger logger, Exception exception, string route, string correlationId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Critical, Message = "Audit entry for {Route} could not be written; the request was answered 503 ({CorrelationId})")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string route, string correlationId);
}
