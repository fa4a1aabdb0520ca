using Microsoft.Extensions.Configuration;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

/// <summary>
/// The scope the console asks Entra ID for must be the API's Application ID URI + <c>/.default</c> whatever form the
/// API's audience takes; a wrong one (<c>api://api://…</c>) fails every sign-in in Azure and nothing local shows it.
/// </summary>
public sealed class ConsoleAuthTests
{
    [Theory]
    [InlineData("5f0e7c36-9d1a-4b8e-a3c2-1d2e3f4a5b6c", "api://5f0e7c36-9d1a-4b8e-a3c2-1d2e3f4a5b6c/.default")]
    [InlineData("api://relocation-abc123", "api://relocation-abc123/.default")]
    [InlineData("api://5f0e7c36-9d1a-4b8e-a3c2-1d2e3f4a5b6c", "api://5f0e7c36-9d1a-4b8e-a3c2-1d2e3f4a5b6c/.default")]
    [InlineData("https://relocation.contoso.example/api", "https://relocation.contoso.example/api/.default")]
    [InlineData("api://relocation-abc123/", "api://relocation-abc123/.default")]
    [InlineData("https://relocation.contoso.example/api/", "https://relocation.contoso.example/api/.default")]
    [InlineData(" api://relocation-abc123 ", "api://relocation-abc123/.default")]
    public void From_Audience_AsksForItsApplicationIdUriDefaultScope(string audience, string expected)
    {
        var auth = ConsoleAuth.From(Settings(("Auth:Audience", audience)));

        Assert.Equal(expected, auth.ApiScope);
    }

    [Fact]
    public void From_ExplicitScope_WinsOverTheAudience()
    {
        var auth = ConsoleAuth.From(Settings(("Auth:Audience", "api://relocation-abc123"), ("Auth:ApiScope", "api://relocation-abc123/user_impersonation")));

        Assert.Equal("api://relocation-abc123/user_impersonation", auth.ApiScope);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void From_NoAudienceNorScope_NoScope(string? audience)
    {
        var auth = ConsoleAuth.From(Settings(("Auth:Mode", "EntraId"), ("Auth:Audience", audience)));

        Assert.Null(auth.ApiScope);
        Assert.True(auth.IsEntra);
    }

    private static IConfiguration Settings(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
