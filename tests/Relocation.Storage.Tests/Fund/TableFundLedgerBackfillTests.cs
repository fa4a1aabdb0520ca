using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Fund;

/// <summary>
/// The one-time backfill of the <c>relocation-{id}</c> commitment index on Azurite: commitments posted before the index
/// existed (their rows deleted here to stand for that older data) are found by a case's release only after it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableFundLedgerBackfillTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private TableFundLedger _ledger = null!;
    private FundService _service = null!;

    public async Task InitializeAsync()
    {
        var clients = fixture.Azurite.Clients;
        await clients.Tables.DeleteTableAsync(TableFundLedger.Table);
        await clients.Tables.DeleteTableAsync(TableFundLedger.DaysTable);
        await new StorageInitializer(clients, [StorageResource.Table(TableFundLedger.Table), StorageResource.Table(TableFundLedger.DaysTable)]).EnsureCreatedAsync(CancellationToken.None);
        _ledger = new TableFundLedger(clients, TimeProvider.System);
        _service = new FundService(_ledger, TimeProvider.System);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(5000m, "EUR"), 5000m, null, Today, null), Today), "seed", CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task BackfillRelocationIndexAsync_CommitmentsPostedBeforeTheIndex_IndexedOnceThenACancellationReleasesThem()
    {
        // Arrange: two commitments for R-old posted "before the index" (their index rows removed), one for R-new with its row.
        var old = new[] { await CommitAsync("R-old", 1000m, "c-old-1"), await CommitAsync("R-old", 500m, "c-old-2") };
        var current = await CommitAsync("R-new", 200m, "c-new");
        var table = fixture.Azurite.Clients.Table(TableFundLedger.Table);
        foreach (var id in old)
        {
            await table.DeleteEntityAsync("relocation-R-old", id);
        }

        Assert.Empty(await _ledger.RelocationCommitmentsAsync("R-old", CancellationToken.None));

        // Act: the background job's pass, three times (the first does the work; the marker stops the others).
        var first = await _ledger.BackfillRelocationIndexAsync(CancellationToken.None);
        var second = await _ledger.BackfillRelocationIndexAsync(CancellationToken.None);
        var released = await _service.ReleaseAllForRelocationAsync("R-old", CancellationToken.None);

        // Assert: exactly the two missing rows written; R-new untouched; the cancellation now finds and empties both.
        Assert.Equal(((int?)2, (int?)null), (first, second));
        Assert.Equal(old.Order(StringComparer.Ordinal), (await _ledger.RelocationCommitmentsAsync("R-old", CancellationToken.None)).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal([current], (await _ledger.RelocationCommitmentsAsync("R-new", CancellationToken.None)).Select(c => c.Id));
        Assert.Equal(2, released);
        Assert.Equal(20000, (await _ledger.BalanceAsync(null, CancellationToken.None)).Committed);
    }

    [Fact]
    public async Task BackfillRelocationIndexAsync_MarkerWritten_LaterCommitmentWithoutRowNotScannedAgain()
    {
        await CommitAsync("R-a", 100m, "c-a");
        Assert.Equal((int?)0, await _ledger.BackfillRelocationIndexAsync(CancellationToken.None));
        var later = await CommitAsync("R-b", 100m, "c-b");
        await fixture.Azurite.Clients.Table(TableFundLedger.Table).DeleteEntityAsync("relocation-R-b", later);

        // Once done, the job never walks the ledger again (the roll-forward indexes every commitment since).
        Assert.Null(await _ledger.BackfillRelocationIndexAsync(CancellationToken.None));
        Assert.Empty(await _ledger.RelocationCommitmentsAsync("R-b", CancellationToken.None));
    }

    private async Task<string> CommitAsync(string relocationId, decimal eur, string key) =>
        (await _ledger.PostAsync(FundCommands.Commitment(new CommitmentCommand(relocationId, eur, Today, null), Today), key, CancellationToken.None)).Posting.Id;
}
