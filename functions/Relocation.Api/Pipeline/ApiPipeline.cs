using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Relocation.Api.Problems;
using Relocation.Api.Routing;
using Relocation.Api.Security;
using Relocation.Api.Telemetry;
using Relocation.Domain.Audit;
using Relocation.Domain.Security;
using Relocation.Storage.Idempotency;

namespace Relocation.Api.Pipeline;

/// <summary>
/// The one path every request takes, in both hosts: correlation id, sign-in, role check, body limit, idempotency,
/// the handler, audit of writes, and problem details for every failure.
/// </summary>
public sealed partial class ApiPipeline(
    ApiRouteTable routes,
    ITokenValidator tokens,
    IIdempotencyStore idempotency,
    IAuditLog audit,
    TimeProvider time,
    ILogger<ApiPipeline> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string CorrelationIdHeader = "X-Correlation-Id";
    private const int MaxIdempotencyKeyLength = 200;

    private static readonly Caller Anonymous = new("anonymous", "anonymous", [], null);
    private readonly Dictionary<string, TemplateMatcher> _matchers = routes.All.ToDictionary(
        r => r.Name, r => new TemplateMatcher(TemplateParser.Parse("api/" + r.Template), []), StringComparer.Ordinal);

    /// <summary>Runs the named route and writes its answer to the response.</summary>
    public Task RunAsync(HttpContext http, string routeName, DurableTaskClient? workflows = null) =>
        RunAsync(http, routes.Get(routeName), workflows);

    public async Task RunAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(route);
        using var span = ApiTelemetry.StartRequest(http, route);
        try
        {
            await RunRouteAsync(http, route, workflows);
        }
        finally
        {
            ApiTelemetry.Complete(span, http.Response.StatusCode);
        }
    }

    private async Task RunRouteAsync(HttpContext http, ApiRoute route, DurableTaskClient? workflows)
    {
        var started = Stopwatch.GetTimestamp();
        var correlationId = CorrelationIdOf(http);
        var instance = http.Request.Path.Value ?? string.Empty;
        http.Response.Headers[CorrelationIdHeader] = correlationId;

        var caller = Anonymous;
        string? claimedKey = null;
        string? scope = null;
        ApiResult result;
        try
        {
            if (!route.Anonymous)
            {
                caller = await tokens.ValidateAsync(http.Request.Headers.Authorization.FirstOrDefault(), http.RequestAborted) ?? Anonymous;
                if (ReferenceEquals(caller, Anonymous))
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                    await WriteAsync(http, ProblemDetailsMapper.Create(401, "Sign-in required.", "Send a valid bearer token.", instance, correlationId));
                    return;
                }

                if (!caller.IsInAnyRole(route.Roles))
                {
                    result = ProblemDetailsMapper.Create(403, "Forbidden.", "Your role may not use this route.", instance, correlationId);
                    await AuditAsync(route, caller, instance, result.Status, correlationId);
                    await WriteAsync(http, result);
                    return;
                }
            }

            var body = await ReadBodyAsync(http, route);
            var key = IdempotencyKeyOf(http, route);
            if (key is not null)
            {
                scope = caller.Subject;
                var claim = await idempotency.ClaimAsync(scope, key, RequestHash(route, instance, body.Span), http.RequestAborted);
                switch (claim.Outcome)
                {
                    case IdempotencyOutcome.Replay:
                        var stored = claim.Response!;
                        await WriteAsync(http, new ApiResult(stored.Status, stored.Body, stored.ContentType, stored.Location, stored.ETag));
                        LogReplayed(logger, route.Name, correlationId);
                        return;
                    case IdempotencyOutcome.Mismatch:
                        await WriteAsync(http, ProblemDetailsMapper.Create(409, "Idempotency key reused.",
                            "This Idempotency-Key was used before with a different request.", instance, correlationId));
                        return;
                    case IdempotencyOutcome.InProgress:
                        await WriteAsync(http, ProblemDetailsMapper.Create(409, "Request in progress.",
                            "A request with this Idempotency-Key is still being processed; retry shortly.", instance, correlationId));
                        return;
                }

                claimedKey = key;
            }

            var routeValues = RouteValuesOf(http, route);
            var request = new ApiRequest(http, route, caller, routeValues, body, correlationId, key, workflows);
            result = await route.Handler(http.RequestServices, request);

            if (claimedKey is not null)
            {
                await idempotency.CompleteAsync(scope!, claimedKey, new StoredResponse(result.Status, result.ContentType, result.Location, result.ETag, result.Body), CancellationToken.None);
                claimedKey = null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            result = ProblemDetailsMapper.FromException(ex, instance, correlationId);
            if (result.Status >= 500)
            {
                LogUnexpected(logger, ex, route.Name, correlationId);
            }

            if (claimedKey is not null && result.Status < 500)
            {
                // A rejected request wrote nothing, so its key is free again for a corrected retry.
                await idempotency.ReleaseAsync(scope!, claimedKey, CancellationToken.None);
            }
        }

        if (route.IsWrite && (result.Status < 400 || result.Status == 403))
        {
            await AuditAsync(route, caller, instance, result.Status, correlationId);
        }

        await WriteAsync(http, result);
        LogHandled(logger, route.Name, result.Status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, correlationId);
    }

    private RouteValueDictionary RouteValuesOf(HttpContext http, ApiRoute route)
    {
        // The local host's router fills RouteValues; the Functions worker may not, so match the template ourselves then.
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

    private static string? IdempotencyKeyOf(HttpContext http, ApiRoute route)
    {
        if (!route.IsWrite || !http.Request.Headers.TryGetValue(IdempotencyKeyHeader, out var values) || values.Count == 0)
        {
            return null;
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

    private static string CorrelationIdOf(HttpContext http)
    {
        var given = http.Request.Headers[CorrelationIdHeader].FirstOrDefault();
        return given is { Length: > 0 and <= 64 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? given
            : Guid.NewGuid().ToString("N");
    }

    private async Task AuditAsync(ApiRoute route, Caller caller, string resource, int status, string correlationId)
    {
        try
        {
            await audit.AppendAsync(
                new AuditEntry(time.GetUtcNow(), caller.Subject, caller.Name, caller.PrimaryRole, caller.StateCode, route.Name, resource, status, correlationId),
                CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write itself succeeded; losing its audit line must be loud, not fatal to the caller.
            LogAuditFailed(logger, ex, route.Name, correlationId);
        }
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

    [LoggerMessage(EventId = 4, Level = LogLevel.Critical, Message = "Audit entry for {Route} could not be written ({CorrelationId})")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string route, string correlationId);
}
