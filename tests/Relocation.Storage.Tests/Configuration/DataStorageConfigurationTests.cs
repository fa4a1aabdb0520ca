using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Relocation.Storage.CaseFiles;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Tests.Configuration;

/// <summary>The Azure code path: identity-based settings, as Bicep writes them, give clients on service URIs with the app's identity.</summary>
public sealed class DataStorageConfigurationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddRelocationStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    private static readonly Dictionary<string, string?> Local = new()
    {
        ["DataStorage"] = "UseDevelopmentStorage=true",
        ["CaseFiles:ActiveKeyId"] = "k",
        ["CaseFiles:Keys:k"] = Convert.ToBase64String(new byte[32]),
    };

    [Fact]
    public void Bind_PlainValue_IsConnectionString()
    {
        using var services = Build(Local);

        var options = services.GetRequiredService<IOptions<DataStorageOptions>>().Value;

        Assert.True(options.UsesConnectionString);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<StorageClients>().Tables.AccountName);
    }

    [Fact]
    public void Bind_ConnectionStringWithTrace_ReadsTheTraceBesideIt()
    {
        using var services = Build(new Dictionary<string, string?>(Local) { ["DataStorage:Trace"] = "true" });

        Assert.True(services.GetRequiredService<IOptions<DataStorageOptions>>().Value.Trace);
    }

    [Fact]
    public void Bind_ConnectionStringWithACap_ReadsTheCapBesideIt()
    {
        using var services = Build(new Dictionary<string, string?>(Local) { ["DataStorage:MaxConnectionsPerEndpoint"] = "64" });

        var options = services.GetRequiredService<IOptions<DataStorageOptions>>().Value;

        Assert.True(options.UsesConnectionString);
        Assert.Equal(64, options.MaxConnectionsPerEndpoint);
    }

    [Fact]
    public void Validate_CapBelowOne_Refused()
    {
        var options = new DataStorageOptions { ConnectionString = "UseDevelopmentStorage=true", MaxConnectionsPerEndpoint = 0 };

        Assert.Contains(options.Validate(), r => r.MemberNames.Contains(nameof(DataStorageOptions.MaxConnectionsPerEndpoint)));
    }

    [Fact]
    public void Bind_IdentitySection_ClientsUseServiceUrisAndManagedIdentity()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["DataStorage:accountName"] = "stdatarelocation",
            ["DataStorage:credential"] = "managedidentity",
            ["DataStorage:clientId"] = "11111111-2222-3333-4444-555555555555",
            ["CaseFiles:KeyVaultUri"] = "https://kv-relocation.vault.azure.net/",
            ["CaseFiles:KeyVaultSecretName"] = "casefile-key",
        });

        var options = services.GetRequiredService<IOptions<DataStorageOptions>>().Value;
        var clients = services.GetRequiredService<StorageClients>();

        Assert.False(options.UsesConnectionString);
        Assert.Equal(new Uri("https://stdatarelocation.table.core.windows.net"), clients.Tables.Uri);
        Assert.Equal(new Uri("https://stdatarelocation.blob.core.windows.net"), clients.Blobs.Uri);
        Assert.IsType<ManagedIdentityCredential>(StorageClients.CreateCredential(options));
        Assert.IsType<KeyVaultCaseFileKeys>(services.GetRequiredService<ICaseFileKeys>());
    }

    [Fact]
    public void Bind_ExplicitServiceUris_WinOverAccountName()
    {
        using var services = Build(new Dictionary<string, string?>(Local)
        {
            ["DataStorage"] = null,
            ["DataStorage:tableServiceUri"] = "https://custom.table.example/",
            ["DataStorage:blobServiceUri"] = "https://custom.blob.example/",
        });

        var clients = services.GetRequiredService<StorageClients>();

        Assert.Equal("custom.table.example", clients.Tables.Uri.Host);
        Assert.Equal("custom.blob.example", clients.Blobs.Uri.Host);
    }

    [Fact]
    public void Validate_NoConnectionNorAccount_Fails()
    {
        using var services = Build(new Dictionary<string, string?> { ["CaseFiles:ActiveKeyId"] = "k", ["CaseFiles:Keys:k"] = Convert.ToBase64String(new byte[32]) });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DataStorageOptions>>().Value);
    }

    [Fact]
    public void CreateCredential_NotManagedIdentity_IsDefaultAzureCredential()
    {
        Assert.IsType<DefaultAzureCredential>(StorageClients.CreateCredential(new DataStorageOptions { AccountName = "x" }));
    }
}
