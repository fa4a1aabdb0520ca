using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Storage.Fund;
using Relocation.Testing.Fakes;
using Relocation.Testing.Fund;

namespace Relocation.Storage.Tests.Fund;

/// <summary>
/// Finance's commitment to a case racing the case's cancellation, on the table ledger (Azurite): the check before
/// posting passes, then the case is cancelled and its release runs before or after the commitment is posted. Either
/// way the commitment ends released under the cancellation's key, the committed total is back where it was, and the
/// caller is refused (409 CaseClosedToCommitments). And the request that dies between its post and its second read:
/// its intent stays, and settling it (the sweep's step) releases the commitment once under the case's ending key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CaseCommitmentsTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private readonly InMemoryRelocationRepository _relocations = new();
    private TableFundLedger _table = null!;
    private InterleavedFundLedger _ledger = null!;
    private FundService _fund = null!;
    private CommitmentIntentIndex _intents = null!;
    private CaseCommitments _commitments = null!;

    public async Task InitializeAsync()
    {
        await FundLedgerStore.ResetAsync(fixture.Azurite.Clients);
        await fixture.Azurite.Clients.Tables.DeleteTableAsync(CommitmentIntentIndex.Table);
        await fixture.Azurite.Clients.Tables.CreateTableAsync(CommitmentIntentIndex.Table);
        _table = new TableFundLedger(fixture.Azurite.Clients, TimeProvider.System);
        _ledger = new InterleavedFundLedger(_table);
        _fund = new FundService(_table, TimeProvider.System);
        _intents = new CommitmentIntentIndex(fixture.Azurite.Clients);
        _commitments = new CaseCommitments(_ledger, _fund, _relocations, _intents, TimeProvider.System);
        await _table.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(1000m, "EUR"), 1000m, null, Today, null), Today), "seed", CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(true, "finance-1")]
    [InlineData(false, "finance-2")]
    public async Task CommitAsync_CaseCancelledAndReleasedBeforeOrAfterThePost_ReleasedOnceUnderTheCancellationKeyAnd409(bool releaseFirst, string key)
    {
        // Before: the release finds nothing and the second read releases; after: the release frees it, the second read adds nothing.
        var (id, before) = await OpenCaseAsync();
        if (releaseFirst)
        {
            _ledger.BeforeCommitment = () => CancelAndReleaseAsync(id);
        }
        else
        {
            _ledger.AfterCommitment = () => CancelAndReleaseAsync(id);
        }

        var refused = await Assert.ThrowsAsync<ConflictException>(() => _commitments.CommitAsync(Commitment(id), key, CancellationToken.None));

        Assert.Equal(nameof(ProblemCode.CaseClosedToCommitments), refused.Code);
        await AssertReleasedOnceByTheCancellationAsync(key, before);
    }

    [Fact]
    public async Task CommitAsync_RetriedAfterTheRace_Same409AndNothingMorePosted()
    {
        var (id, _) = await OpenCaseAsync();
        _ledger.BeforeCommitment = () => CancelAndReleaseAsync(id);
        await Assert.ThrowsAsync<ConflictException>(() => _commitments.CommitAsync(Commitment(id), "finance-3", CancellationToken.None));
        var sequence = (await _table.BalanceAsync(null, CancellationToken.None)).Sequence;

        var again = await Assert.ThrowsAsync<ConflictException>(() => _commitments.CommitAsync(Commitment(id), "finance-3", CancellationToken.None));

        Assert.Equal(nameof(ProblemCode.CaseClosedToCommitments), again.Code);
        Assert.Equal(sequence, (await _table.BalanceAsync(null, CancellationToken.None)).Sequence);
    }

    [Fact]
    public async Task CommitAsync_CaseStillOpenAfterThePost_CommittedAndTheLaterCancellationReleasesIt()
    {
        var (id, before) = await OpenCaseAsync();

        var posted = await _commitments.CommitAsync(Commitment(id), "finance-4", CancellationToken.None);
        await CancelAndReleaseAsync(id);

        Assert.Equal((Posting.IdFor("finance-4"), 25000L), (posted.Posting.Id, posted.Posting.EurMinor));
        await AssertReleasedOnceByTheCancellationAsync("finance-4", before);
    }

    [Fact]
    public async Task SettleAsync_RequestDiedAfterItsPostOnACaseClosedMeanwhile_ReleasedOnceUnderTheCancellationKeyAndIntentGone()
    {
        // The case is cancelled (and its release has run, finding nothing) just before the post; the process dies just after.
        var (id, before) = await OpenCaseAsync();
        _ledger.BeforeCommitment = () => CancelAndReleaseAsync(id);
        _ledger.AfterCommitment = () => throw new IOException("The process died after the post.");
        await Assert.ThrowsAsync<IOException>(() => _commitments.CommitAsync(Commitment(id), "finance-5", CancellationToken.None));
        var commitment = Posting.IdFor("finance-5");
        Assert.Equal(25000, (await _table.FindDocumentAsync(commitment, CancellationToken.None))!.Remaining);
        Assert.Equal(commitment, Assert.Single(await IntentsAsync()).CommitmentId);

        var first = await _commitments.SettleAsync(commitment, CancellationToken.None);
        var second = await _commitments.SettleAsync(commitment, CancellationToken.None);

        Assert.Equal((true, false), (first, second));
        await AssertReleasedOnceByTheCancellationAsync("finance-5", before);
        Assert.Empty(await IntentsAsync());
    }

    [Fact]
    public async Task SettleAsync_RequestDiedAfterItsPostOnACaseStillOpen_NothingReleasedIntentGoneAndTheCancellationReleasesIt()
    {
        var (id, before) = await OpenCaseAsync();
        _ledger.AfterCommitment = () => throw new IOException("The process died after the post.");
        await Assert.ThrowsAsync<IOException>(() => _commitments.CommitAsync(Commitment(id), "finance-6", CancellationToken.None));

        Assert.False(await _commitments.SettleAsync(Posting.IdFor("finance-6"), CancellationToken.None));
        Assert.Empty(await IntentsAsync());
        Assert.Equal(25000, (await _table.FindDocumentAsync(Posting.IdFor("finance-6"), CancellationToken.None))!.Remaining);
        await CancelAndReleaseAsync(id);
        await AssertReleasedOnceByTheCancellationAsync("finance-6", before);
    }

    [Fact]
    public async Task CommitAsync_CommittedRaceLostOrRefusedForMoney_LeavesNoIntent()
    {
        // Every request that lives to answer settles its own intent: nothing is left for the sweep, so nothing grows.
        var (open, _) = await OpenCaseAsync();
        var (raced, _) = await OpenCaseAsync();
        await _commitments.CommitAsync(Commitment(open), "finance-7", CancellationToken.None);
        _ledger.BeforeCommitment = () => CancelAndReleaseAsync(raced);
        await Assert.ThrowsAsync<ConflictException>(() => _commitments.CommitAsync(Commitment(raced), "finance-8", CancellationToken.None));
        var tooMuch = FundCommands.Commitment(new CommitmentCommand(open, 5000m, Today, null), Today);
        await Assert.ThrowsAsync<ConflictException>(() => _commitments.CommitAsync(tooMuch, "finance-9", CancellationToken.None));

        Assert.Empty(await IntentsAsync());
    }

    private Task<IReadOnlyList<CommitmentIntent>> IntentsAsync() => _intents.WrittenBeforeAsync(DateTimeOffset.MaxValue, 100, CancellationToken.None);

    private static FundCommand Commitment(string relocationId) =>
        FundCommands.Commitment(new CommitmentCommand(relocationId, 250m, Today, null), Today);

    private async Task<(string Id, FundBalance Before)> OpenCaseAsync()
    {
        var relocation = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts("ICC-01/04-01/06", "W-0440", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 0), new Needs(["en"], false)), Now, "Vwu.Officer");
        await _relocations.AddAsync(relocation, CancellationToken.None);
        return (relocation.Id, await _table.BalanceAsync(null, CancellationToken.None));
    }

    /// <summary>What VWU's cancellation and then the orchestration's last step do: the row first, then the release.</summary>
    private async Task CancelAndReleaseAsync(string id)
    {
        var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
        relocation.Cancel("Threat assessment changed", Now);
        await _relocations.UpdateAsync(relocation, CancellationToken.None);
        await _fund.ReleaseAllForRelocationAsync(id, CaseRelease.Cancellation, CancellationToken.None);
    }

    private async Task AssertReleasedOnceByTheCancellationAsync(string key, FundBalance before)
    {
        var commitment = Posting.IdFor(key);
        var after = await _table.BalanceAsync(null, CancellationToken.None);
        Assert.Equal(0, (await _table.FindDocumentAsync(commitment, CancellationToken.None))!.Remaining);
        Assert.Equal(25000, (await _table.FindAsync(Posting.IdFor(FundService.CancelReleaseKey(commitment)), CancellationToken.None))!.EurMinor);
        Assert.Equal(before.Committed, after.Committed);
        Assert.Equal(before.Sequence + 2, after.Sequence);
    }
}
