using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace Relocation.Web.Services;

/// <summary>
/// The console's only way to the API: adds the bearer token from memory (development) or from Entra ID, and turns every
/// answer into data or a <see cref="Problem"/>. Nothing it handles is logged.
/// </summary>
public sealed class ApiClient(HttpClient http, Session session, IServiceProvider services)
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    public async Task<ApiResponse<T>> GetAsync<T>(string path, IReadOnlyDictionary<string, string>? headers = null, bool noStore = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (noStore)
        {
            // Protected details never enter the browser's HTTP cache.
            request.SetBrowserRequestCache(BrowserRequestCache.NoStore);
        }

        return await SendAsync<T>(request);
    }

    public async Task<ApiResponse<T>> PostAsync<T>(string path, object body, string idempotencyKey, HttpMethod? method = null, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await SendAsync<T>(request);
    }

    /// <summary>A file body (a document upload), with its content type.</summary>
    public async Task<ApiResponse<T>> PutFileAsync<T>(string path, byte[] content, string contentType, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await SendAsync<T>(request);
    }

    public async Task<byte[]?> DownloadAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        await AuthorizeAsync(request);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync() : null;
    }

    private async Task<ApiResponse<T>> SendAsync<T>(HttpRequestMessage request)
    {
        await AuthorizeAsync(request);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            return new ApiResponse<T>(0, default, new Problem(0, "The service cannot be reached.", null, new Dictionary<string, string[]>()));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var value = response.StatusCode == HttpStatusCode.NoContent ? default : await response.Content.ReadFromJsonAsync<T>(Json);
                return new ApiResponse<T>(status, value, null);
            }

            Problem? problem = null;
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Json);
            }
            catch (JsonException)
            {
                // Not problem details (e.g. a proxy's page): the status alone is shown.
            }

            return new ApiResponse<T>(status, default, (problem ?? new Problem(status, null, null, null)) with { Status = status });
        }
    }

    private async Task AuthorizeAsync(HttpRequestMessage request)
    {
        var token = session.Token;
        if (token is null && services.GetService(typeof(IAccessTokenProvider)) is IAccessTokenProvider provider)
        {
            var result = await provider.RequestAccessToken();
            if (result.TryGetToken(out var accessToken))
            {
                token = accessToken.Value;
            }
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}

/// <summary>An answer: the value when it succeeded, the problem otherwise.</summary>
public sealed record ApiResponse<T>(int Status, T? Value, Problem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>RFC 9457 problem details as the API writes them; <see cref="Errors"/> names fields.</summary>
public sealed record Problem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors)
{
    /// <summary>The server's stable code for what went wrong (a Domain code, such as <c>CaseClosed</c>), when it sent one.</summary>
    public string? Code { get; init; }

    /// <summary>The code's arguments (a status, a State code), as the server sent them.</summary>
    public IReadOnlyDictionary<string, string>? Args { get; init; }

    /// <summary>The fields a <c>FieldError</c> on the page shows; the banner lists the others, so no message goes unseen.</summary>
    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

    /// <summary>
    /// The messages for one field (the API's camelCase path, such as <c>household.adults</c>), its elements' included
    /// (<c>needs.languages[1]</c> under <c>needs.languages</c>: a list has one input).
    /// </summary>
    public IReadOnlyList<string> For(string field) =>
        Errors is null ? [] : Errors.Where(e => Covers(field, e.Key)).SelectMany(e => e.Value).ToArray();

    /// <summary>Marks <paramref name="field"/> as shown next to its input.</summary>
    public void Shown(string field) => _shown.Add(field);

    /// <summary>The field errors no <c>FieldError</c> shows (a rule on several fields, a member the form has no input for).</summary>
    public IReadOnlyList<KeyValuePair<string, string[]>> Unshown() =>
        Errors is null ? [] : Errors.Where(e => !_shown.Any(f => Covers(f, e.Key))).ToArray();

    private static bool Covers(string field, string key) =>
        key == field || (key.Length > field.Length && key.StartsWith(field, StringComparison.Ordinal) && key[field.Length] == '[');

    /// <summary>What to show when no field is named: the 409's reason or the detail.</summary>
    public string Message => Detail ?? Title ?? $"HTTP {Status}";
}
