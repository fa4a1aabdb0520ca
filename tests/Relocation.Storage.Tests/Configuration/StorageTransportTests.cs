using Azure.Data.Tables;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Tests.Configuration;

/// <summary>The connection cap against a real Azurite: a burst waits in the pool instead of opening a connection per call.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageTransportTests(StorageFixture fixture)
{
    [Fact]
    public async Task StorageClients_BurstOfFortyReadsWithACapOfTwo_OpensAtMostTwoConnectionsAndAnswersEveryRead()
    {
        var opened = 0;
        var clients = new StorageClients(new DataStorageOptions { ConnectionString = fixture.Azurite.ConnectionString, MaxConnectionsPerEndpoint = 2 },
            connected: () => Interlocked.Increment(ref opened));
        var table = clients.Table("TransportCap");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Value"] = 1 });

        var reads = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => table.GetEntityIfExistsAsync<TableEntity>("p", "r")));

        Assert.All(reads, r => Assert.Equal(1, r.Value!.GetInt32("Value")));
        Assert.InRange(Volatile.Read(ref opened), 1, 2);
    }

    [Fact]
    public async Task StorageClients_BurstWithoutACap_OpensMoreThanTwoConnections()
    {
        // The same burst uncapped (the SDK's default): the reason for the cap, shown rather than assumed.
        var opened = 0;
        using var transport = StorageTransport.Create(int.MaxValue, () => Interlocked.Increment(ref opened));
        var table = new TableServiceClient(fixture.Azurite.ConnectionString, new TableClientOptions { Transport = transport }).GetTableClient("TransportCap");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Value"] = 1 });

        await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => table.GetEntityIfExistsAsync<TableEntity>("p", "r")));

        Assert.True(Volatile.Read(ref opened) > 2, $"opened {opened}");
    }
}
