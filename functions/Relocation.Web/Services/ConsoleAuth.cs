using Microsoft.Extensions.Configuration;

namespace Relocation.Web.Services;

/// <summary>How the console signs in, from the appsettings.json its host serves: Development (the /signin page) or EntraId.</summary>
/// <param name="ApiScope">In EntraId mode, the scope the console asks access tokens for: see <see cref="ScopeOf"/>.</param>
public sealed record ConsoleAuth(string Mode, string? ApiScope)
{
    public bool IsDevelopment => string.Equals(Mode, "Development", StringComparison.Ordinal);

    public bool IsEntra => string.Equals(Mode, "EntraId", StringComparison.Ordinal);

    /// <summary>
    /// <c>Auth:ApiScope</c> if given, else the scope of <c>Auth:Audience</c>: the API's own <c>Auth__Audience</c> copied
    /// as is, so whoever writes the settings (the local host, a deployment) applies no rule of its own.
    /// </summary>
    public static ConsoleAuth From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var given = configuration["Auth:ApiScope"];
        var scope = string.IsNullOrWhiteSpace(given) ? ScopeOf(configuration["Auth:Audience"]) : given.Trim();
        return new(configuration["Auth:Mode"] ?? "EntraId", scope);
    }

    /// <summary>
    /// The <c>.default</c> scope of the API whose tokens carry <paramref name="audience"/>, or null without one. The
    /// audience is the API's Application ID URI (<c>api://…</c>, <c>https://…</c>: the scope is that URI + <c>/.default</c>)
    /// or, for v2 tokens, its bare application id (a GUID: Entra ID knows it as <c>api://&lt;id&gt;</c>).
    /// </summary>
    public static string? ScopeOf(string? audience)
    {
        if (string.IsNullOrWhiteSpace(audience))
        {
            return null;
        }

        var uri = audience.Trim().TrimEnd('/');
        return Guid.TryParse(uri, out _) ? $"api://{uri}/.default" : $"{uri}/.default";
    }
}
