using Relocation.Domain.Fund;

namespace Relocation.LocalHost.Seed;

/// <summary>
/// A few pledges and receipts from States of <c>states.json</c>, in EUR and other currencies. The amounts, dates and
/// exchange values are ILLUSTRATIVE, not the real contributions of these States to the Special Fund.
/// </summary>
internal sealed class FundSampleSeeder(IFundLedger ledger, TimeProvider time) : ISampleSeeder
{
    public int Order => 10;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if ((await ledger.BalanceAsync(null, cancellationToken)).Sequence > 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var start = today.AddDays(-60);
        async Task<string> PostAsync(string key, FundCommand command) => (await ledger.PostAsync(command, "sample:" + key, cancellationToken)).Posting.Id;

        var nor = await PostAsync("pledge-nor", FundCommands.Pledge(new PledgeCommand("NOR", new MoneyFields(2_000_000m, "NOK"), 172_000m, null, start, "Illustrative pledge"), today));
        await PostAsync("receipt-nor", FundCommands.Receipt(new ReceiptCommand("NOR", nor, new MoneyFields(1_000_000m, "NOK"), 86_000m, null, start.AddDays(10), "Illustrative receipt"), today));
        var nld = await PostAsync("pledge-nld", FundCommands.Pledge(new PledgeCommand("NLD", new MoneyFields(150_000m, "EUR"), 150_000m, null, start.AddDays(5), null), today));
        await PostAsync("receipt-nld", FundCommands.Receipt(new ReceiptCommand("NLD", nld, new MoneyFields(150_000m, "EUR"), 150_000m, null, start.AddDays(20), null), today));
        await PostAsync("pledge-che", FundCommands.Pledge(new PledgeCommand("CHE", new MoneyFields(80_000m, "CHF"), 85_600m, "WitnessRelocation", start.AddDays(15), null), today));
        await PostAsync("receipt-jpn", FundCommands.Receipt(new ReceiptCommand("JPN", null, new MoneyFields(5_000_000m, "JPY"), 30_500m, "WitnessRelocation", start.AddDays(30), "Unpledged, earmarked"), today));
        await PostAsync("receipt-gbr", FundCommands.Receipt(new ReceiptCommand("GBR", null, new MoneyFields(25_000.50m, "GBP"), 29_250.59m, null, start.AddDays(40), null), today));
    }
}
