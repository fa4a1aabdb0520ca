using FsCheck;
using FsCheck.Fluent;
using Relocation.Domain.Fund;
using Relocation.Testing.Fund;

namespace Relocation.Domain.Tests.Fund;

/// <summary>The runway forecast on a synthetic history, and donor statements reconciled to the ledger.</summary>
public sealed class FundOutlookTests
{
    private static readonly DateOnly Today = new(2027, 1, 15);
    private static readonly DateTimeOffset Now = new(2027, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compute_SyntheticHistory_GivesTheHandComputedRunway()
    {
        // 120,000 received; 10,000 paid 13 months ago (outside the window); 5,000 paid on the 10th of each of the last
        // 12 months; 6,000 still committed. Available = 120,000 − 10,000 − 60,000 − 6,000 = 44,000; average = 60,000 / 12
        // = 5,000 a month; runway = 44,000 / 5,000 = 8.8 months; runs out after ⌊8.8 × 30.4375⌋ = 267 days.
        var book = new FundBook();
        var start = Today.AddMonths(-14);
        book.Post(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(120_000m, "EUR"), 120_000m, null, start, null), Today), "r", Now);
        Pay(book, "old", Today.AddMonths(-13), 10_000m);
        for (var month = 12; month >= 1; month--)
        {
            Pay(book, $"m{month}", new DateOnly(Today.AddMonths(-month + 1).Year, Today.AddMonths(-month + 1).Month, 10), 5_000m);
        }

        book.Post(FundCommands.Commitment(new CommitmentCommand("R-open", 6_000m, Today, null), Today), "open", Now);
        book.Post(FundCommands.Pledge(new PledgeCommand("JPN", new MoneyFields(1_000_000m, "JPY"), 6_100m, null, Today, null, DueDate: Today.AddMonths(3)), Today), "p1", Now);
        book.Post(FundCommands.Pledge(new PledgeCommand("CHE", new MoneyFields(9_000m, "CHF"), 9_500m, null, Today, null), Today), "p2", Now);

        var forecast = FundForecast.Compute(Today, FundBalance.From(book.Position, null), book.PositionAsOf(Today.AddMonths(-12)).Disbursed, book.Documents.Values, 12m);

        Assert.Equal(4_400_000, forecast.Available);
        Assert.Equal(600_000, forecast.CommittedOutstanding);
        Assert.Equal(500_000, forecast.AverageMonthlyDisbursement);
        Assert.Equal(8.8m, forecast.RunwayMonths);
        Assert.Equal(Today.AddDays(267), forecast.RunsOutOn);
        Assert.True(forecast.BelowThreshold);
        Assert.Equal([Today.AddMonths(3), (DateOnly?)null], forecast.ExpectedReceipts.Select(r => r.DueDate));
        Assert.Equal(1_560_000, forecast.ExpectedReceiptsTotal);
    }

    [Fact]
    public void Compute_NothingDisbursed_NoRunwayAndNoWarning()
    {
        var book = new FundBook();
        book.Post(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(100m, "EUR"), 100m, null, Today, null), Today), "r", Now);

        var forecast = FundForecast.Compute(Today, FundBalance.From(book.Position, null), 0, book.Documents.Values, 6m);

        Assert.Null(forecast.RunwayMonths);
        Assert.Null(forecast.RunsOutOn);
        Assert.False(forecast.BelowThreshold);
    }

    [Fact]
    public async Task Build_AYearOfRandomPostings_ReconcilesToTheLedgerToTheCentForEveryDonor()
    {
        foreach (var seed in Enumerable.Range(0, 20))
        {
            var book = new FundBook();
            var scenario = new FundScenario();
            foreach (var op in Gen.Sample(FundBookPropertyTests.Op, 365, 40 + seed))
            {
                await scenario.RunAsync(op, (c, k) => Task.FromResult(book.Post(c, k, Now)));
            }

            var end = FundScenario.Start.AddDays(365);
            var middle = FundScenario.Start.AddDays(180);
            var balance = FundBalance.From(book.PositionAsOf(end), end);
            foreach (var line in balance.ByDonor)
            {
                var donor = new FundDonor(line.StateCode, line.StateCode, DonorKind.State, line.StateCode);
                var postings = book.Postings.Where(p => p.DonorStateCode == line.StateCode || p.Revaluations.Any(r => r.DonorId == line.StateCode)).OrderBy(p => p.Date).ThenBy(p => p.Sequence).ToArray();
                var whole = FundStatement.Build(donor, FundCommands.Earliest, end, postings, balance.CashByEarmark);
                Assert.Equal((line.Pledged, line.Received, line.ExchangeGainLoss, line.WrittenOff, line.Outstanding),
                    (whole.Pledged, whole.Received, whole.ExchangeGainLoss, whole.WrittenOff, whole.ClosingOutstanding));

                // A part of the year: opening + pledged − received against pledges + exchange − written off = closing.
                var part = FundStatement.Build(donor, middle, end, postings, balance.CashByEarmark);
                Assert.Equal(part.ClosingOutstanding,
                    part.OpeningOutstanding + part.Pledged - (part.Received - part.ReceivedUnpledged) + part.ExchangeGainLoss + part.UnrealisedExchange - part.WrittenOff);
                Assert.Equal(FundBalance.From(book.PositionAsOf(middle.AddDays(-1)), null).ByDonor.SingleOrDefault(d => d.StateCode == line.StateCode)?.Outstanding ?? 0, part.OpeningOutstanding);
                Assert.Equal(part.Pledges.Sum(p => p.OutstandingEur), part.ClosingOutstanding);
            }
        }
    }

    private static void Pay(FundBook book, string key, DateOnly date, decimal eur)
    {
        var commitment = book.Post(FundCommands.Commitment(new CommitmentCommand($"R-{key}", eur, date, null), Today), $"c-{key}", Now).Posting;
        book.Post(FundCommands.Disbursement(new DisbursementCommand(commitment.Id, eur, "Provider", date, null), Today), $"d-{key}", Now);
    }
}
