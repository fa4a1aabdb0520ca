using Relocation.Domain.Common;
using Relocation.Domain.Fund;

namespace Relocation.Domain.Tests.Fund;

/// <summary>Programme support cost: off by default; when configured, its own entry pair paid from free unearmarked money.</summary>
public sealed class FundSupportCostTests
{
    private static readonly DateOnly Today = new(2026, 6, 1);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Disbursement_Default_NoSupportCost()
    {
        var (book, commitment) = Book(unearmarked: 1_000m);

        var paid = book.Post(FundCommands.Disbursement(new DisbursementCommand(commitment, 500m, "Provider", Today, null), Today), "d", Now).Posting;

        Assert.DoesNotContain(paid.Entries, e => e.Account == FundAccounts.ProgrammeSupportCost);
        Assert.Equal(0, book.Position.ProgrammeSupportCost);
    }

    [Fact]
    public void Disbursement_SevenPercent_ChargedFromUnearmarkedCashAsItsOwnEntries()
    {
        var (book, commitment) = Book(unearmarked: 1_000m);

        var paid = book.Post(FundCommands.Disbursement(new DisbursementCommand(commitment, 500m, "Provider", Today, null), Today, 7m), "d", Now).Posting;

        Assert.Contains(new LedgerEntry(FundAccounts.ProgrammeSupportCost, 3_500), paid.Entries);
        Assert.Contains(new LedgerEntry(FundAccounts.Cash, -3_500), paid.Entries);
        Assert.Equal(0, paid.Entries.Sum(e => e.EurMinor));
        Assert.Equal(3_500, book.Position.ProgrammeSupportCost);
    }

    [Fact]
    public void Disbursement_SupportCostBeyondFreeUnearmarkedMoney_ConflictAndNothingWritten()
    {
        // All money is earmarked: the support cost may not take a donor's earmarked money.
        var (book, commitment) = Book(unearmarked: 0m);
        var count = book.Postings.Count;

        Assert.Throws<ConflictException>(() => book.Post(FundCommands.Disbursement(new DisbursementCommand(commitment, 500m, "Provider", Today, null), Today, 7m), "d", Now));
        Assert.Equal(count, book.Postings.Count);
    }

    private static (FundBook Book, string Commitment) Book(decimal unearmarked)
    {
        var book = new FundBook();
        book.Post(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(1_000m, "EUR"), 1_000m, "WitnessRelocation", Today, null), Today), "r1", Now);
        if (unearmarked > 0)
        {
            book.Post(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(unearmarked, "EUR"), unearmarked, null, Today, null), Today), "r2", Now);
        }

        var commitment = book.Post(FundCommands.Commitment(new CommitmentCommand("R-1", 500m, Today, null, "WitnessRelocation"), Today), "c", Now).Posting.Id;
        return (book, commitment);
    }
}
