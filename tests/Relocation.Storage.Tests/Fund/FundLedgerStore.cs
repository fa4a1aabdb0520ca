using Relocation.Storage.Configuration;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Fund;

/// <summary>What the ledger's tests share: an empty ledger store, and a clock they set.</summary>
internal static class FundLedgerStore
{
    /// <summary>Drops the ledger's and the days' tables and every sealed blob, and creates them empty again.</summary>
    public static async Task ResetAsync(StorageClients clients)
    {
        foreach (var name in new[] { TableFundLedger.Table, TableFundLedger.DaysTable })
        {
            await clients.Tables.DeleteTableAsync(name);
        }

        await new StorageInitializer(clients, [StorageResource.Table(TableFundLedger.Table), StorageResource.Table(TableFundLedger.DaysTable), StorageResource.Container(TableFundLedger.SealedContainer)]).EnsureCreatedAsync(CancellationToken.None);
        var container = clients.Container(TableFundLedger.SealedContainer);
        await foreach (var blob in container.GetBlobsAsync())
        {
            await container.DeleteBlobAsync(blob.Name);
        }
    }
}

/// <summary>A clock that says what the test set: moved on by the tests that need a day or a week to pass.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
