using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Storage;
using Relocation.Storage.Tables;
using Relocation.Testing;

namespace Relocation.Workflows.Tests;

/// <summary>The app's storage and workflow services over a test's own Azurite, its tables and containers created (the sweeps' tests).</summary>
internal static class StorageServices
{
    public static async Task<ServiceProvider> StartAsync(AzuriteFixture azurite)
    {
        await azurite.InitializeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataStorage"] = azurite.ConnectionString,
            ["CaseFiles:ActiveKeyId"] = "k",
            ["CaseFiles:Keys:k"] = Convert.ToBase64String(new byte[32]),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddRelocationStorage(configuration).AddRelocationWorkflows(configuration).BuildServiceProvider();
        await services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        return services;
    }
}
