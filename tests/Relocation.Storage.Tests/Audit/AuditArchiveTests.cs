using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Relocation.Domain.Audit;
using Relocation.Storage.Audit;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Audit;

/// <summary>Closed months sealed into blobs: the log reads and verifies them as it read the table.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditArchiveTests(StorageFixture fixture) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 23, 59, 0, TimeSpan.Zero);
    private readonly string _tableName = "Audit" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _anchors = "anchors-" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _time = new(T0.AddDays(-1));
    private AuditLog _log = null!;
    private AuditArchive _archive = null!;

    public async Task InitializeAsync()
    {
        await new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Table(_tableName), StorageResource.Container(_anchors)]).EnsureCreatedAsync(CancellationToken.None);
        _log = new AuditLog(fixture.Azurite.Clients, _time, _tableName, _anchors);
        _archive = new AuditArchive(fixture.Azurite.Clients, _time, _tableName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _log.Dispose();

    private static AuditEntry Entry(string subject, DateTimeOffset at) =>
        new(at, subject, "Name", "Auditor", null, "GET /api/audit", "/api/audit", 200, Guid.NewGuid().ToString("N"), About: "case-" + subject);

    private async Task<List<AuditEntry>> ReadAllAsync(string? actor, int pageSize, string? about = null)
    {
        var all = new List<AuditEntry>();
        string? page = null;
        do
        {
            var answer = await _log.QueryAsync(new AuditQuery(about, T0.AddDays(-40), T0.AddDays(80), pageSize, page) { Actor = actor }, CancellationToken.None);
            all.AddRange(answer.Items);
            page = answer.NextPage;
        }
        while (page is not null);

        return all;
    }

    private async Task<int> EntryRowsAsync(string partition)
    {
        var count = 0;
        await foreach (var _ in fixture.Azurite.Clients.Table(_tableName).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {"a"}")))
        {
            count++;
        }

        return count;
    }

    private async Task AppendSpreadAsync()
    {
        // January (entries 0–2), February (3–7), then the clock moves to April: both are closed months.
        for (var i = 0; i < 8; i++)
        {
            _time.SetUtcNow(T0.AddDays(i < 3 ? 0 : 1).AddSeconds(i * 10));
            await _log.AppendAsync(Entry(i % 2 == 0 ? "even" : "odd", _time.GetUtcNow()), CancellationToken.None);
        }
    }

    [Fact]
    public async Task SealClosedMonthsAsync_MonthsBeforeThePreviousOne_MovesTheirEntriesToBlobsAndReadsThemTheSame()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero));
        await _log.AppendAsync(Entry("odd", _time.GetUtcNow()), CancellationToken.None); // April: open
        var before = await ReadAllAsync(null, 3);
        var beforeOdd = await ReadAllAsync("odd", 2);

        var sealedMonths = await _archive.SealClosedMonthsAsync(CancellationToken.None);

        Assert.Equal(2, sealedMonths);
        Assert.Equal((0, 0, 1), (await EntryRowsAsync("202601"), await EntryRowsAsync("202602"), await EntryRowsAsync("202604")));
        Assert.Equal(before, await ReadAllAsync(null, 3)); // pages across the table's month and both sealed months
        Assert.Equal(beforeOdd, await ReadAllAsync("odd", 2));
        Assert.Equal(9, before.Count);
        var verification = await _log.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Ok, verification.FirstBreak?.Reason);
        Assert.Equal(9, verification.Checked);
        Assert.Equal(0, await _archive.SealClosedMonthsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SealClosedMonthsAsync_BySubject_SameEntriesAboutTheCaseSealedOrNot()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero));
        var before = await ReadAllAsync(null, 3, about: "case-odd");

        await _archive.SealClosedMonthsAsync(CancellationToken.None);

        Assert.Equal(4, before.Count);
        Assert.All(before, e => Assert.Equal("odd", e.Subject));
        Assert.Equal(before, await ReadAllAsync(null, 3, about: "case-odd"));
        Assert.True((await _log.VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task SealClosedMonthsAsync_PreviousMonthWithinTheGrace_StaysInTheTable()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 1, 0, 0, 1, TimeSpan.Zero)); // February is the previous month: still open to late writes

        Assert.Equal(1, await _archive.SealClosedMonthsAsync(CancellationToken.None));
        Assert.Equal((0, 5), (await EntryRowsAsync("202601"), await EntryRowsAsync("202602")));
    }

    [Fact]
    public async Task SealClosedMonthsAsync_PreviousMonthAfterTheGrace_IsSealed()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 2, 0, 0, 1, TimeSpan.Zero));

        Assert.Equal(2, await _archive.SealClosedMonthsAsync(CancellationToken.None));
        Assert.Equal((0, 0), (await EntryRowsAsync("202601"), await EntryRowsAsync("202602")));
    }

    [Fact]
    public async Task QueryAsync_EntryAppendedToASealedMonth_IsListedFirstAndVerified()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero));
        await _archive.SealClosedMonthsAsync(CancellationToken.None);

        // A request dated in February that appends only now (it outlasted the grace): it chains on in the table.
        var late = Entry("late", new DateTimeOffset(2026, 2, 27, 0, 0, 0, TimeSpan.Zero));
        await _log.AppendAsync(late, CancellationToken.None);
        var all = await ReadAllAsync(null, 2);

        Assert.Equal(9, all.Count);
        Assert.Equal("late", all.Single(e => e.At == late.At).Subject);
        Assert.Equal(6, all.Single(e => e.Subject == "late").Sequence);
        var verification = await _log.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Ok, verification.FirstBreak?.Reason);
        Assert.Equal(9, verification.Checked);
    }

    [Fact]
    public async Task VerifyAsync_SealedEntryChanged_ReportsTheBreak()
    {
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero));
        await _archive.SealClosedMonthsAsync(CancellationToken.None);
        var blob = fixture.Azurite.Clients.Container(AuditArchive.ContainerFor(_tableName)).GetBlobClient("202602.json");
        var json = (await blob.DownloadContentAsync()).Value.Content.ToString();
        // Overwriting is what Azure's immutability policy forbids; Azurite allows it, which is what this test needs.
        await blob.UploadAsync(BinaryData.FromString(json.Replace("\"subject\":\"odd\"", "\"subject\":\"someone\"", StringComparison.Ordinal)), overwrite: true);

        var verification = await new AuditLog(fixture.Azurite.Clients, _time, _tableName, _anchors).VerifyAsync(CancellationToken.None);

        Assert.False(verification.Ok);
        Assert.Equal(new AuditBreak("202602", 1, "The entry was changed after it was written."), verification.FirstBreak);
    }

    [Fact]
    public async Task WriteSealedMonthAsync_ImportedHistory_IsReadAndVerifiedAsTheLogsOwn()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 6, 10, 0, 0, 0, TimeSpan.Zero));
        var march = Enumerable.Range(0, 250).Select(i => Entry("imported", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i))).ToArray();
        await _archive.WriteSealedMonthAsync("202603", march, CancellationToken.None);

        var page = await _log.QueryAsync(new AuditQuery(null, march[0].At, march[^1].At, 100, null) { Actor = "imported" }, CancellationToken.None);
        var verification = await _log.VerifyAsync(CancellationToken.None);

        Assert.Equal(march.Reverse().Take(100).Select(e => e.At), page.Items.Select(e => e.At));
        Assert.Equal(250, page.Items[0].Sequence);
        Assert.NotNull(page.NextPage);
        Assert.True(verification.Ok, verification.FirstBreak?.Reason);
        Assert.Equal(250, verification.Checked);
    }
    [Fact]
    public async Task VerifyAsync_SealedMonthChangedAfterItsWalk_WalkedAgainAndReportsTheBreak()
    {
        // The walk skips a sealed month whose blob it walked before; a changed blob has another ETag, so it is walked again.
        await AppendSpreadAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero));
        await _archive.SealClosedMonthsAsync(CancellationToken.None);
        var first = await _log.VerifyAsync(CancellationToken.None);
        var unchanged = await _log.VerifyAsync(CancellationToken.None);
        var blob = fixture.Azurite.Clients.Container(AuditArchive.ContainerFor(_tableName)).GetBlobClient("202601.json");
        var json = (await blob.DownloadContentAsync()).Value.Content.ToString();
        await blob.UploadAsync(BinaryData.FromString(json.Replace("\"subject\":\"odd\"", "\"subject\":\"someone\"", StringComparison.Ordinal)), overwrite: true);

        var changed = await _log.VerifyAsync(CancellationToken.None);
        var answered = await _log.CheckAsync(CancellationToken.None);

        Assert.Equal(new AuditVerification(true, 8, null), first);
        Assert.Equal(first, unchanged);
        Assert.Equal(new AuditVerification(false, 8, new AuditBreak("202601", 2, "The entry was changed after it was written.")), changed);
        Assert.Equal(changed.FirstBreak, answered.FirstBreak);
        Assert.Equal(8, answered.Checked);
    }
}
