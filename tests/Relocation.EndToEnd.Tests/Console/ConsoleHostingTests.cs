using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Console;

/// <summary>The local host serves the console at / next to /api, and the development sign-in only in Development auth mode.</summary>
public sealed class ConsoleHostingTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private HttpClient Root => new() { BaseAddress = new Uri($"http://127.0.0.1:{host.Host.Port}/") };

    [Theory]
    [InlineData("")]
    [InlineData("signin")]
    [InlineData("cases/0123456789abcdef0123456789abcdef")]
    public async Task Get_ConsolePath_ServesTheApp(string path)
    {
        using var http = Root;
        var html = await http.GetStringAsync(path);
        Assert.Contains("_framework/blazor.webassembly", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ConsolePage_LinksAnIconTheHostServes()
    {
        using var http = Root;
        var html = await http.GetStringAsync("");
        // Without a linked icon every browser asks for /favicon.ico, a 404 on every page.
        var link = System.Text.RegularExpressions.Regex.Match(html, "<link rel=\"icon\" href=\"([^\"]+)\"");
        Assert.True(link.Success, "index.html links no icon");

        using var icon = await http.GetAsync(link.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.StartsWith("image/", icon.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownApiRoute_IsAProblemNotTheApp()
    {
        using var http = Root;
        using var response = await http.GetAsync("api/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The contract's Problem, as every other answer of the API: instance and correlationId included.
        var problem = await LocalHostFixture.JsonAsync(response);
        Assert.Equal("/api/no-such-route", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlationId").GetString()));
    }

    [Fact]
    public async Task Delete_ApiPathWithoutThatMethod_405WithAllow()
    {
        using var http = Root;
        using var response = await http.DeleteAsync("api/states/NOR");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "PUT"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostDevToken_DevelopmentMode_IssuesATokenTheApiAccepts()
    {
        using var http = Root;
        Assert.Contains("Development", await http.GetStringAsync("appsettings.json"), StringComparison.Ordinal);
        using var response = await http.PostAsJsonAsync("dev/token", new { role = "State.FocalPoint", state = "NOR" });
        response.EnsureSuccessStatusCode();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var token = (await LocalHostFixture.JsonAsync(response)).GetProperty("token").GetString();

        using var capacity = await host.SendAsync(HttpMethod.Get, "states/NOR/capacity", token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, capacity.StatusCode);
        using var other = await host.SendAsync(HttpMethod.Get, "states/SWE/capacity", token);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Theory]
    [InlineData("""{"role":"Root"}""", "role")]
    [InlineData("""{"role":"State.FocalPoint"}""", "state")]
    [InlineData("""{"role":"State.FocalPoint","state":"nor"}""", "state")]
    [InlineData("not json", "body")]
    public async Task PostDevToken_BadRequest_400ProblemAsTheApiGivesItNamingTheField(string body, string field)
    {
        using var http = Root;
        using var response = await http.PostAsync("dev/token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await LocalHostFixture.JsonAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal("/dev/token", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), problem.GetProperty("correlationId").GetString());
    }
}

/// <summary>A host in Entra ID mode: no development token endpoint, and the console is told to sign in with Entra ID.</summary>
public sealed class EntraModeConsoleTests(EntraModeHostFixture host) : IClassFixture<EntraModeHostFixture>
{
    [Fact]
    public async Task PostDevToken_EntraMode_DoesNotExist()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Host.Port}/") };
        using var response = await http.PostAsJsonAsync("dev/token", new { role = "Registry.Admin" });
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)response.StatusCode}");
        var settings = await http.GetStringAsync("appsettings.json");
        Assert.Contains("EntraId", settings, StringComparison.Ordinal);
        Assert.DoesNotContain("Signing", settings, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetAppSettings_EntraModeWithUriAudience_ConsoleAsksForThatUrisDefaultScope()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Host.Port}/") };
        await using var settings = await http.GetStreamAsync("appsettings.json");

        // Read as the console reads it: the host's Auth__Audience is an Application ID URI, not an app id to wrap in api://.
        var auth = Relocation.Web.Services.ConsoleAuth.From(new ConfigurationBuilder().AddJsonStream(settings).Build());

        Assert.True(auth.IsEntra);
        Assert.Equal("api://relocation/.default", auth.ApiScope);
    }

    [Fact]
    public async Task GetAppSettings_EntraModeWithClientId_ConsoleSignsInWithTheApisRegistration()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{host.Host.Port}/") };
        await using var settings = await http.GetStreamAsync("appsettings.json");

        // Without a client id the OpenID Connect sign-in cannot start at all.
        var configuration = new ConfigurationBuilder().AddJsonStream(settings).Build();

        Assert.Equal(EntraModeHostFixture.ClientId, configuration["Auth:Oidc:ClientId"]);
    }
}

/// <summary>The local host with <c>Auth__Mode=EntraId</c> (a made-up tenant: nothing here signs in).</summary>
public sealed class EntraModeHostFixture : LocalHostFixture
{
    public const string ClientId = "11111111-2222-3333-4444-555555555555";

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Auth__Mode"] = "EntraId",
        ["Auth__TenantId"] = "00000000-0000-0000-0000-000000000001",
        ["Auth__Audience"] = "api://relocation",
        ["Auth__ClientId"] = ClientId,
    };
}
