using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Storage.Relocations;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Relocations;

/// <summary>The statistics lines' sealed years: the report of a year is the same from the blob, and a later write wins.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RelocationStatsIndexTests(StorageFixture fixture) : IAsyncLifetime
{
    // This year 2026: 2024 and before are sealed, 2025 and 2026 stay rows.
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        var clients = fixture.Azurite.Clients;
        await clients.Tables.DeleteTableAsync(RelocationStatsIndex.Table);
        await new StorageInitializer(clients, [StorageResource.Table(RelocationStatsIndex.Table), StorageResource.Container(RelocationStatsIndex.SealedContainer)]).EnsureCreatedAsync(CancellationToken.None);
        var container = clients.Container(RelocationStatsIndex.SealedContainer);
        await foreach (var blob in container.GetBlobsAsync())
        {
            await container.DeleteBlobAsync(blob.Name);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ListYearAsync_LineWrittenAfterItsYearWasSealed_TheLaterLineWins()
    {
        var stats = Index();
        await PutAsync(stats, Line("a", 2023, rounds: 1), Line("b", 2023, rounds: 1), Line("c", 2024, rounds: 2), Line("d", 2025, rounds: 1));
        var before = await ReportAsync(stats, 2023);

        Assert.Equal(2, await stats.SealClosedYearsAsync(CancellationToken.None));
        Assert.Equal(["2025"], await PartitionsAsync());
        Assert.Equal(before, await ReportAsync(Index(), 2023));

        // A long case submitted in 2023 is written again: its row comes back and is the report's line.
        await PutAsync(stats, Line("b", 2023, rounds: 3));
        Assert.Equal(["a:1", "b:3"], await ReportAsync(Index(), 2023));

        // The next run leaves that row (it is not the line it sealed), so the later write still wins.
        await stats.SealClosedYearsAsync(CancellationToken.None);
        Assert.Equal(["a:1", "b:3"], await ReportAsync(Index(), 2023));
        Assert.Equal(["c:2"], await ReportAsync(Index(), 2024));
        Assert.Equal(["d:1"], await ReportAsync(Index(), 2025));
    }

    [Fact]
    public async Task SealClosedYearsAsync_RunDiedBetweenBlobAndRowDeletes_NextRunDeletesTheRowsAndTheReportCountsEachOnce()
    {
        var stats = Index();
        var lines = new[] { Line("a", 2022, rounds: 1), Line("b", 2022, rounds: 2) };
        await PutAsync(stats, lines);
        await stats.SealClosedYearsAsync(CancellationToken.None);
        await PutAsync(stats, lines); // the rows as a run that died before deleting them left them

        Assert.Equal(["a:1", "b:2"], await ReportAsync(Index(), 2022));
        Assert.Equal(1, await stats.SealClosedYearsAsync(CancellationToken.None));
        Assert.Empty(await PartitionsAsync());
        Assert.Equal(["a:1", "b:2"], await ReportAsync(Index(), 2022));
    }

    private RelocationStatsIndex Index() => new(fixture.Azurite.Clients, new FixedTime(Now));

    private static StatsLine Line(string id, int year, int rounds) =>
        new(id, RelocationPriority.Urgent, RelocationKind.TemporaryRelocation, new DateTimeOffset(year, 5, 1, 0, 0, 0, TimeSpan.Zero), null, null, rounds, false, false, []);

    private static async Task PutAsync(RelocationStatsIndex stats, params StatsLine[] lines)
    {
        foreach (var line in lines)
        {
            await stats.PutAsync(line, CancellationToken.None);
        }
    }

    private static async Task<List<string>> ReportAsync(RelocationStatsIndex stats, int year) =>
        [.. (await stats.ListYearAsync(year, CancellationToken.None)).Select(l => $"{l.Id}:{l.Rounds}").Order(StringComparer.Ordinal)];

    private async Task<List<string>> PartitionsAsync()
    {
        var partitions = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var row in fixture.Azurite.Clients.Table(RelocationStatsIndex.Table).QueryAsync<TableEntity>())
        {
            partitions.Add(row.PartitionKey);
        }

        return [.. partitions];
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
