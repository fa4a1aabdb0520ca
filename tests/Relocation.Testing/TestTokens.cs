using System.Text.Json;
using Relocation.Api.Security;
using Relocation.LocalHost;

namespace Relocation.Testing;

/// <summary>Development tokens signed with the key of <c>local.settings.sample.json</c>, as the local host's token command mints them.</summary>
public static class TestTokens
{
    public static AuthOptions Options { get; } = Load();

    public static string For(string role, string? state = null, string? name = null, string? subject = null) =>
        DevelopmentTokenIssuer.Issue(Options, role, state, name, TimeSpan.FromHours(1), subject);

    private static AuthOptions Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.SettingsSample));
        var values = document.RootElement.GetProperty("Values");
        return new AuthOptions
        {
            Mode = AuthMode.Development,
            Issuer = values.GetProperty("Auth__Issuer").GetString(),
            Audience = values.GetProperty("Auth__Audience").GetString()!,
            DevelopmentSigningKey = values.GetProperty("Auth__DevelopmentSigningKey").GetString(),
        };
    }
}
