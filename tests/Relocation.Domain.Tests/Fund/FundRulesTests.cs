using Relocation.Domain.Common;
using Relocation.Domain.Fund;

namespace Relocation.Domain.Tests.Fund;

public sealed class FundRulesTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Receipt_BeyondItsPledge_ConflictAndNothingWritten()
    {
        var book = new FundBook();
        var pledge = book.Post(FundCommands.Pledge(new PledgeCommand("NOR", new MoneyFields(1000m, "EUR"), 1000m, null, Today, null), Today), "p", Now).Posting;
        Assert.Throws<ConflictException>(() => book.Post(Receipt("NOR", pledge.Id, 1000.01m), "r", Now));
        Assert.Single(book.Postings);
        Assert.Equal(100000, book.Position.Receivable);
    }

    [Fact]
    public void Commitment_BeyondAvailable_Conflict()
    {
        var book = new FundBook();
        book.Post(Receipt("NOR", null, 500m), "r", Now);
        book.Post(Commit("R1", 400m), "c1", Now);
        Assert.Throws<ConflictException>(() => book.Post(Commit("R2", 100.01m), "c2", Now));
        Assert.Equal(10000, book.Position.Available);
    }

    [Fact]
    public void Commitment_WithoutPurpose_CannotUseEarmarkedMoney()
    {
        var book = new FundBook();
        book.Post(FundCommands.Receipt(new ReceiptCommand("JPN", null, new MoneyFields(1000m, "EUR"), 1000m, "WitnessRelocation", Today, null), Today), "r", Now);
        Assert.Throws<ConflictException>(() => book.Post(Commit("R1", 1m), "c1", Now));
        var commitment = book.Post(FundCommands.Commitment(new CommitmentCommand("R1", 1000m, Today, null, "WitnessRelocation"), Today), "c2", Now);
        Assert.False(commitment.Replayed);
        Assert.Equal(0, book.Position.Available);
    }

    [Fact]
    public void Disbursement_BeyondCommitment_Conflict()
    {
        var book = new FundBook();
        book.Post(Receipt("NOR", null, 500m), "r", Now);
        var commitment = book.Post(Commit("R1", 300m), "c", Now).Posting;
        book.Post(Disburse(commitment.Id, 200m), "d1", Now);
        Assert.Throws<ConflictException>(() => book.Post(Disburse(commitment.Id, 100.01m), "d2", Now));
        Assert.Equal(30000, book.Position.Cash);
        Assert.Equal(10000, book.Position.Committed);
    }

    [Fact]
    public void Post_SameKeyDifferentContent_Conflict()
    {
        var book = new FundBook();
        var first = book.Post(Receipt("NOR", null, 500m), "k", Now);
        var replay = book.Post(Receipt("NOR", null, 500m), "k", Now);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Posting, replay.Posting);
        Assert.Throws<ConflictException>(() => book.Post(Receipt("NOR", null, 501m), "k", Now));
    }

    [Fact]
    public void Correction_OfReceiptCoveringCommitments_Conflict()
    {
        var book = new FundBook();
        var receipt = book.Post(Receipt("NOR", null, 500m), "r", Now).Posting;
        book.Post(Commit("R1", 300m), "c", Now);
        Assert.Throws<ConflictException>(() => book.Post(new FundCommand(PostingKind.Correction, Today, receipt.EurMinor) { TargetId = receipt.Id }, "x", Now));
    }

    [Fact]
    public void Correction_OfEarmarkedReceiptAlreadySpent_TakesTheRestFromUnearmarkedCash()
    {
        // Found by the property test: the earmark's cash went below zero.
        var book = new FundBook();
        var earmarked = book.Post(FundCommands.Receipt(new ReceiptCommand("JPN", null, new MoneyFields(100m, "EUR"), 100m, "WitnessRelocation", Today, null), Today), "r1", Now).Posting;
        book.Post(Receipt("NOR", null, 200m), "r2", Now);
        var commitment = book.Post(FundCommands.Commitment(new CommitmentCommand("R1", 100m, Today, null, "WitnessRelocation"), Today), "c", Now).Posting;
        book.Post(Disburse(commitment.Id, 100m), "d", Now);

        book.Post(new FundCommand(PostingKind.Correction, Today, earmarked.EurMinor) { TargetId = earmarked.Id }, "x", Now);

        Assert.Equal(10000, book.Position.Cash);
        Assert.All(book.Position.CashByEarmark.Values, v => Assert.True(v >= 0));
        Assert.Equal(10000, book.Position.CashByEarmark[string.Empty]);
    }

    private static FundCommand Receipt(string donor, string? pledgeId, decimal eur) =>
        FundCommands.Receipt(new ReceiptCommand(donor, pledgeId, new MoneyFields(eur, "EUR"), eur, null, Today, null), Today);

    private static FundCommand Commit(string relocation, decimal eur) => FundCommands.Commitment(new CommitmentCommand(relocation, eur, Today, null), Today);

    private static FundCommand Disburse(string commitmentId, decimal eur) => FundCommands.Disbursement(new DisbursementCommand(commitmentId, eur, "Payee", Today, null), Today);
}
