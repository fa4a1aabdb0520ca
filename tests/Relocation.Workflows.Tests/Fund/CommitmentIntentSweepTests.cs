using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Capacities;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Testing;
using Relocation.Testing.Fund;
using Relocation.Workflows.Fund;

namespace Relocation.Workflows.Tests.Fund;

/// <summary>
/// The commitment-intent sweep over the app's own storage on Azurite: a <c>POST fund/commitments</c> that died after its
/// post, on a case cancelled (and released) just before it, leaves the commitment held by a closed case; the sweep, with
/// no client retry, releases it once under the cancellation's key, and a second sweep finds nothing.
/// </summary>
public sealed class CommitmentIntentSweepTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private readonly AzuriteFixture _azurite = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await StorageServices.StartAsync(_azurite);
        await Ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(1000m, "EUR"), 1000m, null, Today, null), Today), "seed", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private IRelocationRepository Relocations => _services.GetRequiredService<IRelocationRepository>();

    private IFundLedger Ledger => _services.GetRequiredService<IFundLedger>();

    private IFundService Fund => _services.GetRequiredService<IFundService>();

    private CommitmentIntentSweep Sweep => _services.GetRequiredService<CommitmentIntentSweep>();

    [Fact]
    public async Task SweepAsync_RequestDiedAfterItsPostOnACaseClosedMeanwhile_ReleasedOnceUnderTheCancellationKey()
    {
        var id = await OpenCaseAsync();
        var before = await Ledger.BalanceAsync(null, CancellationToken.None);
        var ledger = new InterleavedFundLedger(Ledger)
        {
            BeforeCommitment = () => CancelAndReleaseAsync(id),
            AfterCommitment = () => throw new IOException("The process died after the post."),
        };
        // The request ran past the grace period ago: its intent is due.
        var request = new CaseCommitments(ledger, Fund, Relocations, _services.GetRequiredService<ICommitmentIntents>(), new PastTime(Sweep.Options.GracePeriod * 2));
        await Assert.ThrowsAsync<IOException>(() => request.CommitAsync(Commitment(id), "finance-1", CancellationToken.None));
        var commitment = Posting.IdFor("finance-1");

        var first = await Sweep.SweepAsync(CancellationToken.None);
        var second = await Sweep.SweepAsync(CancellationToken.None);

        Assert.Equal(new CommitmentIntentSweepResult(1, 1), first);
        Assert.Equal(new CommitmentIntentSweepResult(0, 0), second);
        var after = await Ledger.BalanceAsync(null, CancellationToken.None);
        Assert.Equal(0, (await Ledger.FindDocumentAsync(commitment, CancellationToken.None))!.Remaining);
        Assert.Equal(25000, (await Ledger.FindAsync(Posting.IdFor(FundService.CancelReleaseKey(commitment)), CancellationToken.None))!.EurMinor);
        Assert.Equal((before.Committed, before.Sequence + 2), (after.Committed, after.Sequence));
    }

    [Fact]
    public async Task SweepAsync_RequestsThatAnsweredAndOneStillInItsGracePeriod_NothingSettled()
    {
        // Answered requests deleted their intents; a young one (a request still running, as far as the sweep knows) waits.
        var open = await OpenCaseAsync();
        var commitments = _services.GetRequiredService<CaseCommitments>();
        await commitments.CommitAsync(Commitment(open), "finance-2", CancellationToken.None);
        var crashing = new CaseCommitments(new InterleavedFundLedger(Ledger) { AfterCommitment = () => throw new IOException("The process died after the post.") },
            Fund, Relocations, _services.GetRequiredService<ICommitmentIntents>(), TimeProvider.System);
        await Assert.ThrowsAsync<IOException>(() => crashing.CommitAsync(Commitment(open), "finance-3", CancellationToken.None));

        var result = await Sweep.SweepAsync(CancellationToken.None);

        Assert.Equal(new CommitmentIntentSweepResult(0, 0), result);
        Assert.Single(await _services.GetRequiredService<ICommitmentIntents>().WrittenBeforeAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
    }

    private static FundCommand Commitment(string relocationId) =>
        FundCommands.Commitment(new CommitmentCommand(relocationId, 250m, Today, null), Today);

    private async Task<string> OpenCaseAsync()
    {
        var relocation = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts("ICC-01/04-01/06", "W-0440", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 0), new Needs(["en"], false)), Now, "Vwu.Officer");
        await Relocations.AddAsync(relocation, CancellationToken.None);
        return relocation.Id;
    }

    /// <summary>What VWU's cancellation and then the orchestration's last step do: the row first, then the release.</summary>
    private async Task CancelAndReleaseAsync(string id)
    {
        var relocation = (await Relocations.FindAsync(id, CancellationToken.None))!;
        relocation.Cancel("Threat assessment changed", Now);
        await Relocations.UpdateAsync(relocation, CancellationToken.None);
        await Fund.ReleaseAllForRelocationAsync(id, CaseRelease.Cancellation, CancellationToken.None);
    }

    /// <summary>A clock set back by <paramref name="ago"/>: the request it times ran that long before the sweep.</summary>
    private sealed class PastTime(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() - ago;
    }
}
