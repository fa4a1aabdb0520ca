using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Api.Json;
using Relocation.Domain.Common;
using Relocation.Domain.Security;
using Relocation.Storage.Idempotency;

namespace Relocation.Api.Routing;

/// <summary>Everything a handler may use of one request, the same in both hosts.</summary>
public sealed class ApiRequest
{
    private readonly RouteValueDictionary _routeValues;
    private readonly DurableTaskClient? _workflows;

    internal ApiRequest(HttpContext http, ApiRoute route, Caller caller, RouteValueDictionary routeValues, ReadOnlyMemory<byte> body,
        string correlationId, string? idempotencyKey, DurableTaskClient? workflows)
    {
        Http = http;
        Route = route;
        Caller = caller;
        _routeValues = routeValues;
        Body = body;
        CorrelationId = correlationId;
        IdempotencyKey = idempotencyKey;
        _workflows = workflows;
    }

    public HttpContext Http { get; }

    public ApiRoute Route { get; }

    public Caller Caller { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public string CorrelationId { get; }

    public string? IdempotencyKey { get; }

    /// <summary>
    /// The <see cref="IdempotencyKey"/> was claimed from an earlier attempt that died mid-way: that attempt's writes may be
    /// there (a create then takes the ordered path, which looks for its orchestration before scheduling one).
    /// </summary>
    public bool Resumed { get; internal set; }

    /// <summary>The claim of the <see cref="IdempotencyKey"/> still being written (<see cref="ApiRoute.ClaimsBesideHandler"/>).</summary>
    internal Task<IdempotencyClaim>? PendingClaim { get; init; }

    /// <summary>
    /// Waits for the claim of the <see cref="IdempotencyKey"/> on a route whose handler runs beside it
    /// (<see cref="ApiRoute.ClaimsBesideHandler"/>); at once otherwise (the pipeline claimed before the handler). Past it,
    /// this request owns the key and <see cref="Resumed"/> is known. When the key answers for the request instead (a replay,
    /// a mismatch, a request in progress), it throws, and the pipeline gives that answer: nothing after it runs.
    /// </summary>
    public async Task ClaimedAsync()
    {
        if (PendingClaim is null)
        {
            return;
        }

        var claim = await PendingClaim;
        if (claim.Outcome != IdempotencyOutcome.Claimed)
        {
            throw new ClaimAnsweredException(claim);
        }

        Resumed = claim.Resumed;
    }

    /// <summary>Why the caller reads protected data (from <c>X-Access-Reason</c>), for the audit entry.</summary>
    public string? AuditReason { get; set; }

    public CancellationToken Aborted => Http.RequestAborted;

    private List<(string Name, double Ms)>? _phases;
    private long _phaseStarted = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>
    /// Marks the end of one part of the handler (the time since the previous mark, or since the handler began): the
    /// pipeline adds each part to the <c>Server-Timing</c> header when <see cref="Pipeline.ApiDiagnosticsOptions.ServerTiming"/>
    /// is on, so the load driver sees where a handler's time goes. Names and durations only, never values.
    /// </summary>
    public void Mark(string phase)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_phaseLock)
        {
            (_phases ??= []).Add((phase, System.Diagnostics.Stopwatch.GetElapsedTime(_phaseStarted, now).TotalMilliseconds));
        }

        _phaseStarted = now;
    }

    /// <summary>
    /// Runs <paramref name="work"/> and records how long it took as a part of its own (for work that runs side by side
    /// with other parts, which <see cref="Mark"/> cannot tell apart).
    /// </summary>
    public async Task Timed(string phase, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await work();
        }
        finally
        {
            var ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_phaseLock)
            {
                (_phases ??= []).Add((phase, ms));
            }
        }
    }

    private readonly Lock _phaseLock = new();

    private readonly List<Task> _besideCompletion = [];

    /// <summary>
    /// Writes the handler started and the answer must wait for, but that nothing in the answer or in the request's own
    /// last writes depends on (a new case's statistics line): the pipeline waits for them side by side with storing the
    /// answer for the Idempotency-Key and the audit entry, instead of one after the other. One that fails is logged and
    /// the answer stands: such a write is one its next case write repairs.
    /// </summary>
    public void BesideCompletion(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_phaseLock)
        {
            _besideCompletion.Add(work);
        }
    }

    /// <summary>What <see cref="BesideCompletion"/> was given, as one task.</summary>
    internal Task BesideCompletionTask
    {
        get
        {
            lock (_phaseLock)
            {
                return _besideCompletion.Count == 0 ? Task.CompletedTask : Task.WhenAll(_besideCompletion);
            }
        }
    }

    /// <summary>The handler's parts marked so far, in order.</summary>
    internal IReadOnlyList<(string Name, double Ms)> Phases
    {
        get
        {
            lock (_phaseLock)
            {
                return _phases?.ToArray() ?? [];
            }
        }
    }

    public IServiceProvider Services => Http.RequestServices;

    /// <summary>The Durable Task client: bound per call by the Functions shims, from DI in the local host.</summary>
    public DurableTaskClient Workflows => _workflows ?? Services.GetRequiredService<DurableTaskClient>();

    /// <summary>
    /// The <c>If-Match</c> header without quotes handling: the value is the opaque version a GET answered as ETag (a
    /// table row's, <c>W/"datetime'…'"</c>). Any other value cannot match the current version, so it is a 412 here:
    /// passed on, the storage service refuses it as malformed input and the caller got a 500.
    /// </summary>
    public string? IfMatch => Http.Request.Headers.IfMatch.FirstOrDefault() is { Length: > 0 } v
        ? v == "*" || (v.StartsWith("W/\"datetime'", StringComparison.Ordinal) && v.EndsWith("'\"", StringComparison.Ordinal) && v.Length < 100)
            ? v
            : throw new PreconditionFailedException("If-Match is not the current version; read the resource again and send its ETag.")
        : null;

    public string RouteValue(string name) =>
        _routeValues.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } text
            ? text
            : throw new InvalidOperationException($"Route value '{name}' is missing.");

    /// <summary>A State code from the route; anything that is not an assigned code cannot name a State, so it is a 404.</summary>
    public string StateCodeValue(string name = "code")
    {
        var code = RouteValue(name);
        return IsoCodes.IsCountry(code) ? code : throw new NotFoundException($"There is no State '{Truncate(code)}'.");
    }

    /// <summary>An id this API issued (32 hex digits); anything else cannot exist, so it is a 404 that never reaches storage.</summary>
    public string IdValue(string name = "id")
    {
        var id = RouteValue(name);
        return id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? id : throw new NotFoundException($"There is no resource '{Truncate(id)}'.");
    }

    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public DateOnly? QueryDate(string name)
    {
        var text = Query(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DomainValidationException(name, $"'{name}' must be a date such as 2026-12-01.");
    }

    public int? QueryInt(string name, int min, int max)
    {
        var text = Query(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new DomainValidationException(name, $"'{name}' must be a whole number from {min} to {max}.");
    }

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>; a malformed body, a wrong type or an unknown member becomes a 400 naming
    /// each such field.
    /// </summary>
    public T ReadJson<T>()
        where T : class => JsonBody.Read<T, T>(Body.Span, static input => input);

    /// <summary>
    /// Reads the body as <typeparamref name="T"/> and checks it with the route's rule (<paramref name="check"/>, which
    /// throws <see cref="DomainValidationException"/>). When some members cannot be read, the rule still checks the
    /// others, so the 400 names every invalid field at once instead of only the first the serializer met.
    /// </summary>
    public TResult ReadJson<T, TResult>(Func<T, TResult> check)
        where T : class => JsonBody.Read(Body.Span, check);

    /// <summary>
    /// An id for a resource this request creates: derived from the caller and the <c>Idempotency-Key</c> when there is one,
    /// so a retry after a crash recreates the same resource instead of a second one.
    /// </summary>
    public string NewResourceId(string purpose)
    {
        if (IdempotencyKey is null)
        {
            return Guid.NewGuid().ToString("N");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Caller.Subject}\n{purpose}\n{IdempotencyKey}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("N");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>The key's claim answered for the request (<see cref="ApiRequest.ClaimedAsync"/>): the pipeline gives that answer.</summary>
internal sealed class ClaimAnsweredException(IdempotencyClaim claim) : Exception("The Idempotency-Key's claim answers for this request.")
{
    public IdempotencyClaim Claim { get; } = claim;
}
