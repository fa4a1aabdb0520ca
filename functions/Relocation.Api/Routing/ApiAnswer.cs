namespace Relocation.Api.Routing;

/// <summary>
/// One answer a route declares: its status and the type of its JSON body (none for files and empty answers). The
/// OpenAPI document is generated from these, so what a client is told is what the code says.
/// </summary>
public sealed record ApiAnswer(int Status, Type? BodyType, string Description)
{
    /// <summary>For a file answer: the media types it may have.</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [];

    /// <summary>An RFC 9457 problem details answer.</summary>
    public bool IsProblem { get; init; }

    /// <summary>A page of a list whose body is a bare array: the next page, if any, is named by a <c>Link</c> header (rel="next").</summary>
    public bool NextPageLink { get; init; }

    public static ApiAnswer Problem(int status, string? description) =>
        new(status, null, description ?? DefaultDescription(status)) { IsProblem = true };

    public static string DefaultDescription(int status) => status switch
    {
        200 => "OK.",
        201 => "Created; Location names the new resource.",
        202 => "Accepted; the work goes on, Location is the status URL.",
        204 => "Done; no body.",
        400 => "Invalid input; the problem's errors name each field. Nothing was written.",
        401 => "No valid bearer token.",
        403 => "The caller's role or State may not do this.",
        404 => "Not found (or not visible to the caller).",
        409 => "Conflicts with the current state, or the Idempotency-Key was used for another request.",
        412 => "If-Match does not match the current version.",
        413 => "The body is larger than this route takes.",
        415 => "The body is not JSON (send Content-Type: application/json). Nothing was written.",
        429 => "The caller writes too fast; wait as Retry-After says.",
        500 => "An unexpected error; logged under the correlation id.",
        503 => "Storage did not answer, or the request could not be recorded in the audit log; nothing was lost, retry after Retry-After.",
        _ => $"Status {status}.",
    };
}

/// <summary>Where a declared parameter travels.</summary>
public enum ApiParameterLocation
{
    Query = 1,
    Header,
}

/// <summary>A query parameter or request header a route reads.</summary>
public sealed record ApiParameter(string Name, ApiParameterLocation In, Type Type, string Description, bool Required);
