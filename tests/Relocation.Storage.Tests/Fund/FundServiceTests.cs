using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Fund;

/// <summary>The workflow face of the ledger on Azurite: what an activity retried after a crash relies on.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FundServiceTests(StorageFixture fixture) : IAsyncLifetime
{
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
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(1000m, "EUR"), 1000m, null, today, null), today), "seed", CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CommitForRelocationAsync_SameKeyTwice_OneCommitmentSameId()
    {
        var first = await _service.CommitForRelocationAsync("R-1", 40000, "relocation:R-1:commit", CancellationToken.None);
        var again = await _service.CommitForRelocationAsync("R-1", 40000, "relocation:R-1:commit", CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(Posting.IdFor("relocation:R-1:commit"), first);
        Assert.Equal(40000, (await _ledger.BalanceAsync(null, CancellationToken.None)).Committed);
    }

    [Fact]
    public async Task CommitForRelocationAsync_MoreThanAvailable_ConflictAndNothingCommitted()
    {
        await Assert.ThrowsAsync<ConflictException>(() => _service.CommitForRelocationAsync("R-2", 100001, "relocation:R-2:commit", CancellationToken.None));

        Assert.Equal(0, (await _ledger.BalanceAsync(null, CancellationToken.None)).Committed);
    }

    [Fact]
    public async Task ReleaseAsync_AllRemainingTwice_ReleasedOnceAndNeverCommittedIsNothing()
    {
        var commitment = await _service.CommitForRelocationAsync("R-3", 30000, "relocation:R-3:commit", CancellationToken.None);
        await _service.DisburseAsync(commitment, 10000, "Provider", "relocation:R-3:disburse:1", CancellationToken.None);

        await _service.ReleaseAsync(commitment, null, "relocation:R-3:release", CancellationToken.None);
        await _service.ReleaseAsync(commitment, null, "relocation:R-3:release", CancellationToken.None);
        await _service.ReleaseAsync(Posting.IdFor("relocation:R-4:commit"), null, "relocation:R-4:release", CancellationToken.None);

        var balance = await _ledger.BalanceAsync(null, CancellationToken.None);
        Assert.Equal(0, balance.Committed);
        Assert.Equal(90000, balance.Cash);
        Assert.Equal(4, balance.Sequence);
    }

    [Fact]
    public async Task CommitForRelocationAsync_Earmarks_DrawsOnTheFirstEarmarkWithFreeMoneyAndDisbursesFromItFirst()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("JPN", null, new MoneyFields(300m, "EUR"), 300m, "African", today, null), today), "african", CancellationToken.None);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("JPN", null, new MoneyFields(500m, "EUR"), 500m, "WitnessRelocation", today, null), today), "kind", CancellationToken.None);
        string[] earmarks = ["MLI", "African", "WitnessRelocation"];

        var commitment = await _service.CommitForRelocationAsync("R-5", 40000, "relocation:R-5:commit", earmarks, CancellationToken.None);
        var replay = await _service.CommitForRelocationAsync("R-5", 40000, "relocation:R-5:commit", earmarks, CancellationToken.None);
        var disbursement = await _service.DisburseAsync(commitment, 40000, "MLI", "relocation:R-5:disburse:1", CancellationToken.None);

        Assert.Equal(commitment, replay);
        Assert.Equal("African", (await _ledger.FindAsync(commitment, CancellationToken.None))!.Earmark);
        var paid = (await _ledger.FindAsync(disbursement, CancellationToken.None))!.Entries;
        Assert.Contains(new LedgerEntry("Cash:African", -30000), paid);
        Assert.Contains(new LedgerEntry("Cash", -10000), paid);
        var balance = await _ledger.BalanceAsync(null, CancellationToken.None);
        Assert.False(balance.CashByEarmark.ContainsKey("African"));
        Assert.Equal(50000, balance.CashByEarmark["WitnessRelocation"]);

        // The African money is spent: the next case for that region draws on its kind's earmark.
        var next = await _service.CommitForRelocationAsync("R-6", 20000, "relocation:R-6:commit", earmarks, CancellationToken.None);
        Assert.Equal("WitnessRelocation", (await _ledger.FindAsync(next, CancellationToken.None))!.Earmark);
    }

    [Fact]
    public async Task ReleaseAllForRelocationAsync_FinanceCommitmentPartlyReleasedAndDisbursed_RemainderReleasedOnceAndDisbursedUntouched()
    {
        // Arrange: Finance commits 1000 EUR to the case by hand, releases 100 and disburses 200; the saga committed 50 too;
        // another case's commitment must stay.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(2000m, "EUR"), 2000m, null, today, null), today), "seed-2", CancellationToken.None);
        var byHand = (await _ledger.PostAsync(FundCommands.Commitment(new CommitmentCommand("R-7", 1000m, today, null), today), "finance-c-1", CancellationToken.None)).Posting.Id;
        await _ledger.PostAsync(FundCommands.Release(byHand, new ReleaseCommand(100m, today), today), "finance-r-1", CancellationToken.None);
        await _ledger.PostAsync(FundCommands.Disbursement(new DisbursementCommand(byHand, 200m, "Provider", today, null), today, 0m), "finance-d-1", CancellationToken.None);
        var saga = await _service.CommitForRelocationAsync("R-7", 5000, "relocation:R-7:commit", CancellationToken.None);
        var other = await _service.CommitForRelocationAsync("R-8", 30000, "relocation:R-8:commit", CancellationToken.None);
        var before = await _ledger.BalanceAsync(null, CancellationToken.None);

        // Act: the cancellation's step, run twice (an activity retried after a crash).
        var first = await _service.ReleaseAllForRelocationAsync("R-7", CancellationToken.None);
        var second = await _service.ReleaseAllForRelocationAsync("R-7", CancellationToken.None);

        // Assert: the case's every commitment is empty, by one release each; the disbursement and the other case are as they were.
        var after = await _ledger.BalanceAsync(null, CancellationToken.None);
        Assert.Equal((2, 0), (first, second));
        Assert.Equal(before.Sequence + 2, after.Sequence);
        Assert.Equal(30000, after.Committed);
        Assert.Equal(before.Cash, after.Cash);
        Assert.Equal(300000 - 20000, after.Cash);
        Assert.Equal(before.Committed - 70000 - 5000, after.Committed);
        var commitments = await _ledger.RelocationCommitmentsAsync("R-7", CancellationToken.None);
        Assert.Equal(new[] { byHand, saga }.Order(StringComparer.Ordinal), commitments.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.All(commitments, c => Assert.Equal(0, c.Remaining));
        Assert.Equal(30000, (await _ledger.FindDocumentAsync(other, CancellationToken.None))!.Remaining);
        Assert.NotNull(await _ledger.FindAsync(Posting.IdFor(FundService.CancelReleaseKey(byHand)), CancellationToken.None));
    }

    [Theory]
    [InlineData(CaseRelease.Withdrawal, "withdrawal")]
    [InlineData(CaseRelease.ReviewEnd, "review-end")]
    public async Task ReleaseAllForRelocationAsync_WithdrawalOrReviewEnd_EveryCommitmentReleasedOnceUnderThatEndingsKey(CaseRelease ending, string suffix)
    {
        // Arrange: Finance's commitment by hand and the saga's, on a case of its own per ending (the ledger is shared).
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var relocation = $"R-{suffix}";
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(2000m, "EUR"), 2000m, null, today, null), today), $"seed-{suffix}", CancellationToken.None);
        var byHand = (await _ledger.PostAsync(FundCommands.Commitment(new CommitmentCommand(relocation, 1000m, today, null), today), $"finance-{suffix}", CancellationToken.None)).Posting.Id;
        var saga = await _service.CommitForRelocationAsync(relocation, 5000, $"relocation:{relocation}:commit", CancellationToken.None);

        // Act: the ending's step, run twice (an activity retried after a crash).
        var first = await _service.ReleaseAllForRelocationAsync(relocation, ending, CancellationToken.None);
        var second = await _service.ReleaseAllForRelocationAsync(relocation, ending, CancellationToken.None);

        // Assert: both emptied, each by one release under commitment:{id}:{ending}, none under the cancellation's key.
        Assert.Equal((2, 0), (first, second));
        Assert.All(await _ledger.RelocationCommitmentsAsync(relocation, CancellationToken.None), c => Assert.Equal(0, c.Remaining));
        foreach (var commitment in new[] { byHand, saga })
        {
            Assert.Equal($"commitment:{commitment}:{suffix}", FundService.ReleaseKeyFor(commitment, ending));
            Assert.NotNull(await _ledger.FindAsync(Posting.IdFor(FundService.ReleaseKeyFor(commitment, ending)), CancellationToken.None));
            Assert.Null(await _ledger.FindAsync(Posting.IdFor(FundService.CancelReleaseKey(commitment)), CancellationToken.None));
        }
    }

    [Fact]
    public async Task RelocationCommitmentsAsync_CaseWithoutCommitmentsOrBadId_Empty()
    {
        await _service.CommitForRelocationAsync("R-9", 1000, "relocation:R-9:commit", CancellationToken.None);

        Assert.Empty(await _ledger.RelocationCommitmentsAsync("R-10", CancellationToken.None));
        Assert.Empty(await _ledger.RelocationCommitmentsAsync("R-9' or PartitionKey ne '", CancellationToken.None));
        Assert.Single(await _ledger.RelocationCommitmentsAsync("R-9", CancellationToken.None));
    }
}
