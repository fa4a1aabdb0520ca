using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using Relocation.Domain.Audit;
using Relocation.Storage.Audit;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Audit;

/// <summary>Each test has its own table and anchor container: tampering in one must not break another's chain.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditLogTests(StorageFixture fixture) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 23, 59, 0, TimeSpan.Zero);
    private readonly string _tableName = "Audit" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _container = "anchors-" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _time = new(T0.AddDays(1));
    private AuditLog _log = null!;

    public async Task InitializeAsync()
    {
        await new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Table(_tableName), StorageResource.Container(_container)]).EnsureCreatedAsync(CancellationToken.None);
        _log = new AuditLog(fixture.Azurite.Clients, _time, _tableName, _container);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _log.Dispose();

    private TableClient Table => fixture.Azurite.Clients.Table(_tableName);

    private static AuditEntry Entry(string subject, DateTimeOffset at, int status = 200) =>
        new(at, subject, "Name", "Registry.Admin", null, "PutState", "/api/states/NOR", status, Guid.NewGuid().ToString("N"));

    private Task<AuditPage> QueryAsync(string? actor, DateTimeOffset from, DateTimeOffset to, int pageSize = 100, string? page = null) =>
        _log.QueryAsync(new AuditQuery(null, from, to, pageSize, page) { Actor = actor }, CancellationToken.None);

    private async Task AppendAsync(int count, DateTimeOffset at)
    {
        for (var i = 0; i < count; i++)
        {
            await _log.AppendAsync(Entry($"s{i}", at.AddSeconds(i)), CancellationToken.None);
        }
    }

    [Fact]
    public async Task QueryAsync_BySubject_ReturnsEveryEntryAboutThatCaseWhoeverActedRefusedOnesIncluded()
    {
        var at = T0.AddDays(1);
        AuditEntry About(string actor, string action, string? about, int status) =>
            new(at, actor, "Name", "Vwu.Officer", null, action, about is null ? "/api/relocations" : $"/api/relocations/{about}/case-file", status, "c", About: about);
        await _log.AppendAsync(About("vwu-1", "GetCaseFile", "case-1", 200), CancellationToken.None);
        await _log.AppendAsync(About("focal-1", "GetCaseFile", "case-1", 403), CancellationToken.None);
        await _log.AppendAsync(About("vwu-1", "GetCaseFile", "case-2", 200), CancellationToken.None);
        await _log.AppendAsync(About("vwu-1", "CreateRelocation", null, 202), CancellationToken.None);

        var aboutCase = await _log.QueryAsync(new AuditQuery("case-1", T0, at.AddDays(1), 100, null), CancellationToken.None);
        var byActor = await _log.QueryAsync(new AuditQuery("case-1", T0, at.AddDays(1), 100, null) { Actor = "vwu-1" }, CancellationToken.None);
        var byAction = await _log.QueryAsync(new AuditQuery(null, T0, at.AddDays(1), 100, null) { Action = "CreateRelocation" }, CancellationToken.None);
        // The word read the other way (the entry's own subject field): the caller's entries, whatever they are about.
        var bySubjectAsCaller = await _log.QueryAsync(new AuditQuery("focal-1", T0, at.AddDays(1), 100, null), CancellationToken.None);

        Assert.Equal([("focal-1", 403), ("vwu-1", 200)], aboutCase.Items.Select(e => (e.Subject, e.Status)));
        Assert.All(aboutCase.Items, e => Assert.Equal("case-1", e.About));
        Assert.Equal(200, Assert.Single(byActor.Items).Status);
        Assert.Null(Assert.Single(byAction.Items).About);
        var mine = Assert.Single(bySubjectAsCaller.Items);
        Assert.Equal(("focal-1", "case-1"), (mine.Subject, mine.About));
        Assert.True((await _log.VerifyAsync(CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task QueryAsync_ByActorAndPeriod_ReturnsOnlyMatchesNewestFirst()
    {
        await _log.AppendAsync(Entry("me", T0.AddMinutes(2)), CancellationToken.None);
        await _log.AppendAsync(Entry("me", T0), CancellationToken.None);
        await _log.AppendAsync(Entry("me", T0.AddDays(40)), CancellationToken.None);
        await _log.AppendAsync(Entry("someone-else", T0.AddMinutes(1)), CancellationToken.None);

        var found = await QueryAsync("me", T0, T0.AddDays(1));

        // Newest first, across the month boundary (one chain per month).
        Assert.Equal([T0.AddMinutes(2), T0], found.Items.Select(e => e.At));
        Assert.All(found.Items, e => Assert.Equal("me", e.Subject));
        Assert.Null(found.NextPage);
    }

    [Fact]
    public async Task QueryAsync_Paged_WalksEveryEntryOnceNewestFirst()
    {
        await AppendAsync(25, T0.AddDays(2));

        var seen = new List<long>();
        string? page = null;
        do
        {
            var result = await QueryAsync(null, T0, T0.AddDays(3), pageSize: 10, page: page);
            seen.AddRange(result.Items.Select(e => e.Sequence));
            page = result.NextPage;
        }
        while (page is not null);

        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (long)i), seen);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersOnTwoLogs_KeepOneUnbrokenChain()
    {
        // Two logs on one table stand for two hosts: they race for the same sequence numbers.
        using var other = new AuditLog(fixture.Azurite.Clients, _time, _tableName, _container);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? _log : other).AppendAsync(Entry($"c{i}", T0.AddDays(2)), CancellationToken.None)));

        var result = await _log.VerifyAsync(CancellationToken.None);

        Assert.True(result.Ok, result.FirstBreak?.Reason);
        Assert.Equal(40, result.Checked);
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrent_CommitTogetherInAnUnbrokenChain()
    {
        var entries = Enumerable.Range(0, 150).Select(i => Entry($"g{i}", T0.AddDays(2))).ToArray();

        await Task.WhenAll(entries.Select(e => _log.AppendAsync(e, CancellationToken.None)));

        var result = await _log.VerifyAsync(CancellationToken.None);
        Assert.True(result.Ok, result.FirstBreak?.Reason);
        Assert.Equal(150, result.Checked);
        var stored = (await QueryAsync(null, T0, T0.AddDays(3), pageSize: 200)).Items;
        Assert.Equal(entries.Select(e => e.CorrelationId).Order(StringComparer.Ordinal), stored.Select(e => e.CorrelationId).Order(StringComparer.Ordinal));
        // Group commit: entries that waited together went in one transaction (99 at most, so at least two here).
        var (appended, transactions) = _log.Counts;
        Assert.Equal(150, appended);
        Assert.InRange(transactions, 2, 75);
    }

    [Fact]
    public async Task AppendAsync_TwoLogsRacingWithBatches_KeepOneUnbrokenChainWithEveryEntry()
    {
        // Two hosts, each group-committing: their batches conflict on sequence numbers; the loser renumbers its whole batch.
        using var other = new AuditLog(fixture.Azurite.Clients, _time, _tableName, _container);
        var entries = Enumerable.Range(0, 200).Select(i => Entry($"r{i}", T0.AddDays(2))).ToArray();

        await Task.WhenAll(entries.Select((e, i) => (i % 2 == 0 ? _log : other).AppendAsync(e, CancellationToken.None)));

        var result = await _log.VerifyAsync(CancellationToken.None);
        Assert.True(result.Ok, result.FirstBreak?.Reason);
        Assert.Equal(200, result.Checked);
        var stored = (await QueryAsync(null, T0, T0.AddDays(3), pageSize: 300)).Items;
        Assert.Equal(entries.Select(e => e.CorrelationId).Order(StringComparer.Ordinal), stored.Select(e => e.CorrelationId).Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), stored.Select(e => e.Sequence).Order());
    }

    [Fact]
    public async Task AppendAsync_TransactionFails_EveryCallerOfTheBatchThrows()
    {
        // No such table: every transaction fails, so no caller may return as if its entry were recorded.
        using var broken = new AuditLog(fixture.Azurite.Clients, _time, "Missing" + Guid.NewGuid().ToString("N")[..12], _container);

        var appends = Enumerable.Range(0, 10).Select(i => broken.AppendAsync(Entry($"f{i}", T0.AddDays(2)), CancellationToken.None)).ToArray();

        foreach (var append in appends)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => append);
        }

        Assert.Equal(0, broken.Counts.Entries);
    }

    [Fact]
    public async Task AppendAsync_OneEntryRefusedInABatch_OthersCommitAndOnlyItsCallerThrows()
    {
        // An entry over the service's size limit: its batch is refused whole, then retried one entry at a time.
        var poison = Entry("poison", T0.AddDays(2)) with { Reason = new string('x', 600_000) };
        var good = Enumerable.Range(0, 20).Select(i => Entry($"ok{i}", T0.AddDays(2))).ToArray();
        var blocker = _log.AppendAsync(Entry("first", T0.AddDays(2)), CancellationToken.None); // holds the gate, so the rest queue together

        var poisoned = _log.AppendAsync(poison, CancellationToken.None);
        var rest = good.Select(e => _log.AppendAsync(e, CancellationToken.None)).ToArray();

        await blocker;
        await Assert.ThrowsAnyAsync<Exception>(() => poisoned);
        await Task.WhenAll(rest);
        var result = await _log.VerifyAsync(CancellationToken.None);
        Assert.True(result.Ok, result.FirstBreak?.Reason);
        Assert.Equal(21, result.Checked);
    }

    [Fact]
    public async Task VerifyAsync_OneRowChanged_NamesTheBreak()
    {
        await AppendAsync(10, T0.AddDays(2));
        var partition = AuditLog.Partition(T0.AddDays(2));
        var row = await Table.GetEntityAsync<TableEntity>(partition, AuditLog.RowKey(4));
        row.Value["Status"] = 200;
        row.Value["Subject"] = "someone-innocent";
        await Table.UpdateEntityAsync(row.Value, row.Value.ETag, TableUpdateMode.Replace);

        var result = await _log.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(new AuditBreak(partition, 4, "The entry was changed after it was written."), result.FirstBreak);
        Assert.Equal(10, result.Checked);
    }

    [Fact]
    public async Task VerifyAsync_OneRowDeleted_NamesTheBreak()
    {
        await AppendAsync(10, T0.AddDays(2));
        var partition = AuditLog.Partition(T0.AddDays(2));
        await Table.DeleteEntityAsync(partition, AuditLog.RowKey(6));

        var result = await _log.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(partition, result.FirstBreak!.Partition);
        Assert.Equal(6, result.FirstBreak.Sequence);
        Assert.Contains("missing", result.FirstBreak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_NewestRowsDeletedAndHeadRewound_FoundByTheAnchor()
    {
        await AppendAsync(10, T0.AddDays(2));
        _time.SetUtcNow(T0.AddDays(3));
        Assert.Equal(1, await _log.AnchorAsync(CancellationToken.None));
        var partition = AuditLog.Partition(T0.AddDays(2));

        // A careful intruder: removes the last two entries and makes the head point at entry 8 again.
        var eight = await Table.GetEntityAsync<TableEntity>(partition, AuditLog.RowKey(8));
        await Table.DeleteEntityAsync(partition, AuditLog.RowKey(10));
        await Table.DeleteEntityAsync(partition, AuditLog.RowKey(9));
        await Table.UpsertEntityAsync(new TableEntity(partition, "head") { ["Sequence"] = 8L, ["Hash"] = eight.Value.GetString("Hash") }, TableUpdateMode.Replace);

        var result = await _log.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(10, result.FirstBreak!.Sequence);
        Assert.Contains("anchor", result.FirstBreak.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_UntouchedLog_IsOkAndCountsEveryEntry()
    {
        await AppendAsync(12, T0);
        await _log.AnchorAsync(CancellationToken.None);
        await AppendAsync(3, T0.AddDays(1));

        var result = await _log.VerifyAsync(CancellationToken.None);

        Assert.Equal(new AuditVerification(true, 15, null), result);
    }
    private async Task ChangeSubjectAsync(long sequence, string subject)
    {
        var partition = AuditLog.Partition(T0.AddDays(2));
        var row = (await Table.GetEntityAsync<TableEntity>(partition, AuditLog.RowKey(sequence))).Value;
        row["Subject"] = subject;
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }

    [Fact]
    public async Task CheckAsync_OldEntryChangedBeforeTheWalk_ReportedFromTheCheckpointWithItsTime()
    {
        await AppendAsync(10, T0.AddDays(2));
        await ChangeSubjectAsync(3, "someone-innocent");
        await _log.VerifyAsync(CancellationToken.None);
        await AppendAsync(5, T0.AddDays(2).AddMinutes(1));

        var result = await _log.CheckAsync(CancellationToken.None);

        // Entry 3 lies before the checkpoint, so the request did not walk it: the walk's finding is what reports it.
        Assert.False(result.Ok);
        Assert.Equal(new AuditBreak(AuditLog.Partition(T0.AddDays(2)), 3, "The entry was changed after it was written."), result.FirstBreak);
        Assert.Equal(15, result.Checked);
        Assert.Equal(_time.GetUtcNow(), result.WalkedAt);
    }

    [Fact]
    public async Task CheckAsync_NewEntryChangedAfterTheWalk_FoundInTheTailTheRequestWalks()
    {
        await AppendAsync(10, T0.AddDays(2));
        var walked = await _log.VerifyAsync(CancellationToken.None);
        await AppendAsync(5, T0.AddDays(2).AddMinutes(1));
        await ChangeSubjectAsync(13, "someone-innocent");

        var result = await _log.CheckAsync(CancellationToken.None);

        Assert.True(walked.Ok, walked.FirstBreak?.Reason);
        Assert.False(result.Ok);
        Assert.Equal(new AuditBreak(AuditLog.Partition(T0.AddDays(2)), 13, "The entry was changed after it was written."), result.FirstBreak);
        Assert.Equal(15, result.Checked);
    }

    [Fact]
    public async Task CheckAsync_OldEntryChangedAfterItsWalk_FoundByTheNextWalk()
    {
        await AppendAsync(10, T0.AddDays(2));
        await _log.VerifyAsync(CancellationToken.None);
        await ChangeSubjectAsync(2, "someone-innocent");

        var beforeNextWalk = await _log.CheckAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(10));
        await _log.VerifyAsync(CancellationToken.None);
        var afterNextWalk = await _log.CheckAsync(CancellationToken.None);

        // What the request reports is as fresh as the last walk for the entries before it (docs/storage.md).
        Assert.Equal(new AuditVerification(true, 10, null), beforeNextWalk with { WalkedAt = null });
        Assert.Equal(2, afterNextWalk.FirstBreak?.Sequence);
        Assert.Equal(_time.GetUtcNow(), afterNextWalk.WalkedAt);
    }

    [Fact]
    public async Task CheckAsync_NoWalkYet_WalksTheOpenChainFromItsStart()
    {
        await AppendAsync(4, T0.AddDays(2));
        await ChangeSubjectAsync(4, "someone-innocent");

        var result = await _log.CheckAsync(CancellationToken.None);

        Assert.Equal(new AuditVerification(false, 4, new AuditBreak(AuditLog.Partition(T0.AddDays(2)), 4, "The entry was changed after it was written.")), result);
        Assert.Null(result.WalkedAt);
    }

    [Fact]
    public async Task CheckAsync_HeadRewoundBelowTheWalkedPosition_NamesTheBreak()
    {
        await AppendAsync(6, T0.AddDays(2));
        await _log.VerifyAsync(CancellationToken.None);
        var partition = AuditLog.Partition(T0.AddDays(2));
        var four = await Table.GetEntityAsync<TableEntity>(partition, AuditLog.RowKey(4));
        await Table.DeleteEntityAsync(partition, AuditLog.RowKey(6));
        await Table.DeleteEntityAsync(partition, AuditLog.RowKey(5));
        await Table.UpsertEntityAsync(new TableEntity(partition, "head") { ["Sequence"] = 4L, ["Hash"] = four.Value.GetString("Hash") }, TableUpdateMode.Replace);

        var result = await _log.CheckAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(5, result.FirstBreak!.Sequence);
    }

    [Fact]
    public async Task CheckAsync_MoreAppendedSinceTheWalkThanAPage_ReadsPointsAndOnePageOnly()
    {
        var reads = new ConcurrentQueue<TableRead>();
        using var logged = new AuditLog(new StorageClients(new DataStorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, TableQueryLog.ToList(reads)), _time, _tableName, _container);
        await logged.AppendAsync(Entry("first", T0.AddDays(2)), CancellationToken.None);
        await logged.VerifyAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, AuditLog.TailPage + 150).Select(i => logged.AppendAsync(Entry($"t{i}", T0.AddDays(2)), CancellationToken.None)));
        reads.Clear();

        var result = await logged.CheckAsync(CancellationToken.None);
        var requestReads = reads.ToArray();
        var walked = await logged.VerifyAsync(CancellationToken.None);
        var afterWalk = await logged.CheckAsync(CancellationToken.None);

        // The request walked the page after the checkpoint; the rest waits for the next walk, which counts them all.
        Assert.Equal(new AuditVerification(true, 1 + AuditLog.TailPage, null), result with { WalkedAt = null });
        Assert.All(requestReads, r => Assert.True(r.Kind == TableReadKind.Point || (r.Kind == TableReadKind.Partition && r.Top is > 0 and <= AuditLog.TailPage), r.ToLine()));
        Assert.Contains(requestReads, r => r.Kind == TableReadKind.Partition);
        Assert.Equal(AuditLog.TailPage + 151, walked.Checked);
        Assert.Equal(walked.Checked, afterWalk.Checked);
    }
}
