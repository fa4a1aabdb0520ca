using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Relocation.Functions.Tests;

/// <summary>Telemetry goes to Application Insights with the app's managed identity, never with a key.</summary>
public sealed class FunctionsTelemetryTests
{
    [Fact]
    public void CredentialFor_ClientIdAndAad_IsThatUserAssignedManagedIdentity()
    {
        var credential = FunctionsTelemetry.CredentialFor("ClientId=00000000-0000-0000-0000-00000000000a;Authorization=AAD");

        Assert.IsType<ManagedIdentityCredential>(credential);
    }

    [Theory]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=x;Authorization=InstrumentationKey")]
    public void CredentialFor_AnythingButAad_Throws(string authentication)
    {
        Assert.Throws<InvalidOperationException>(() => FunctionsTelemetry.CredentialFor(authentication));
    }

    [Fact]
    public void Configure_WithAzureTelemetrySettings_ExportsToAzureMonitorWithManagedIdentity()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(FunctionsApp.SampleConfiguration());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [FunctionsTelemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://example.invalid/",
            [FunctionsTelemetry.AuthenticationStringSetting] = "ClientId=00000000-0000-0000-0000-00000000000a;Authorization=AAD",
        });
        RelocationFunctionsApp.Configure(builder);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.IsType<ManagedIdentityCredential>(options.Credential);
        Assert.NotNull(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void Configure_WithoutConnectionString_DoesNotExportToAzureMonitor()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(FunctionsApp.SampleConfiguration());
        RelocationFunctionsApp.Configure(builder);
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Null(options.Credential);
    }
}
