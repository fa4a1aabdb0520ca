using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;
using Relocation.Testing.Fund;

namespace Relocation.Storage.Tests.Fund;

[Collection(AzuriteCollection.Name)]
public sealed class TableFundLedgerTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2027, 2, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = FundScenario.Today;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>How far a test moves its clock for the postings it made to be past the seal's horizon.</summary>
    private static readonly TimeSpan PastSealHorizon = TableFundLedger.SealHorizon + TimeSpan.FromMinutes(1);

    private static readonly Gen<FundOp> Op =
        from kind in Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Constant(1)), (3, Gen.Constant(2)), (4, Gen.Constant(3)), (2, Gen.Constant(4)), (3, Gen.Constant(5)), (1, Gen.Constant(6)))
        from donor in Gen.Choose(0, 2)
        from amount in Gen.Frequency((1, Gen.Choose(-3, 0)), (12, Gen.Choose(1, 50_000)))
        from target in Gen.Choose(0, 40)
        from key in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        from earmarked in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from backdate in Gen.Choose(0, 4)
        select new FundOp(kind, donor, amount, target, key, earmarked, backdate);

    private TableFundLedger _ledger = null!;

    public Task InitializeAsync() => ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Property(MaxTest = 6, EndSize = 30)]
    public Property PostAsync_RandomSequences_SameOutcomesAsInMemoryBookAndInvariantsHold() =>
        Prop.ForAll(Gen.ArrayOf(Op).ToArbitrary(), ops => Task.Run(async () =>
        {
            await ResetAsync();
            var book = new FundBook();
            var stored = new FundScenario();
            var model = new FundScenario();
            foreach (var op in ops)
            {
                var actual = await stored.RunAsync(op, (c, k) => _ledger.PostAsync(c, k, CancellationToken.None));
                var expected = await model.RunAsync(op, (c, k) => Task.FromResult(book.Post(c, k, Now)));
                Assert.Equal(expected, actual);
            }

            var postings = await ReadAllAsync();
            var balance = await _ledger.BalanceAsync(null, CancellationToken.None);
            FundInvariants.Hold(postings, balance);
            Assert.Equal(JsonSerializer.Serialize(FundBalance.From(book.Position, null)), JsonSerializer.Serialize(balance));
            var asOf = FundScenario.Start.AddDays(ops.Length / 2);
            Assert.Equal(JsonSerializer.Serialize(FundBalance.From(book.PositionAsOf(asOf), asOf)), JsonSerializer.Serialize(await _ledger.BalanceAsync(asOf, CancellationToken.None)));
            return true;
        }).GetAwaiter().GetResult());

    [Property(MaxTest = 5, EndSize = 40)]
    public Property ImportAsync_RandomSequences_WritesExactlyTheRowsOfPostingOneByOne() =>
        Prop.ForAll(Gen.ArrayOf(Op).ToArbitrary(), ops => Task.Run(async () =>
        {
            await ResetAsync();
            var posted = new List<(FundCommand, string)>();
            var scenario = new FundScenario();
            foreach (var op in ops)
            {
                // Replays and refusals included: the import gets what the ledger accepted, replays among it.
                await scenario.RunAsync(op, async (c, k) =>
                {
                    var result = await _ledger.PostAsync(c, k, CancellationToken.None);
                    posted.Add((c, k));
                    return result;
                });
            }

            // A read of the balance on both sides: the first read of a ledger writes its empty head, and whether posting
            // one by one read it depends only on whether a command got as far as the ledger (a refused one may have).
            await _ledger.BalanceAsync(null, CancellationToken.None);
            var oneByOne = await DumpAsync();
            await ResetAsync();
            var count = await _ledger.ImportAsync(posted, CancellationToken.None);
            await _ledger.BalanceAsync(null, CancellationToken.None);

            Assert.Equal(posted.Select(p => p.Item2).Distinct().Count(), count);
            Assert.Equal(oneByOne, await DumpAsync());
            return true;
        }).GetAwaiter().GetResult());

    [Fact]
    public async Task ImportAsync_PledgesAndReceiptsOverYearsWithGaps_SameRowsAsOneByOne()
    {
        // The history bench's shape: pledges settled by receipts, days apart, and a back-dated receipt across the gap.
        var posted = new List<(FundCommand, string)>();
        for (var i = 0; i < 12; i++)
        {
            var date = new DateOnly(2026, 1, 1).AddDays(i * 9);
            var donor = i % 3 == 0 ? "NOR" : "JPN";
            posted.Add((FundCommands.Pledge(new PledgeCommand(donor, new MoneyFields(1000m, "EUR"), 1000m, null, date, null), Today), $"p{i}"));
            posted.Add((FundCommands.Receipt(new ReceiptCommand(donor, Posting.IdFor($"p{i}"), new MoneyFields(i % 2 == 0 ? 1000m : 400m, "EUR"), i % 2 == 0 ? 1000m : 400m, null, date.AddDays(i % 4), null), Today), $"r{i}"));
        }

        posted.Add((ReceiptOn(10m, new DateOnly(2026, 1, 5)), "back-dated"));
        foreach (var (command, key) in posted)
        {
            await _ledger.PostAsync(command, key, CancellationToken.None);
        }

        var oneByOne = await DumpAsync();
        await ResetAsync();
        await _ledger.ImportAsync(posted, CancellationToken.None);

        Assert.Equal(oneByOne, await DumpAsync());
    }

    [Fact]
    public async Task ImportAsync_FullSegments_SameRowsAndBlobsAsOneByOneThenSealedAndFoldedAWeekOn()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 13);
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        // The live path's state once the sealed segments' key rows have been folded into the key map.
        clock.Now += TableFundLedger.KeyMapHorizon;
        await ledger.SealAsync(CancellationToken.None);
        Assert.Equal(3, (await PostingRowsAsync()).Count);
        var oneByOne = await DumpAsync();
        var blobs = await BlobsAsync();
        var posted = Enumerable.Range(0, 13).Select(i => (Command(i), $"k{i}")).ToList();

        await ResetAsync();
        var imported = new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5);
        await imported.ImportAsync(posted, CancellationToken.None);

        Assert.Equal(oneByOne, await DumpAsync());
        Assert.Equal(blobs, await BlobsAsync());
        Assert.Equal(13, (await ReadAllAsync(imported)).Count);
        Assert.Equal(0, await imported.SealAsync(CancellationToken.None));
        Assert.Equal(keys.Count, posted.Count);
    }

    [Fact]
    public async Task ImportAsync_NothingAccepted_WritesNoRowNotEvenTheHead()
    {
        await ResetAsync();

        var count = await _ledger.ImportAsync([], CancellationToken.None);

        // As posting one by one leaves an empty ledger when every command was refused (found by the property above).
        Assert.Equal(0, count);
        Assert.Empty(await DumpAsync());
    }

    [Fact]
    public async Task ImportAsync_LedgerAlreadyHoldsAPosting_RefusedAndWritesNothing()
    {
        await _ledger.PostAsync(Receipt("NOR", 10m), "first", CancellationToken.None);
        var before = await DumpAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _ledger.ImportAsync([(Receipt("JPN", 5m), "second")], CancellationToken.None));

        Assert.Equal(before, await DumpAsync());
    }

    [Fact]
    public async Task SealAsync_SegmentsThePassedHead_RowsLeaveTheTableAndEveryReadAnswersTheSame()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 13);
        var before = await ReadsAsync(ledger, keys);
        clock.Now += PastSealHorizon;

        var sealedCount = await ledger.SealAsync(CancellationToken.None);

        Assert.Equal(2, sealedCount);
        Assert.Equal(["000000000011", "000000000012", "000000000013"], await RowKeysAsync("slot"));
        Assert.All(await RowKeysAsync("donor-"), k => Assert.True(string.CompareOrdinal(k[^12..], "000000000010") > 0, k));
        // A fresh instance (no cache) reads the sealed postings from their blobs.
        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5), keys));
        Assert.Equal(0, await ledger.SealAsync(CancellationToken.None));

        // A segment the head reached but no posting passed yet stays; so does one passed less than the horizon ago.
        keys.AddRange(await PostPledgesAndReceiptsAsync(ledger, 2, from: 13));
        Assert.Equal(0, await ledger.SealAsync(CancellationToken.None));
        keys.AddRange(await PostPledgesAndReceiptsAsync(ledger, 1, from: 15));
        Assert.Equal(0, await ledger.SealAsync(CancellationToken.None));
        clock.Now += PastSealHorizon;
        Assert.Equal(1, await ledger.SealAsync(CancellationToken.None));
        Assert.Equal(["000000000016"], await RowKeysAsync("slot"));
        Assert.Equal(16, (await ReadAllAsync(ledger)).Count);
    }

    [Fact]
    public async Task SealAsync_RunDiedBeforeDeletingTheRows_ReadsCountEachPostingOnceAndTheNextRunDeletesThem()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        // Eleven: the second segment is sealed once the posting after it (11) is past the horizon.
        var keys = await PostPledgesAndReceiptsAsync(ledger, 11);
        var slots = new List<TableEntity>();
        await foreach (var row in Table().QueryAsync<TableEntity>("PartitionKey eq 'slot' or PartitionKey ge 'donor-' and PartitionKey lt 'donor.'"))
        {
            slots.Add(row);
        }

        var before = await ReadsAsync(ledger, keys);
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        // The second segment's rows back, as a run that died after writing its blobs would have left them.
        foreach (var row in slots.Where(r => r.RowKey.EndsWith("00000000006", StringComparison.Ordinal) || r.RowKey.EndsWith("0000000010", StringComparison.Ordinal) || r.RowKey.EndsWith("00000000008", StringComparison.Ordinal)))
        {
            await Table().AddEntityAsync(row);
        }

        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5), keys));
        await ledger.SealAsync(CancellationToken.None);
        Assert.Equal(["000000000011"], await RowKeysAsync("slot"));
        Assert.All(await RowKeysAsync("donor-"), k => Assert.EndsWith("-000000000011", k, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SealAsync_SealedSegments_PostingRowsKeepOnlyTheirSequenceAndDocumentsAreInTheBlob()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 13);
        var before = await ReadsAsync(ledger, keys);
        clock.Now += PastSealHorizon;

        await ledger.SealAsync(CancellationToken.None);

        var rows = await PostingRowsAsync();
        // Sequences 1-10 sealed: key rows (the id and the sequence); 11-13 keep their documents.
        Assert.All(keys.Take(10), k => Assert.Equal(["Sequence"], rows[Posting.IdFor(k)]));
        Assert.All(keys.Skip(10), k => Assert.Contains("Document", rows[Posting.IdFor(k)]));
        Assert.Equal(["documents/000000000.json", "documents/000000001.json"], (await BlobsAsync()).Select(b => b[..b.IndexOf(':', StringComparison.Ordinal)]).Where(n => n.StartsWith("documents/", StringComparison.Ordinal)));
        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5), keys));
    }

    [Fact]
    public async Task PostAsync_ReceiptAgainstAPledgeWhoseSegmentIsSealed_DocumentBackInItsRowAsTheBookHasIt()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var book = new FundBook();
        var posted = Enumerable.Range(0, 6).Select(i => (Command: OpenPledge(i), Key: $"p{i}")).ToList();
        foreach (var (command, key) in posted)
        {
            await ledger.PostAsync(command, key, CancellationToken.None);
            book.Post(command, key, Now);
        }

        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        var pledge = Posting.IdFor("p0");
        Assert.Equal(["Sequence"], (await PostingRowsAsync())[pledge]);

        var receipt = FundCommands.Receipt(new ReceiptCommand("NOR", pledge, new MoneyFields(400m, "EUR"), 400m, null, new DateOnly(2026, 2, 1), null), Today);
        await ledger.PostAsync(receipt, "r0", CancellationToken.None);
        book.Post(receipt, "r0", Now);

        Assert.Contains("Document", (await PostingRowsAsync())[pledge]);
        var fresh = new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5);
        Assert.Equal(JsonSerializer.Serialize(book.Documents[pledge], Web), JsonSerializer.Serialize(await fresh.FindDocumentAsync(pledge, CancellationToken.None), Web));
        Assert.Equal(600_00, (await fresh.PledgesAsync(CancellationToken.None)).Single(d => d.Id == pledge).OutstandingAmount);
        // A second receipt reads the row's (newer) document, not the blob's.
        await ledger.PostAsync(receipt with { Reference = "second" }, "r1", CancellationToken.None);
        book.Post(receipt with { Reference = "second" }, "r1", Now);
        Assert.Equal(JsonSerializer.Serialize(book.Documents[pledge], Web), JsonSerializer.Serialize(await fresh.FindDocumentAsync(pledge, CancellationToken.None), Web));
    }

    [Fact]
    public async Task PostAsync_ReplayOfASealedPosting_AnswersTheFirstPostingAndOtherContentConflicts()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        await PostPledgesAndReceiptsAsync(ledger, 6);
        clock.Now += PastSealHorizon;
        Assert.Equal(1, await ledger.SealAsync(CancellationToken.None));
        var fresh = new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5);

        var replay = await fresh.PostAsync(Command(2), "k2", CancellationToken.None);

        Assert.True(replay.Replayed);
        Assert.Equal(3, replay.Posting.Sequence);
        await Assert.ThrowsAsync<ConflictException>(() => fresh.PostAsync(Command(4), "k2", CancellationToken.None));
        Assert.Equal(6, (await ReadAllAsync(fresh)).Count);
    }

    [Fact]
    public async Task SealAsync_RunDiedAfterTheDocumentsBlobThenAPostingChangedOne_ThatRowKeepsTheNewerDocument()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        for (var i = 0; i < 6; i++)
        {
            await ledger.PostAsync(OpenPledge(i), $"p{i}", CancellationToken.None);
        }

        var lastSlot = (await Table().GetEntityAsync<TableEntity>("slot", "000000000005")).Value;
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        var pledge = Posting.IdFor("p0");
        await ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", pledge, new MoneyFields(400m, "EUR"), 400m, null, new DateOnly(2026, 2, 1), null), Today), "r0", CancellationToken.None);
        // As a run that died before removing the segment's last slot leaves it: the next run goes over the segment again.
        await Table().AddEntityAsync(lastSlot);

        await new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5).SealAsync(CancellationToken.None);

        Assert.Contains("Document", (await PostingRowsAsync())[pledge]);
        Assert.Equal(["Sequence"], (await PostingRowsAsync())[Posting.IdFor("p1")]);
        Assert.Equal(400_00, (await new TableFundLedger(fixture.Azurite.Clients, new FixedTime(Now), segmentSize: 5).FindDocumentAsync(pledge, CancellationToken.None))!.Received);
        Assert.Equal(["000000000006", "000000000007"], await RowKeysAsync("slot"));
    }

    [Fact]
    public async Task SealAsync_SegmentsSealedAWeekAgo_KeyRowsLeaveForTheKeyMapAndEveryReadAnswersTheSame()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 13);
        var before = await ReadsAsync(ledger, keys);
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        clock.Now += TableFundLedger.KeyMapHorizon - TimeSpan.FromMinutes(1);
        await ledger.SealAsync(CancellationToken.None);
        Assert.Equal(13, (await PostingRowsAsync()).Count);

        clock.Now += TimeSpan.FromMinutes(1);
        await ledger.SealAsync(CancellationToken.None);

        // Sequences 1-10 (two sealed segments) leave the posting partition; their ids are in the buckets' rows.
        Assert.Equal(keys.Skip(10).Select(Posting.IdFor).Order(StringComparer.Ordinal), (await PostingRowsAsync()).Keys.Order(StringComparer.Ordinal));
        var map = await KeyMapAsync();
        Assert.Equal("2", map["collapsed"]);
        Assert.Equal(keys.Take(10).Select(k => (Posting.IdFor(k), TableFundLedger.BucketOf(Posting.IdFor(k)))).Order(), map.Where(m => m.Key != "collapsed").SelectMany(m => Entries(m.Value).Select(e => (e.Id, m.Key))).Order());
        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5), keys));
        Assert.Equal(0, await ledger.SealAsync(CancellationToken.None));
        Assert.Equal(map, await KeyMapAsync());
    }

    [Fact]
    public async Task PostAsync_ReplayOfACollapsedKey_AnswersTheFirstPostingWithoutANewSequence()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        await PostPledgesAndReceiptsAsync(ledger, 6);
        await SealAndFoldAsync(ledger, clock);
        Assert.DoesNotContain(Posting.IdFor("k2"), (await PostingRowsAsync()).Keys);
        var fresh = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);

        var replay = await fresh.PostAsync(Command(2), "k2", CancellationToken.None);

        Assert.True(replay.Replayed);
        Assert.Equal(3, replay.Posting.Sequence);
        await Assert.ThrowsAsync<ConflictException>(() => fresh.PostAsync(Command(4), "k2", CancellationToken.None));
        Assert.Equal(6, (await ReadAllAsync(fresh)).Count);
        Assert.Equal(6, (await fresh.BalanceAsync(null, CancellationToken.None)).Sequence);
        Assert.DoesNotContain(Posting.IdFor("k2"), (await PostingRowsAsync()).Keys);
    }

    [Fact]
    public async Task FindAsync_CollapsedPosting_FoundByIdWithItsDocumentThroughPointReadsOnly()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 7);
        var posting = await ledger.FindAsync(Posting.IdFor("k3"), CancellationToken.None);
        var document = await ledger.FindDocumentAsync(Posting.IdFor("k3"), CancellationToken.None);
        await SealAndFoldAsync(ledger, clock);
        var reads = new System.Collections.Concurrent.ConcurrentQueue<TableRead>();
        var logged = new Relocation.Storage.Configuration.StorageClients(new Relocation.Storage.Configuration.DataStorageOptions { ConnectionString = fixture.Azurite.ConnectionString }, TableQueryLog.ToList(reads));
        var fresh = new TableFundLedger(logged, clock, segmentSize: 5);

        Assert.Equal(JsonSerializer.Serialize(posting, Web), JsonSerializer.Serialize(await fresh.FindAsync(Posting.IdFor("k3"), CancellationToken.None), Web));
        Assert.Equal(JsonSerializer.Serialize(document, Web), JsonSerializer.Serialize(await fresh.FindDocumentAsync(Posting.IdFor("k3"), CancellationToken.None), Web));
        Assert.Null(await fresh.FindAsync(Posting.IdFor("never posted"), CancellationToken.None));
        Assert.True((await fresh.PostAsync(Command(3), "k3", CancellationToken.None)).Replayed);
        await fresh.PostAsync(Command(7), "k7", CancellationToken.None);

        // Row, then bucket, then head and the next slot: every read the request paths make is a point read.
        Assert.All(reads, r => Assert.Equal(TableReadKind.Point, r.Kind));
        Assert.Contains(reads, r => r is { Table: TableFundLedger.Table, Partition: "keys" });
        Assert.Equal(keys.Count + 1, (await ReadAllAsync(fresh)).Count);
    }

    [Fact]
    public async Task PostAsync_ReceiptAgainstACollapsedPledge_DocumentBackInItsRowAsTheBookHasIt()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var book = new FundBook();
        foreach (var (command, key) in Enumerable.Range(0, 6).Select(i => (OpenPledge(i), $"p{i}")))
        {
            await ledger.PostAsync(command, key, CancellationToken.None);
            book.Post(command, key, Now);
        }

        await SealAndFoldAsync(ledger, clock);
        var pledge = Posting.IdFor("p0");
        Assert.DoesNotContain(pledge, (await PostingRowsAsync()).Keys);

        var receipt = FundCommands.Receipt(new ReceiptCommand("NOR", pledge, new MoneyFields(400m, "EUR"), 400m, null, new DateOnly(2026, 2, 1), null), Today);
        await ledger.PostAsync(receipt, "r0", CancellationToken.None);
        book.Post(receipt, "r0", Now);

        Assert.Contains("Document", (await PostingRowsAsync())[pledge]);
        var fresh = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        Assert.Equal(JsonSerializer.Serialize(book.Documents[pledge], Web), JsonSerializer.Serialize(await fresh.FindDocumentAsync(pledge, CancellationToken.None), Web));
        Assert.Equal(600_00, (await fresh.PledgesAsync(CancellationToken.None)).Single(d => d.Id == pledge).OutstandingAmount);
        await ledger.PostAsync(receipt with { Reference = "second" }, "r1", CancellationToken.None);
        book.Post(receipt with { Reference = "second" }, "r1", Now);
        Assert.Equal(JsonSerializer.Serialize(book.Documents[pledge], Web), JsonSerializer.Serialize(await fresh.FindDocumentAsync(pledge, CancellationToken.None), Web));
    }

    [Fact]
    public async Task SealAsync_KeyRowGotItsDocumentBackBeforeTheFold_ThatRowStays()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        for (var i = 0; i < 6; i++)
        {
            await ledger.PostAsync(OpenPledge(i), $"p{i}", CancellationToken.None);
        }

        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        var pledge = Posting.IdFor("p0");
        await ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", pledge, new MoneyFields(400m, "EUR"), 400m, null, new DateOnly(2026, 2, 1), null), Today), "r0", CancellationToken.None);
        clock.Now += TableFundLedger.KeyMapHorizon;

        await ledger.SealAsync(CancellationToken.None);

        var rows = await PostingRowsAsync();
        Assert.Contains("Document", rows[pledge]);
        Assert.DoesNotContain(Posting.IdFor("p1"), rows.Keys);
        Assert.Equal(400_00, (await new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5).FindDocumentAsync(pledge, CancellationToken.None))!.Received);
    }

    [Fact]
    public async Task RollForwardAsync_StaleRollForwardPastTheHorizon_GivesUpAndDoesNotPutTheFirstDocumentBack()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        await ledger.BalanceAsync(null, CancellationToken.None);
        // The head as a writer of the first posting read it, before anything was posted.
        var emptyHead = (await Table().GetEntityAsync<TableEntity>("head", "head")).Value.ETag;
        await ledger.PostAsync(OpenPledge(0), "p0", CancellationToken.None);
        var pledge = Posting.IdFor("p0");
        await ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", pledge, new MoneyFields(400m, "EUR"), 400m, null, new DateOnly(2026, 2, 1), null), Today), "r0", CancellationToken.None);
        for (var i = 1; i < 5; i++)
        {
            await ledger.PostAsync(OpenPledge(i), $"p{i}", CancellationToken.None);
        }

        var first = (await ledger.FindAsync(pledge, CancellationToken.None))!;
        await SealAndFoldAsync(ledger, clock);
        var rows = await DumpAsync();
        Assert.DoesNotContain(pledge, (await PostingRowsAsync()).Keys);

        // That writer wakes up now and rolls its posting forward, as if the head had not moved.
        var done = await ledger.RollForwardAsync(first, new TableFundLedger.Head(new FundPosition(), emptyHead, Now), CancellationToken.None);

        Assert.False(done);
        Assert.Equal(rows, await DumpAsync());
        Assert.Equal(400_00, (await new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5).FindDocumentAsync(pledge, CancellationToken.None))!.Received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PostAsync_WriterStoodStillPastTheHorizonWhileItsSlotWasSealed_AnswersAsAFreshPost(bool retriedMeanwhile)
    {
        var clock = new FixedTime(Now);
        var world = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        await PostPledgesAndReceiptsAsync(world, 5);
        var receipt = Receipt("CHE", 250m);
        // The writer reads head 5 (slot 6 is its to take) and stands still at its next look at the clock, when it
        // decides: meanwhile the ledger goes on past the next segment (its caller's retry landing on another host, or
        // not), a day passes and the seal job removes slots 1-10, slot 6 among them.
        var stalled = new StallingTime(clock, stallAt: 2, async () =>
        {
            if (retriedMeanwhile)
            {
                await world.PostAsync(receipt, "stalled", CancellationToken.None);
            }

            await PostPledgesAndReceiptsAsync(world, retriedMeanwhile ? 5 : 6, from: 5);
            clock.Now += PastSealHorizon;
            Assert.Equal(2, await world.SealAsync(CancellationToken.None));
        });
        var writer = new TableFundLedger(fixture.Azurite.Clients, stalled, segmentSize: 5);

        var result = await Task.Run(() => writer.PostAsync(receipt, "stalled", CancellationToken.None));

        // As a fresh post answers: a new sequence after the head, or the posting its retry made; never slot 6 again.
        Assert.True(stalled.Stalled);
        Assert.Equal(retriedMeanwhile, result.Replayed);
        Assert.Equal(retriedMeanwhile ? 6 : 12, result.Posting.Sequence);
        var fresh = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var postings = await ReadAllAsync(fresh);
        var balance = await fresh.BalanceAsync(null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, retriedMeanwhile ? 11 : 12).Select(i => (long)i), postings.Select(p => p.Sequence));
        Assert.Equal(result.Posting.Sequence, postings.Single(p => p.Id == Posting.IdFor("stalled")).Sequence);
        Assert.Equal(postings.Count, balance.Sequence);
        Assert.All(await RowKeysAsync("slot"), k => Assert.True(string.CompareOrdinal(k, "000000000010") > 0, k));
        FundInvariants.Hold(postings, balance);
    }

    [Fact]
    public async Task SealAsync_PostingAfterASegmentYoungerThanTheHorizon_LeavesThatSegmentInTheTable()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        await PostPledgesAndReceiptsAsync(ledger, 6);
        clock.Now += TableFundLedger.SealHorizon;
        // Posting 11, the first past the second segment, decided a day after posting 6 (the first past the first).
        await PostPledgesAndReceiptsAsync(ledger, 5, from: 6);
        clock.Now += TableFundLedger.SealHorizon - TimeSpan.FromMinutes(1);

        Assert.Equal(1, await ledger.SealAsync(CancellationToken.None));
        Assert.Equal(Enumerable.Range(6, 6).Select(i => i.ToString("D12", System.Globalization.CultureInfo.InvariantCulture)), await RowKeysAsync("slot"));

        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(1, await ledger.SealAsync(CancellationToken.None));
        Assert.Equal(["000000000011"], await RowKeysAsync("slot"));
    }

    [Fact]
    public async Task SealAsync_RunDiedBetweenTheKeyMapAndTheDeletes_ReadsAnswerTheSameAndTheNextRunDeletesThem()
    {
        var clock = new FixedTime(Now);
        var ledger = new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5);
        var keys = await PostPledgesAndReceiptsAsync(ledger, 13);
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        var before = await ReadsAsync(ledger, keys);
        var keyRows = new List<TableEntity>();
        await foreach (var row in Table().QueryAsync<TableEntity>("PartitionKey eq 'posting'"))
        {
            keyRows.Add(row);
        }

        clock.Now += TableFundLedger.KeyMapHorizon;
        await ledger.SealAsync(CancellationToken.None);
        var map = await KeyMapAsync();
        // As a run that died after writing the buckets leaves it: key rows still there, the state row not advanced.
        foreach (var row in keyRows.Where(r => !r.ContainsKey("Document")))
        {
            await Table().AddEntityAsync(row);
        }

        await Table().DeleteEntityAsync("keys", "collapsed");

        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5), keys));
        await new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5).SealAsync(CancellationToken.None);
        Assert.Equal(3, (await PostingRowsAsync()).Count);
        Assert.Equal(map, await KeyMapAsync());
        Assert.Equal(before, await ReadsAsync(new TableFundLedger(fixture.Azurite.Clients, clock, segmentSize: 5), keys));
    }

    [Fact]
    public async Task PostAsync_TwentyParallelCommitmentsForTheSameMoney_NeverNegativeAndLosersConflict()
    {
        await _ledger.PostAsync(Receipt("NOR", 1000m), "seed", CancellationToken.None);

        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await _ledger.PostAsync(FundCommands.Commitment(new CommitmentCommand($"R{i}", 150m, Today, null), Today), $"commit:{i}", CancellationToken.None);
                return "won";
            }
            catch (ConflictException)
            {
                return "lost";
            }
        })).ToArray();
        var results = await Task.WhenAll(attempts);

        var balance = await _ledger.BalanceAsync(null, CancellationToken.None);
        Assert.Equal(6, results.Count(r => r == "won"));
        Assert.Equal(14, results.Count(r => r == "lost"));
        Assert.Equal(90000, balance.Committed);
        Assert.Equal(10000, balance.Available);
        FundInvariants.Hold(await ReadAllAsync(), balance);
    }

    [Fact]
    public async Task PostAsync_ParallelWritersWithReplayedKeys_EachKeyPostsOnce()
    {
        await _ledger.PostAsync(Receipt("NOR", 5000m), "seed", CancellationToken.None);

        // Ten keys, each sent three times at once: receipts and commitments interleaved.
        var tasks = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            var n = i % 10;
            var command = n % 2 == 0 ? Receipt("JPN", 100m + n) : FundCommands.Commitment(new CommitmentCommand($"R{n}", 300m, Today, null), Today);
            return await _ledger.PostAsync(command, $"key:{n}", CancellationToken.None);
        })).ToArray();
        var results = await Task.WhenAll(tasks);

        var postings = await ReadAllAsync();
        Assert.Equal(11, postings.Count);
        Assert.All(results.GroupBy(r => r.Posting.Id), g => Assert.Single(g.Select(r => r.Posting.Sequence).Distinct()));
        Assert.Equal(20, results.Count(r => r.Replayed));
        FundInvariants.Hold(postings, await _ledger.BalanceAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task BalanceAsync_WriterCrashedAfterClaimingItsSlot_PostingRolledForward()
    {
        await _ledger.PostAsync(Receipt("NOR", 1000m), "first", CancellationToken.None);
        var position = new FundPosition();
        position.Apply((await ReadAllAsync())[0]);
        // A writer that inserted slot 2 and died before folding it in.
        var orphan = FundRules.Decide(Receipt("CHE", 250m), Posting.IdFor("orphan"), 2, Now, position, _ => null);
        await Table().AddEntityAsync(new TableEntity("slot", "000000000002") { ["PostingId"] = orphan.Id, ["Posting"] = JsonSerializer.Serialize(orphan, Web) });

        var balance = await _ledger.BalanceAsync(null, CancellationToken.None);
        var replay = await _ledger.PostAsync(Receipt("CHE", 250m), "orphan", CancellationToken.None);

        Assert.Equal(125000, balance.Cash);
        Assert.True(replay.Replayed);
        Assert.Equal(2, replay.Posting.Sequence);
        Assert.Equal(125000, (await _ledger.BalanceAsync(Today, CancellationToken.None)).Cash);
    }

    [Fact]
    public async Task BalanceAsync_AsOfEarlierDates_ReadsCumulativeDays()
    {
        var d1 = new DateOnly(2026, 3, 1);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(100m, "EUR"), 100m, null, d1.AddDays(10), null), Today), "a", CancellationToken.None);
        await _ledger.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(50m, "EUR"), 50m, null, d1, null), Today), "b (backdated)", CancellationToken.None);

        Assert.Equal(0, (await _ledger.BalanceAsync(d1.AddDays(-1), CancellationToken.None)).Cash);
        Assert.Equal(5000, (await _ledger.BalanceAsync(d1, CancellationToken.None)).Cash);
        Assert.Equal(5000, (await _ledger.BalanceAsync(d1.AddDays(9), CancellationToken.None)).Cash);
        Assert.Equal(15000, (await _ledger.BalanceAsync(d1.AddDays(10), CancellationToken.None)).Cash);
        Assert.Equal(15000, (await _ledger.BalanceAsync(null, CancellationToken.None)).Cash);
    }

    [Fact]
    public async Task PostAsync_DatedAfterTheLatestDay_FillsEveryDayBetweenSoAsOfIsAPointRead()
    {
        var d1 = new DateOnly(2026, 3, 1);
        await _ledger.PostAsync(ReceiptOn(100m, d1), "a", CancellationToken.None);
        await _ledger.PostAsync(ReceiptOn(50m, d1.AddDays(5)), "b", CancellationToken.None);
        await _ledger.PostAsync(ReceiptOn(25m, d1.AddDays(5)), "c (same day)", CancellationToken.None);

        var days = new List<string>();
        await foreach (var row in fixture.Azurite.Clients.Table(TableFundLedger.DaysTable).QueryAsync<TableEntity>())
        {
            days.Add(row.GetString("Date"));
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(i => d1.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Order(), days.Order());
        Assert.Equal(10000, (await _ledger.BalanceAsync(d1.AddDays(3), CancellationToken.None)).Cash);
        Assert.Equal(17500, (await _ledger.BalanceAsync(d1.AddDays(5), CancellationToken.None)).Cash);
        Assert.Equal(17500, (await _ledger.BalanceAsync(d1.AddDays(40), CancellationToken.None)).Cash);
    }

    [Fact]
    public async Task PostAsync_BackDatedIntoFilledDays_EveryLaterDayMoves()
    {
        var d1 = new DateOnly(2026, 3, 1);
        await _ledger.PostAsync(ReceiptOn(100m, d1), "a", CancellationToken.None);
        await _ledger.PostAsync(ReceiptOn(50m, d1.AddDays(5)), "b", CancellationToken.None);
        await _ledger.PostAsync(ReceiptOn(10m, d1.AddDays(2)), "c (backdated)", CancellationToken.None);

        Assert.Equal(10000, (await _ledger.BalanceAsync(d1.AddDays(1), CancellationToken.None)).Cash);
        Assert.Equal(11000, (await _ledger.BalanceAsync(d1.AddDays(2), CancellationToken.None)).Cash);
        Assert.Equal(11000, (await _ledger.BalanceAsync(d1.AddDays(4), CancellationToken.None)).Cash);
        Assert.Equal(16000, (await _ledger.BalanceAsync(d1.AddDays(5), CancellationToken.None)).Cash);
    }

    [Fact]
    public async Task Azurite_WhatTheLedgerReliesOn_InsertOfExistingRowIs409AndStaleIfMatchIs412()
    {
        var table = Table();
        await table.AddEntityAsync(new TableEntity("probe", "1"));
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("probe", "1")));
        Assert.Equal(409, error.Status);

        var row = (await table.GetEntityAsync<TableEntity>("probe", "1")).Value;
        await table.UpdateEntityAsync(new TableEntity("probe", "1") { ["V"] = 1 }, row.ETag, TableUpdateMode.Replace);
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("probe", "1") { ["V"] = 2 }, row.ETag, TableUpdateMode.Replace));
        Assert.Equal(412, stale.Status);
    }

    private static FundCommand ReceiptOn(decimal eur, DateOnly date) =>
        FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(eur, "EUR"), eur, null, date, null), Today);

    private static FundCommand Receipt(string donor, decimal eur) =>
        FundCommands.Receipt(new ReceiptCommand(donor, null, new MoneyFields(eur, "EUR"), eur, null, Today, null), Today);

    private TableClient Table() => fixture.Azurite.Clients.Table(TableFundLedger.Table);

    private Task<List<Posting>> ReadAllAsync() => ReadAllAsync(_ledger);

    private static async Task<List<Posting>> ReadAllAsync(TableFundLedger ledger)
    {
        var list = new List<Posting>();
        await foreach (var posting in ledger.ReadAllAsync(CancellationToken.None))
        {
            list.Add(posting);
        }

        return list;
    }

    private static async Task<List<string>> PostPledgesAndReceiptsAsync(TableFundLedger ledger, int count, int from = 0)
    {
        var keys = new List<string>();
        for (var i = from; i < from + count; i++)
        {
            await ledger.PostAsync(Command(i), $"k{i}", CancellationToken.None);
            keys.Add($"k{i}");
        }

        return keys;
    }

    /// <summary>Even: a pledge; odd: the receipt that settles the pledge before it (same donor), a day later.</summary>
    private static FundCommand Command(int i)
    {
        var donor = i / 2 % 3 == 0 ? "NOR" : "JPN";
        var date = new DateOnly(2026, 1, 1).AddDays(i);
        return i % 2 == 0
            ? FundCommands.Pledge(new PledgeCommand(donor, new MoneyFields(1000m, "EUR"), 1000m, null, date, null), Today)
            : FundCommands.Receipt(new ReceiptCommand(donor, Posting.IdFor($"k{i - 1}"), new MoneyFields(1000m, "EUR"), 1000m, null, date, null), Today);
    }

    /// <summary>A pledge of 1,000 EUR nobody pays (NOR), a day apart.</summary>
    private static FundCommand OpenPledge(int i) =>
        FundCommands.Pledge(new PledgeCommand("NOR", new MoneyFields(1000m, "EUR"), 1000m, null, new DateOnly(2026, 1, 1).AddDays(i), null), Today);

    /// <summary>
    /// Seals the passed segments once the postings are past the seal's horizon, then again a week on, when their key rows
    /// are folded into the key map.
    /// </summary>
    private static async Task SealAndFoldAsync(TableFundLedger ledger, FixedTime clock)
    {
        clock.Now += PastSealHorizon;
        await ledger.SealAsync(CancellationToken.None);
        clock.Now += TableFundLedger.KeyMapHorizon;
        await ledger.SealAsync(CancellationToken.None);
    }

    /// <summary>The key map's rows: each bucket's entries (its columns joined), and the state row's segment count.</summary>
    private async Task<Dictionary<string, string>> KeyMapAsync()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in Table().QueryAsync<TableEntity>("PartitionKey eq 'keys'"))
        {
            map[row.RowKey] = row.RowKey == "collapsed"
                ? row.GetInt64("Segments")!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.Concat(row.Keys.Where(k => k.StartsWith('K')).OrderBy(k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture)).Select(k => row.GetString(k)));
        }

        return map;
    }

    private static IEnumerable<(string Id, long Sequence)> Entries(string bucket) =>
        bucket.Chunk(40).Select(e => (new string(e[..32]), Convert.ToInt64(new string(e[32..]), 16)));

    /// <summary>Each posting row's columns (without what the service stamps), by posting id.</summary>
    private async Task<Dictionary<string, List<string>>> PostingRowsAsync()
    {
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var row in Table().QueryAsync<TableEntity>("PartitionKey eq 'posting'"))
        {
            rows[row.RowKey] = [.. row.Keys.Where(k => k is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey")).Order(StringComparer.Ordinal)];
        }

        return rows;
    }

    private async Task<List<string>> BlobsAsync()
    {
        var container = fixture.Azurite.Clients.Container(TableFundLedger.SealedContainer);
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs.Add($"{blob.Name}: {(await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content}");
        }

        return blobs;
    }

    /// <summary>What every read of the ledger answers, as text: all postings, each by id, each donor's, balances.</summary>
    private static async Task<List<string>> ReadsAsync(TableFundLedger ledger, IEnumerable<string> keys)
    {
        var reads = (await ReadAllAsync(ledger)).Select(p => JsonSerializer.Serialize(p, Web)).ToList();
        foreach (var key in keys)
        {
            reads.Add(JsonSerializer.Serialize(await ledger.FindAsync(Posting.IdFor(key), CancellationToken.None), Web));
            reads.Add(JsonSerializer.Serialize(await ledger.FindDocumentAsync(Posting.IdFor(key), CancellationToken.None), Web));
        }

        foreach (var donor in new[] { "NOR", "JPN" })
        {
            reads.Add(JsonSerializer.Serialize(await ledger.DonorPostingsAsync(donor, CancellationToken.None), Web));
        }

        reads.Add(JsonSerializer.Serialize(await ledger.BalanceAsync(null, CancellationToken.None), Web));
        reads.Add(JsonSerializer.Serialize(await ledger.BalanceAsync(new DateOnly(2026, 1, 4), CancellationToken.None), Web));
        reads.Add(JsonSerializer.Serialize(await ledger.PledgesAsync(CancellationToken.None), Web));
        return reads;
    }

    private async Task<List<string>> RowKeysAsync(string partitionPrefix)
    {
        var keys = new List<string>();
        await foreach (var row in Table().QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            if (row.PartitionKey.StartsWith(partitionPrefix, StringComparison.Ordinal))
            {
                keys.Add(row.RowKey);
            }
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Every row of both tables, as text, without what the service stamps (time, ETag).</summary>
    private async Task<List<string>> DumpAsync()
    {
        var rows = new List<string>();
        foreach (var name in new[] { TableFundLedger.Table, TableFundLedger.DaysTable })
        {
            await foreach (var row in fixture.Azurite.Clients.Table(name).QueryAsync<TableEntity>())
            {
                var columns = row.Keys.Where(k => k is not ("Timestamp" or "odata.etag")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}");
                rows.Add($"{name}|{string.Join('|', columns)}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private async Task ResetAsync()
    {
        var clients = fixture.Azurite.Clients;
        await FundLedgerStore.ResetAsync(clients);
        _ledger = new TableFundLedger(clients, new FixedTime(Now));
    }

    /// <summary>
    /// The world's clock, as a writer sees it that stands still at its n-th look at it (the 2nd in a post: after its
    /// head read, when it decides) while the world goes on; every look answers the world's time.
    /// </summary>
    private sealed class StallingTime(FixedTime world, int stallAt, Func<Task> meanwhile) : TimeProvider
    {
        private int _looks;

        public bool Stalled { get; private set; }

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Increment(ref _looks) == stallAt)
            {
                // Blocks a pool thread (the writer runs under Task.Run): the point is that the writer stands still.
                meanwhile().GetAwaiter().GetResult();
                Stalled = true;
            }

            return world.Now;
        }
    }
}
