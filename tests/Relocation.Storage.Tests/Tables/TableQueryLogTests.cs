using System.Collections.Concurrent;
using Azure.Data.Tables;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableQueryLogTests(StorageFixture fixture)
{
    [Fact]
    public async Task Classify_PointPartitionAndScan_EachReadItsKindTableAndPartition()
    {
        var reads = new ConcurrentQueue<TableRead>();
        var clients = new StorageClients(new DataStorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, TableQueryLog.ToList(reads));
        var table = clients.Table("QueryKinds");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p'1", "r1"));

        await table.GetEntityIfExistsAsync<TableEntity>("p'1", "r1");
        await foreach (var unused in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"p'1"} and RowKey gt {"a"}"), maxPerPage: 5))
        {
        }

        await foreach (var unused in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Name eq {"x"}")))
        {
        }

        using (TableQueryLog.Background("test-job"))
        {
            await foreach (var unused in table.QueryAsync<TableEntity>())
            {
            }
        }

        Assert.Equal(
            [
                new TableRead(TableReadKind.Point, "QueryKinds", "p'1", 1, false, "request"),
                new TableRead(TableReadKind.Partition, "QueryKinds", "p'1", 5, false, "request"),
                new TableRead(TableReadKind.Scan, "QueryKinds", null, null, false, "request"),
                new TableRead(TableReadKind.Scan, "QueryKinds", null, null, false, "background:test-job"),
            ],
            reads.ToArray());
    }

    [Fact]
    public void Parse_ALoggedLine_GivesTheReadBack()
    {
        var read = new TableRead(TableReadKind.Partition, "Audit", "202611", 21, true, "background:x");

        Assert.Equal(read, TableRead.Parse(read.ToLine()));
    }
}
