using System.Text.Json;
using Relocation.Api.Json;

namespace Relocation.Api.Routing;

/// <summary>
/// What a handler answers: a status and a body, already serialised, so the pipeline can store it for idempotent replay
/// and both hosts write it the same way.
/// </summary>
public sealed record ApiResult(int Status, byte[] Body, string? ContentType, string? Location = null, string? ETag = null)
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>For files: sent as <c>Content-Disposition</c>, so a browser saves the file instead of rendering it.</summary>
    public string? ContentDisposition { get; init; }

    /// <summary>For a list whose answer is a bare array (PRODUCT.md fixes its shape): the next page, sent as <c>Link: &lt;…&gt;; rel="next"</c>.</summary>
    public string? NextPageLink { get; init; }

    public static ApiResult Ok<T>(T body, string? etag = null) => Json(200, body, etag: etag);

    public static ApiResult Created<T>(T body, string location, string? etag = null) => Json(201, body, location, etag);

    public static ApiResult Accepted<T>(T body, string location) => Json(202, body, location);

    public static ApiResult NoContent() => new(204, [], null);

    /// <summary>A file download: always an attachment, under a name the API checked (letters, digits, '.', '-', '_').</summary>
    public static ApiResult File(byte[] content, string contentType, string? etag, string fileName) =>
        new(200, content, contentType, ETag: etag) { ContentDisposition = $"attachment; filename=\"{fileName}\"" };

    public static ApiResult Json<T>(int status, T body, string? location = null, string? etag = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(body, ApiJson.Options), JsonContentType, location, etag);
}
