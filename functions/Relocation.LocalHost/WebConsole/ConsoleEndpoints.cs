using System.Text.Json;
using Microsoft.Extensions.Options;
using Relocation.Api.Json;
using Relocation.Api.Security;
using Relocation.Domain.Common;

namespace Relocation.LocalHost.WebConsole;

/// <summary>
/// The web console on the local host: its static files at <c>/</c> (same origin as <c>/api</c>), the configuration it
/// reads at start, and, in Development auth mode only, the endpoint behind its <c>/signin</c> page. None of this is part
/// of the API's route table, so the Functions app never serves a development token.
/// </summary>
internal static class ConsoleEndpoints
{
    public const string TokenPath = "/dev/token";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(8);

    public static void MapConsole(this WebApplication app, int port)
    {
        var host = $"*:{port}";
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;

        // What the console needs to know to sign in; no secret: the signing key never leaves the host. It takes the place of
        // the static appsettings.json (which says EntraId, so a console served without this endpoint never offers /signin).
        // The audience goes as is, app id or Application ID URI: the console makes the scope of it (ConsoleAuth.ScopeOf).
        object settings = auth.Mode == AuthMode.Development
            ? new { Auth = new { Mode = "Development" } }
            : new { Auth = new { Mode = "EntraId", Audience = auth.Audience, Oidc = new { Authority = $"https://login.microsoftonline.com/{auth.TenantId}/v2.0", ClientId = auth.ConsoleClientId() } } };
        app.Use(async (http, next) =>
        {
            if (http.Request.Path == "/appsettings.json" && HttpMethods.IsGet(http.Request.Method) && http.Connection.LocalPort == port)
            {
                http.Response.Headers.CacheControl = "no-cache";
                await Results.Json(settings).ExecuteAsync(http);
                return;
            }

            await next(http);
        });

        if (auth.Mode == AuthMode.Development)
        {
            app.MapPost(TokenPath, (Delegate)((HttpContext http) => IssueAsync(http, auth))).RequireHost(host);
        }

        app.MapStaticAssets().RequireHost(host);
        // Client-side routes (/cases/…, /signin) load the app; anything under /api or with a file extension stays a 404.
        // Under /api the route table answers, as the Functions app's catch-all does: a path of the API asked with another
        // method is a 405 with Allow, anything else a 404, both problems with the instance and correlation id.
        var pipeline = app.Services.GetRequiredService<Relocation.Api.Pipeline.ApiPipeline>();
        app.Map("/api/{**rest}", (HttpContext http) => pipeline.DispatchAsync(http))
            .RequireHost(host);
        app.MapFallbackToFile("{*path:nonfile}", "index.html")
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .RequireHost(host);
    }

    private static async Task<IResult> IssueAsync(HttpContext http, AuthOptions auth)
    {
        TokenRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<TokenRequest>(http.Request.Body, ApiJson.Options, http.RequestAborted);
        }
        catch (JsonException)
        {
            return Problem(http, "body", "Send {\"role\": \"Vwu.Officer\"} and, for a focal point, \"state\": \"NOR\".");
        }

        if (request?.Role is not { Length: > 0 } role)
        {
            return Problem(http, "role", "'role' is required.");
        }

        if (role == Domain.Security.Roles.StateFocalPoint && string.IsNullOrEmpty(request.State))
        {
            return Problem(http, "state", "A focal point acts for a State: give its ISO 3166-1 alpha-3 code.");
        }

        var state = role == Domain.Security.Roles.StateFocalPoint ? request.State : null;
        try
        {
            var name = state is null ? $"{role} (dev)" : $"{role} {state} (dev)";
            var token = DevelopmentTokenIssuer.Issue(auth, role, state, name, TokenLifetime);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { token, name, expiresIn = (int)TokenLifetime.TotalSeconds }, ApiJson.Options);
        }
        catch (DomainValidationException ex)
        {
            return Problem(http, ex.Message, ex.Errors);
        }
    }

    private static IResult Problem(HttpContext http, string field, string message) =>
        Problem(http, message, new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The API's problem shape (type, instance, correlation id and the fields), so a client reads one kind of 400.</summary>
    private static IResult Problem(HttpContext http, string detail, IReadOnlyDictionary<string, string[]> errors)
    {
        var correlationId = Relocation.Api.Pipeline.ApiPipeline.CorrelationIdOf(http);
        http.Response.Headers[Relocation.Api.Pipeline.ApiPipeline.CorrelationIdHeader] = correlationId;
        var problem = Relocation.Api.Problems.ProblemDetailsMapper.Create(400, "The request is invalid.", detail, http.Request.Path, correlationId, errors);
        return Results.Text(System.Text.Encoding.UTF8.GetString(problem.Body), "application/problem+json", System.Text.Encoding.UTF8, problem.Status);
    }

    private sealed record TokenRequest(string? Role, string? State);
}
