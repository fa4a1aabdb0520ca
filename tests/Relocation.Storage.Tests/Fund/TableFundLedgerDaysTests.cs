using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Relocation.Domain.Fund;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Fund;

/// <summary>
/// The fund's sealed years (TableFundLedger.Days.cs): days two or more years back leave <c>FundDays</c> for a blob a
/// year, and every as-of answer, and every back-dated posting's effect on them, stays what it was with the rows.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableFundLedgerDaysTests(StorageFixture fixture) : IAsyncLifetime
{
    // This year 2027: 2025 and before may be sealed (the latest value date is in 2026).
    private static readonly DateTimeOffset Now = new(2027, 2, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly DateOnly[] Dates =
    [
        new(2024, 6, 1), new(2024, 10, 31), new(2024, 11, 1), new(2024, 11, 15), new(2024, 12, 31), new(2025, 1, 1),
        new(2025, 3, 9), new(2025, 5, 31), new(2025, 6, 1), new(2025, 12, 31), new(2026, 1, 1), new(2026, 2, 1), new(2026, 3, 1), new(2026, 9, 1),
    ];

    public Task InitializeAsync() => ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task BalanceAsync_AsOfADayInASealedYear_SameAsBeforeSealing()
    {
        var ledger = Ledger();
        await HistoryAsync(ledger);
        var before = await AnswersAsync(ledger);

        Assert.Equal(2, await ledger.SealClosedYearsAsync(CancellationToken.None));

        Assert.Equal(["days/2024.json", "days/2025.json"], await BlobsAsync());
        Assert.All(await DayRowsAsync(), d => Assert.True(d.Year >= 2026, $"{d} is still a row"));
        Assert.Equal(before, await AnswersAsync(ledger));
        Assert.Equal(before, await AnswersAsync(Ledger())); // nothing cached: from the blobs
        Assert.Equal(0, await ledger.SealClosedYearsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PostAsync_BackDatedIntoASealedYear_SameAsOfAnswersAsWithoutSealing()
    {
        var unsealed = Ledger();
        await HistoryAsync(unsealed);
        await BackDatedAsync(unsealed);
        var expected = await AnswersAsync(unsealed);

        await ResetAsync();
        var ledger = Ledger();
        await HistoryAsync(ledger);
        await ledger.SealClosedYearsAsync(CancellationToken.None);
        await BackDatedAsync(ledger);

        Assert.Equal(expected, await AnswersAsync(ledger));
        Assert.Equal(expected, await AnswersAsync(Ledger()));

        // The day dated before the ledger's first leaves a gap in 2024: that year's new row stays, and the answers too.
        await ledger.SealClosedYearsAsync(CancellationToken.None);
        Assert.Contains(new DateOnly(2024, 6, 1), await DayRowsAsync());
        Assert.Equal(expected, await AnswersAsync(Ledger()));
    }

    [Fact]
    public async Task SealClosedYearsAsync_RunDiedBetweenBlobAndRowDeletes_NextRunFinishesAndAnswersStayTheSame()
    {
        var ledger = Ledger();
        await HistoryAsync(ledger);
        var before = await AnswersAsync(ledger);
        var rows = new List<TableEntity>();
        await foreach (var row in Days().QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        await ledger.SealClosedYearsAsync(CancellationToken.None);
        // The state a run leaves that died after writing its blobs: every row still there beside them.
        foreach (var row in rows.Where(r => DateOnly.ParseExact(r.GetString("Date"), "yyyy-MM-dd", CultureInfo.InvariantCulture).Year < 2026))
        {
            await Days().AddEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Date"] = row["Date"], ["LastSequence"] = row["LastSequence"], ["Position"] = row["Position"] });
        }

        Assert.Equal(before, await AnswersAsync(Ledger()));

        Assert.Equal(2, await ledger.SealClosedYearsAsync(CancellationToken.None));
        Assert.All(await DayRowsAsync(), d => Assert.True(d.Year >= 2026, $"{d} is still a row"));
        Assert.Equal(before, await AnswersAsync(Ledger()));
    }

    [Fact]
    public async Task BalanceAsync_StaleRowBesideANewerSealedDay_AnswersTheNewer()
    {
        var ledger = Ledger();
        await HistoryAsync(ledger);
        var day = new DateOnly(2025, 3, 9);
        var stale = await Days().GetEntityAsync<TableEntity>("day", TableFundLedger.DayKey(day));
        await ledger.SealClosedYearsAsync(CancellationToken.None);
        await ledger.PostAsync(ReceiptOn(7m, new DateOnly(2025, 2, 1)), "late receipt", CancellationToken.None);
        var expected = await AnswersAsync(Ledger());

        // A late duplicate roll-forward's insert puts back the day as it stood before that receipt.
        await Days().AddEntityAsync(new TableEntity("day", stale.Value.RowKey) { ["Date"] = stale.Value["Date"], ["LastSequence"] = stale.Value["LastSequence"], ["Position"] = stale.Value["Position"] });

        Assert.Equal(expected, await AnswersAsync(Ledger()));
        await ledger.PostAsync(ReceiptOn(3m, new DateOnly(2025, 1, 1)), "later receipt", CancellationToken.None);
        Assert.Equal(1_000_00 + 700 + 300, (await Ledger().BalanceAsync(day, CancellationToken.None)).Cash);
    }

    /// <summary>Receipts on 2024-11-01 (the first posting), 2025-06-01 and 2026-03-01, and a pledge in 2026-09.</summary>
    private static async Task HistoryAsync(TableFundLedger ledger)
    {
        await ledger.PostAsync(ReceiptOn(1_000m, new DateOnly(2024, 11, 1)), "r1", CancellationToken.None);
        await ledger.PostAsync(ReceiptOn(500m, new DateOnly(2025, 6, 1)), "r2", CancellationToken.None);
        await ledger.PostAsync(ReceiptOn(250m, new DateOnly(2026, 3, 1)), "r3", CancellationToken.None);
        await ledger.PostAsync(FundCommands.Pledge(new PledgeCommand("NOR", new MoneyFields(900m, "EUR"), 900m, null, new DateOnly(2026, 9, 1), null), Today), "p1", CancellationToken.None);
    }

    /// <summary>A receipt into sealed 2025, a pledge into sealed 2024, and one dated before the ledger's first posting.</summary>
    private static async Task BackDatedAsync(TableFundLedger ledger)
    {
        await ledger.PostAsync(ReceiptOn(40m, new DateOnly(2025, 3, 9)), "b1", CancellationToken.None);
        await ledger.PostAsync(FundCommands.Pledge(new PledgeCommand("SWE", new MoneyFields(60m, "EUR"), 60m, null, new DateOnly(2024, 11, 15), null), Today), "b2", CancellationToken.None);
        await ledger.PostAsync(ReceiptOn(5m, new DateOnly(2024, 6, 1)), "b3 (before the first posting)", CancellationToken.None);
        await ledger.PostAsync(ReceiptOn(8m, new DateOnly(2024, 6, 1)), "b4 (the same new day)", CancellationToken.None);
    }

    private static FundCommand ReceiptOn(decimal eur, DateOnly date) =>
        FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(eur, "EUR"), eur, null, date, null), Today);

    private static async Task<List<string>> AnswersAsync(TableFundLedger ledger)
    {
        var answers = new List<string>();
        foreach (var date in Dates)
        {
            answers.Add($"{date:yyyy-MM-dd} {JsonSerializer.Serialize(await ledger.BalanceAsync(date, CancellationToken.None), Web)}");
        }

        return answers;
    }

    private TableFundLedger Ledger() => new(fixture.Azurite.Clients, new FixedTime(Now));

    private TableClient Days() => fixture.Azurite.Clients.Table(TableFundLedger.DaysTable);

    private async Task<List<DateOnly>> DayRowsAsync()
    {
        var days = new List<DateOnly>();
        await foreach (var row in Days().QueryAsync<TableEntity>())
        {
            days.Add(DateOnly.ParseExact(row.GetString("Date"), "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return days;
    }

    private async Task<List<string>> BlobsAsync()
    {
        var names = new List<string>();
        await foreach (var blob in fixture.Azurite.Clients.Container(TableFundLedger.SealedContainer).GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "days/" }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private Task ResetAsync() => FundLedgerStore.ResetAsync(fixture.Azurite.Clients);
}
