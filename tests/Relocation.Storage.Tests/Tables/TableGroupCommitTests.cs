using Azure.Data.Tables;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableGroupCommitTests(StorageFixture fixture)
{
    private async Task<(TableClient Table, TableGroupCommit Writes)> NewTableAsync(bool enabled = true)
    {
        var clients = new StorageClients(new DataStorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, groupCommit: enabled);
        var name = "GroupCommit" + Guid.NewGuid().ToString("N")[..12];
        var table = clients.Table(name);
        await table.CreateIfNotExistsAsync();
        return (table, clients.GroupCommit(name));
    }

    private static async Task<string[]> RowsAsync(TableClient table, string partition)
    {
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition))
        {
            keys.Add(e.RowKey);
        }

        return [.. keys.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task InsertOnceAsync_ManyRowsOfOnePartitionAtOnce_AllWrittenInFewerRoundTripsThanRows()
    {
        var (table, writes) = await NewTableAsync();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => writes.InsertOnceAsync(new TableEntity("p", $"r{i:D2}") { ["N"] = i })));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"r{i:D2}"), await RowsAsync(table, "p"));
        Assert.True(writes.RoundTrips < 40, $"{writes.RoundTrips} round trips for 40 rows");
    }

    [Fact]
    public async Task InsertOnceAsync_SomeRowsExist_ExistingKeptOthersWrittenNoError()
    {
        var (table, writes) = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r05") { ["N"] = -1 });

        // A rerun's batch holds a row the first run wrote: the transaction fails whole, each row is then written alone.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => writes.InsertOnceAsync(new TableEntity("p", $"r{i:D2}") { ["N"] = i })));

        Assert.Equal(10, (await RowsAsync(table, "p")).Length);
        Assert.Equal(-1, (await table.GetEntityAsync<TableEntity>("p", "r05")).Value.GetInt32("N"));
    }

    [Fact]
    public async Task UpsertAsync_SameRowTwiceAtOnce_BothSucceedLastWins()
    {
        var (table, writes) = await NewTableAsync();

        await Task.WhenAll(
            writes.UpsertAsync(new TableEntity("p", "a") { ["N"] = 1 }),
            writes.UpsertAsync(new TableEntity("p", "b") { ["N"] = 1 }),
            writes.UpsertAsync(new TableEntity("p", "a") { ["N"] = 2 }),
            writes.UpsertAsync(new TableEntity("q", "a") { ["N"] = 3 }));

        Assert.Equal(["a", "b"], await RowsAsync(table, "p"));
        Assert.Equal(2, (await table.GetEntityAsync<TableEntity>("p", "a")).Value.GetInt32("N"));
        Assert.Equal(["a"], await RowsAsync(table, "q"));
    }

    [Fact]
    public async Task MergeAsync_RowsPresentAndAbsentAtOnce_ColumnAddedOthersKeptAbsentCreated()
    {
        var (table, writes) = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "kept") { ["N"] = 7 });

        // In one batch: the existing row keeps its column, the absent one is created with the merged column only.
        await Task.WhenAll(writes.MergeAsync(new TableEntity("p", "kept") { ["Closing"] = true }), writes.MergeAsync(new TableEntity("p", "new") { ["Closing"] = true }));

        var kept = (await table.GetEntityAsync<TableEntity>("p", "kept")).Value;
        Assert.Equal((7, true), (kept.GetInt32("N"), kept.GetBoolean("Closing")));
        var created = (await table.GetEntityAsync<TableEntity>("p", "new")).Value;
        Assert.Equal((null, true), (created.GetInt32("N"), created.GetBoolean("Closing")));
    }

    [Fact]
    public async Task DeleteAsync_SomeRowsAlreadyGone_RestDeletedNoError()
    {
        var (table, writes) = await NewTableAsync();
        foreach (var key in new[] { "a", "c", "e" })
        {
            await table.AddEntityAsync(new TableEntity("p", key));
        }

        await Task.WhenAll(new[] { "a", "b", "c", "d", "e" }.Select(key => writes.DeleteAsync("p", key)));

        Assert.Empty(await RowsAsync(table, "p"));
    }

    [Fact]
    public async Task InsertOnceAsync_Disabled_EveryRowItsOwnRoundTrip()
    {
        var (table, writes) = await NewTableAsync(enabled: false);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => writes.InsertOnceAsync(new TableEntity("p", $"r{i}"))));

        Assert.Equal(10, (await RowsAsync(table, "p")).Length);
        Assert.Equal(10, writes.RoundTrips);
    }
}
