using Microsoft.Extensions.DependencyInjection;

namespace Relocation.Api.Routing;

/// <summary>
/// One entry of the route table: the contract both hosts serve. <see cref="Template"/> is relative to <c>/api</c>,
/// exactly as a Functions <c>HttpTrigger</c> route; <see cref="Name"/> is the Functions function name.
/// </summary>
public sealed record ApiRoute(
    string Name,
    string Method,
    string Template,
    IReadOnlyList<string> Roles,
    Func<IServiceProvider, ApiRequest, Task<ApiResult>> Handler,
    string Summary)
{
    /// <summary>Largest body the route reads; above it the request is refused with 413 before anything is parsed.</summary>
    public long MaxBodyBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Reads are audited only when refused or failed; a route that reads protected data sets this so every read is
    /// recorded with its outcome.
    /// </summary>
    public bool AuditEveryRead { get; init; }

    /// <summary>
    /// A write that creates a resource: it must carry an <c>Idempotency-Key</c>, or a retried request would create a second one.
    /// </summary>
    public bool Creates { get; init; }

    /// <summary>
    /// The pipeline runs the handler while it claims the <c>Idempotency-Key</c>, instead of after: the handler may start
    /// work that is harmless if the claim then answers for the request (a replay, a mismatch, a request in progress), and
    /// awaits <see cref="ApiRequest.ClaimedAsync"/> before anything else it writes. For the create of a relocation, whose
    /// orchestration's schedule is such work (docs/durability.md, "The claim beside the schedule").
    /// </summary>
    public bool ClaimsBesideHandler { get; init; }

    /// <summary>The JSON body the route reads (<see cref="Accepts{T}"/>); the OpenAPI document's request schema is generated from it.</summary>
    public Type? RequestType { get; init; }

    /// <summary>Members of <see cref="RequestType"/> (JSON names, dotted for nested ones) a caller must send.</summary>
    public IReadOnlyList<string> RequiredMembers { get; init; } = [];

    /// <summary>For a route that reads raw bytes (a document upload): the media types it takes.</summary>
    public IReadOnlyList<string> RequestMediaTypes { get; init; } = [];

    /// <summary>Set by <see cref="AcceptsNoBody"/>: a write that reads no body, said out loud so a forgotten declaration is caught.</summary>
    public bool ReadsNoBody { get; init; }

    /// <summary>Every answer the route's handler gives, by status; the pipeline's own answers (401, 403, 429…) are added by the document.</summary>
    public IReadOnlyList<ApiAnswer> Answers { get; init; } = [];

    /// <summary>Query parameters and request headers the handler reads.</summary>
    public IReadOnlyList<ApiParameter> Parameters { get; init; } = [];

    public bool Anonymous => Roles.Count == 0;

    public bool IsWrite => !HttpMethods.IsGet(Method) && !HttpMethods.IsHead(Method);

    /// <summary>The route reads a JSON body of type <typeparamref name="T"/>; <paramref name="required"/> names the members a caller must send.</summary>
    public ApiRoute Accepts<T>(params string[] required) => this with { RequestType = typeof(T), RequiredMembers = required };

    /// <summary>The route reads the body as a file of one of <paramref name="mediaTypes"/>.</summary>
    public ApiRoute AcceptsFile(params string[] mediaTypes) => this with { RequestMediaTypes = mediaTypes };

    /// <summary>A write that reads no body.</summary>
    public ApiRoute AcceptsNoBody() => this with { ReadsNoBody = true };

    /// <summary>The handler answers <paramref name="status"/> with a JSON body of type <typeparamref name="T"/>.</summary>
    public ApiRoute Produces<T>(int status = 200, string? description = null) =>
        WithAnswer(new ApiAnswer(status, typeof(T), description ?? ApiAnswer.DefaultDescription(status)));

    /// <summary>
    /// The handler answers 200 with one page of a list whose body is a bare array of <typeparamref name="T"/> (a shape
    /// PRODUCT.md fixes), and names the next page in a <c>Link: &lt;…&gt;; rel="next"</c> header.
    /// </summary>
    public ApiRoute ProducesPageWithLink<T>(string description) =>
        WithAnswer(new ApiAnswer(200, typeof(T), description) { NextPageLink = true });

    /// <summary>The handler answers <paramref name="status"/> with a file of one of <paramref name="mediaTypes"/>.</summary>
    public ApiRoute ProducesFile(int status, params string[] mediaTypes) =>
        WithAnswer(new ApiAnswer(status, null, ApiAnswer.DefaultDescription(status)) { MediaTypes = mediaTypes });

    /// <summary>The handler answers <paramref name="status"/> with no body.</summary>
    public ApiRoute ProducesEmpty(int status = 204, string? description = null) =>
        WithAnswer(new ApiAnswer(status, null, description ?? ApiAnswer.DefaultDescription(status)));

    /// <summary>The handler itself refuses with these statuses (problem details), beyond what the pipeline adds for every route.</summary>
    public ApiRoute ProducesProblem(params int[] statuses) =>
        statuses.Aggregate(this, (route, status) => route.WithAnswer(ApiAnswer.Problem(status, null)));

    /// <summary>The handler refuses with <paramref name="status"/> for the reason given.</summary>
    public ApiRoute ProducesProblem(int status, string description) => WithAnswer(ApiAnswer.Problem(status, description));

    /// <summary>A query parameter the handler reads (<typeparamref name="T"/>: string, int, bool, DateOnly or an enum).</summary>
    public ApiRoute WithQuery<T>(string name, string description) =>
        this with { Parameters = [.. Parameters, new ApiParameter(name, ApiParameterLocation.Query, typeof(T), description, false)] };

    /// <summary>A request header the handler reads.</summary>
    public ApiRoute WithHeader(string name, string description, bool required = false) =>
        this with { Parameters = [.. Parameters, new ApiParameter(name, ApiParameterLocation.Header, typeof(string), description, required)] };

    private ApiRoute WithAnswer(ApiAnswer answer) =>
        Answers.Any(a => a.Status == answer.Status)
            ? throw new InvalidOperationException($"Route {Name} declares status {answer.Status} twice.")
            : this with { Answers = [.. Answers, answer] };

    /// <summary>A route whose handler is a method of a DI-registered handler class.</summary>
    public static ApiRoute For<THandler>(string name, string method, string template, IReadOnlyList<string> roles, Func<THandler, ApiRequest, Task<ApiResult>> handle, string summary)
        where THandler : notnull =>
        new(name, method, template, roles, (sp, request) => handle(sp.GetRequiredService<THandler>(), request), summary);
}
