using Relocation.Storage.Tables;
using Relocation.Testing;

namespace Relocation.Storage.Tests;

/// <summary>One Azurite for the storage tests, with the foundation's tables created once.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<StorageFixture>
{
    public const string Name = "Azurite";
}

public sealed class StorageFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        var resources = new[] { TableNames.States, TableNames.Capacity, Relocation.Storage.Capacities.CapacityRepository.ArchiveTable, TableNames.Audit, TableNames.Idempotency }.Select(StorageResource.Table);
        resources = resources.Append(StorageResource.Container(Relocation.Storage.CaseFiles.CaseFileStore.Container));
        await new StorageInitializer(Azurite.Clients, resources).EnsureCreatedAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Azurite.DisposeAsync();
}
