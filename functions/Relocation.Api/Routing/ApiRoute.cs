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

    public bool Anonymous => Roles.Count == 0;

    public bool IsWrite => !HttpMethods.IsGet(Method) && !HttpMethods.IsHead(Method);

    /// <summary>A route whose handler is a method of a DI-registered handler class.</summary>
    public static ApiRoute For<THandler>(string name, string method, string template, IReadOnlyList<string> roles, Func<THandler, ApiRequest, Task<ApiResult>> handle, string summary)
        where THandler : notnull =>
        new(name, method, template, roles, (sp, request) => handle(sp.GetRequiredService<THandler>(), request), summary);
}
