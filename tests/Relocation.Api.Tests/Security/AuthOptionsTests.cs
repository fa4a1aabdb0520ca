using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Relocation.Api.Security;
using Relocation.Domain.Security;

namespace Relocation.Api.Tests.Security;

public sealed class AuthOptionsTests
{
    private static readonly Dictionary<string, string?> Development = new()
    {
        ["Auth:Mode"] = "Development",
        ["Auth:Issuer"] = "relocation-local",
        ["Auth:Audience"] = "api://relocation",
        ["Auth:DevelopmentSigningKey"] = "a-test-signing-key-that-is-long-enough-0123456789",
    };

    private static AuthOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddRelocationApi(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AuthOptions>>().Value;
    }

    [Theory]
    [InlineData("WEBSITE_INSTANCE_ID")]
    [InlineData("WEBSITE_SITE_NAME")]
    [InlineData("CONTAINER_APP_NAME")]
    public void Options_DevelopmentModeInAzure_AreRefusedNamingTheMarker(string marker)
    {
        var settings = new Dictionary<string, string?>(Development) { [marker] = "0123abcd" };

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains($"Auth__Mode=Development is refused: this process runs in Azure ({marker} is set)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DevelopmentModeOffAzure_AreAccepted()
    {
        var options = Resolve(Development);

        Assert.Equal(AuthMode.Development, options.Mode);
        Assert.Null(options.AzureMarker);
    }

    [Fact]
    public void Options_AzureMarkerInTheAuthSection_IsOverriddenByTheEnvironment()
    {
        // The marker cannot be cleared by configuration: it comes from the platform's variables only.
        var settings = new Dictionary<string, string?>(Development) { ["Auth:AzureMarker"] = null, ["WEBSITE_INSTANCE_ID"] = "x" };

        Assert.Throws<OptionsValidationException>(() => Resolve(settings));
    }

    [Fact]
    public void Options_EntraIdInAzure_AreAccepted()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "EntraId", ["Auth:Audience"] = "api://relocation", ["Auth:TenantId"] = "tenant", ["WEBSITE_INSTANCE_ID"] = "x",
        });

        Assert.Equal(AuthMode.EntraId, options.Mode);
    }

    [Fact]
    public void Issue_InAzure_Refuses()
    {
        var options = new AuthOptions
        {
            Mode = AuthMode.Development, Issuer = "i", Audience = "a", DevelopmentSigningKey = new string('k', 40), AzureMarker = "WEBSITE_INSTANCE_ID",
        };

        Assert.Throws<InvalidOperationException>(() => DevelopmentTokenIssuer.Issue(options, Roles.VwuOfficer, null, null, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("api://relocation", "0f0e0d0c-0b0a-0908-0706-050403020100", "0f0e0d0c-0b0a-0908-0706-050403020100")]
    [InlineData("api://0f0e0d0c-0b0a-0908-0706-050403020100", null, "0f0e0d0c-0b0a-0908-0706-050403020100")]
    [InlineData("api://0f0e0d0c-0b0a-0908-0706-050403020100/", null, "0f0e0d0c-0b0a-0908-0706-050403020100")]
    [InlineData("0f0e0d0c-0b0a-0908-0706-050403020100", null, "0f0e0d0c-0b0a-0908-0706-050403020100")]
    [InlineData("api://relocation-abc123", null, null)]
    [InlineData("https://court.example/relocation", " ", null)]
    public void ConsoleClientId_AudienceAndClientId_TheAppIdTheConsoleSignsInWith(string audience, string? clientId, string? expected)
    {
        var options = new AuthOptions { Audience = audience, ClientId = clientId };

        Assert.Equal(expected, options.ConsoleClientId());
    }
}
