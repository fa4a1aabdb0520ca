using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Storage.Relocations;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Relocations;

[Collection(AzuriteCollection.Name)]
public sealed class RelocationRepositoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly StorageFixture _fixture;
    private readonly CaseloadIndex _caseload;
    private readonly RelocationRepository _repository;

    public Task InitializeAsync() =>
        new StorageInitializer(_fixture.Azurite.Clients, [StorageResource.Table(RelocationRepository.Table), StorageResource.Table(RelocationRepository.IndexTable), StorageResource.Table(RelocationRepository.HistoryTable),
                StorageResource.Table(CaseloadIndex.OpenTable), StorageResource.Table(CaseloadIndex.ClosedTable), StorageResource.Table(CaseloadIndex.RecentTable)])
            .EnsureCreatedAsync(CancellationToken.None);

    public RelocationRepositoryTests(StorageFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _fixture = fixture;
        _caseload = new CaseloadIndex(fixture.Azurite.Clients);
        _repository = new RelocationRepository(fixture.Azurite.Clients, _caseload);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task UpdateAsync_CaseCancelled_MovesItsCaseloadLineFromOpenToClosed()
    {
        var c = NewCase();
        c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100)], Now, Now.AddHours(72));
        var saved = await _repository.AddAsync(c, CancellationToken.None);
        var open = await _caseload.ListAsync(new CaseloadQuery(null, null, null, Now, null, 200), CancellationToken.None);
        var line = Assert.Single(open.Items, i => i.Id == c.Id);
        Assert.Equal(Now.AddHours(72), line.Deadline);
        Assert.Equal("NOR", line.StateCode);

        saved.Cancel("Threat assessment changed", Now.AddHours(1));
        await _repository.UpdateAsync(saved, CancellationToken.None);

        Assert.DoesNotContain((await _caseload.ListAsync(new CaseloadQuery(RelocationStatus.AwaitingOffers, null, null, Now, null, 200), CancellationToken.None)).Items, i => i.Id == c.Id);
        var closed = (await _caseload.ListAsync(new CaseloadQuery(RelocationStatus.Cancelled, null, null, Now, null, 200), CancellationToken.None)).Items;
        Assert.Null(Assert.Single(closed, i => i.Id == c.Id).Deadline);
    }

    [Fact]
    public async Task ListAsync_StaleLineLeftByACrash_ShowsTheCaseAsItIsAndRepairsTheLine()
    {
        var c = NewCase();
        c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100)], Now, Now.AddHours(72));
        var saved = await _repository.AddAsync(c, CancellationToken.None);
        var staleLine = CaseloadEntry.From(saved);
        saved.Cancel("Moved by other means", Now.AddHours(1));
        await _repository.UpdateAsync(saved, CancellationToken.None);
        // The process died after the case write and before the index write: the open line is back.
        await _caseload.PutAsync(staleLine, CancellationToken.None);

        var first = await _caseload.ListAsync(new CaseloadQuery(null, null, null, Now, null, 200), CancellationToken.None);
        var second = await _caseload.ListAsync(new CaseloadQuery(RelocationStatus.AwaitingOffers, null, null, Now, null, 200), CancellationToken.None);

        Assert.Equal(RelocationStatus.Cancelled, Assert.Single(first.Items, i => i.Id == c.Id).Status);
        Assert.DoesNotContain(second.Items, i => i.Id == c.Id);
    }

    private static RelocationCase NewCase() => RelocationCase.Submit(Guid.NewGuid().ToString("N"),
        new RelocationFacts("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, new Household(2, 1), new Needs(["fr"], true)), Now, "Vwu.Officer");

    [Fact]
    public async Task AddAsync_ThenFind_RoundTripsRoundsOffersAndTimeline()
    {
        var c = NewCase();
        c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100)], Now, Now.AddHours(72));
        c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 3, new DateOnly(2026, 12, 1), new MoneyFields(1250.50m, "EUR"), "ok"), Now);

        await _repository.AddAsync(c, CancellationToken.None);
        var found = (await _repository.FindAsync(c.Id, CancellationToken.None))!;

        Assert.Equal(c.Facts.Needs.Languages, found.Facts.Needs.Languages);
        Assert.Equal(c.Facts with { Needs = found.Facts.Needs }, found.Facts);
        Assert.Equal(c.State, found.State);
        Assert.Equal(c.Offers, found.Offers);
        Assert.Equal(c.Timeline, found.Timeline);
        Assert.Equal(c.Rounds[0].Asked, found.Rounds[0].Asked);
        Assert.NotNull(found.Version);
    }

    [Fact]
    public async Task UpdateAsync_ManySteps_RowKeepsTheLatestAndHistoryKeepsEveryOlderOneInOrder()
    {
        var c = await _repository.AddAsync(NewCase(), CancellationToken.None);
        for (var i = 0; i < 130; i++)
        {
            c.Note(Now.AddMinutes(i), "Step", $"step {i}");
            if (i % 7 == 0)
            {
                c = await _repository.UpdateAsync(c, CancellationToken.None);
            }
        }

        c = await _repository.UpdateAsync(c, CancellationToken.None);
        var found = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        var history = await _repository.HistoryAsync(c.Id, found.TimelineOffset, 1000, CancellationToken.None);

        Assert.Equal(RelocationCase.MaxTimelineOnRow, found.Timeline.Count);
        Assert.Equal(131 - RelocationCase.MaxTimelineOnRow, found.TimelineOffset);
        Assert.Equal("step 129", found.Timeline[^1].Detail);
        Assert.Equal(Enumerable.Range(0, (int)found.TimelineOffset).Reverse().Select(n => (long)n), history.Select(h => h.Number));
        Assert.Equal("Submitted", history[^1].Entry.What);
        Assert.Equal("step 0", history[^2].Entry.Detail);
        Assert.Equal($"step {found.TimelineOffset - 2}", history[0].Entry.Detail);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsPreconditionFailed()
    {
        var saved = await _repository.AddAsync(NewCase(), CancellationToken.None);
        var first = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;
        var second = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;
        first.Cancel("one", Now);
        await _repository.UpdateAsync(first, CancellationToken.None);
        second.Cancel("two", Now);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _repository.UpdateAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_SameIdTwice_IsConflict()
    {
        var c = NewCase();
        await _repository.AddAsync(c, CancellationToken.None);

        await Assert.ThrowsAsync<ConflictException>(() => _repository.AddAsync(c, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_WithWritesBeforeAndAfter_BeforeSeesNoRowAfterSeesTheRowAndItsLine()
    {
        var c = NewCase();
        RelocationCase? rowBefore = null, rowAfter = null;
        string? versionAfter = null;

        var added = await _repository.AddAsync(c,
            async () => rowBefore = await _repository.FindAsync(c.Id, CancellationToken.None),
            async written =>
            {
                versionAfter = written.Version;
                rowAfter = await _repository.FindAsync(c.Id, CancellationToken.None);
            },
            CancellationToken.None);

        Assert.Null(rowBefore);
        Assert.NotNull(rowAfter);
        Assert.Equal(added.Version, versionAfter);
        Assert.Equal(rowAfter.Version, added.Version);
        Assert.Contains(c.Id, await _caseload.WaitingIdsAsync(500, Now, CancellationToken.None));
    }

    [Fact]
    public async Task AddLeavingFollowingAsync_NewCase_RowWrittenAndItsStatisticsLineFollowsAndTheNextWriteRewritesIt()
    {
        // The statistics line is handed back to the caller (who waits for it beside its stored answer and audit entry).
        // Should the process die before it, the line is missing as after a crash right after the row; the case's next
        // write puts it back.
        await new StorageInitializer(_fixture.Azurite.Clients, [StorageResource.Table(RelocationStatsIndex.Table)]).EnsureCreatedAsync(CancellationToken.None);
        var stats = new RelocationStatsIndex(_fixture.Azurite.Clients);
        var repository = new RelocationRepository(_fixture.Azurite.Clients, _caseload, stats);
        var c = NewCase();
        c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100)], Now, Now.AddHours(72));

        var (added, following) = await repository.AddLeavingFollowingAsync(Task.FromResult(c), () => Task.CompletedTask, CancellationToken.None);
        Assert.NotNull(await repository.FindAsync(c.Id, CancellationToken.None));
        await following;
        var line = Assert.Single(await stats.ListYearAsync(Now.Year, CancellationToken.None), l => l.Id == c.Id);
        Assert.Equal(1, line.Rounds);

        await _fixture.Azurite.Clients.Table(RelocationStatsIndex.Table).DeleteEntityAsync(Now.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), c.Id);
        added.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 3, new DateOnly(2026, 12, 1), new MoneyFields(1250.50m, "EUR"), "ok"), Now.AddHours(1));
        await repository.UpdateAsync(added, CancellationToken.None);
        Assert.Equal(Now.AddHours(1), Assert.Single(await stats.ListYearAsync(Now.Year, CancellationToken.None), l => l.Id == c.Id).FirstOfferAt);
    }

    [Fact]
    public async Task AddAsync_RowExistsWithWritesAfter_ConflictAndNothingRunAfter()
    {
        var c = NewCase();
        await _repository.AddAsync(c, CancellationToken.None);
        var before = 0;
        var after = 0;

        await Assert.ThrowsAsync<ConflictException>(() => _repository.AddAsync(c, () => Task.FromResult(++before), _ => Task.FromResult(++after), CancellationToken.None));

        Assert.Equal((1, 0), (before, after));
    }

    [Fact]
    public async Task IndexOfferRequestAsync_Twice_ListsOnceWithItsLineForThatStateOnly()
    {
        var state = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(state, "cap1", true, 1100)], Now, Now.AddHours(72));

        await _repository.IndexOfferRequestAsync(state, OfferRequestLine.For(c, round), CancellationToken.None);
        await _repository.IndexOfferRequestAsync(state, OfferRequestLine.For(c, round), CancellationToken.None);

        var row = Assert.Single(await _repository.OfferRequestsForAsync(state, CancellationToken.None));
        Assert.Equal(c.Id, row.RelocationId);
        Assert.False(row.Closing);
        var line = Assert.IsType<OfferRequestLine>(row.Line);
        Assert.Equal((c.Id, "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, 3, true, 1, Now.AddHours(72)),
            (line.RelocationId, line.Pseudonym, line.Kind, line.Priority, line.HouseholdSize, line.MedicalCare, line.Round, line.Deadline));
        Assert.Equal(["fr"], line.Languages);
        Assert.True(row.Unconfirmed);
        Assert.False(row.ListableAsStored(Now));
        await _repository.ConfirmOfferRequestAsync(state, row, CancellationToken.None);
        Assert.True(Assert.Single(await _repository.OfferRequestsForAsync(state, CancellationToken.None)).ListableAsStored(Now));
        Assert.DoesNotContain(await _repository.OfferRequestsForAsync("ZZZ", CancellationToken.None), r => r.RelocationId == c.Id);
    }

    [Fact]
    public async Task OfferRequestsForAsync_RowWrittenByOlderCode_ListsItsIdWithoutALine()
    {
        var state = Code("Q");
        var id = Guid.NewGuid().ToString("N");
        // What the index held before rows carried their line: the keys only.
        await _fixture.Azurite.Clients.Table(RelocationRepository.IndexTable).UpsertEntityAsync(new Azure.Data.Tables.TableEntity(state, id));

        var row = Assert.Single(await _repository.OfferRequestsForAsync(state, CancellationToken.None));

        Assert.Equal((id, null, false), (row.RelocationId, row.Line, row.Closing));
        Assert.False(row.ListableAsStored(Now));
    }

    [Fact]
    public async Task UpdateAsync_RequestAnsweredThenCaseCancelled_RemovesEachStatesIndexRow()
    {
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100), new AskedState("SWE", "cap2", true, 1000)], Now, Now.AddHours(72));
        var saved = await _repository.AddAsync(c, CancellationToken.None);
        await _repository.IndexOfferRequestAsync("NOR", OfferRequestLine.For(c, round), CancellationToken.None);
        await _repository.IndexOfferRequestAsync("SWE", OfferRequestLine.For(c, round), CancellationToken.None);

        saved.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        saved = await _repository.UpdateAsync(saved, CancellationToken.None);
        Assert.DoesNotContain(await _repository.OfferRequestsForAsync("NOR", CancellationToken.None), r => r.RelocationId == c.Id);
        Assert.Contains(await _repository.OfferRequestsForAsync("SWE", CancellationToken.None), r => r.RelocationId == c.Id && !r.Closing);

        saved.Cancel("Threat assessment changed", Now.AddHours(2));
        await _repository.UpdateAsync(saved, CancellationToken.None);
        Assert.DoesNotContain(await _repository.OfferRequestsForAsync("SWE", CancellationToken.None), r => r.RelocationId == c.Id);
    }

    [Fact]
    public async Task UpdateAsync_ClosingWriteDiesBeforeTheCaseRow_LeavesTheRowMarkedClosing()
    {
        var (north, south) = (Code("Q"), Code("R"));
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100), new AskedState(south, "cap2", true, 1000)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        var saved = (await _repository.FindAsync(c.Id, CancellationToken.None))!;

        // The process dies after the mark and before the case row is written (the write is never sent): the mark stays,
        // and the list checks the case.
        saved.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _repository.UpdateAsync(saved, new CancellationToken(canceled: true)));

        var row = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.True(row.Closing);
        Assert.False(row.ListableAsStored(Now));
    }

    [Fact]
    public async Task UpdateAsync_ClosingWriteRefused_TakesBackItsMarkWhereTheCaseStillAsks()
    {
        var (north, south) = (Code("Q"), Code("R"));
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100), new AskedState(south, "cap2", true, 1000)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        await IndexConfirmedAsync(south, OfferRequestLine.For(c, round));
        var first = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        var second = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        first.RecordResponse(south, new ResponseCommand(south, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await _repository.UpdateAsync(first, CancellationToken.None);

        // The north's answer is refused (the row moved on): the case still asks the north, so the mark it made is taken
        // back, and the north's list trusts its row again instead of reading the case on every list until it closes.
        second.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _repository.UpdateAsync(second, CancellationToken.None));

        var row = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.False(row.Closing);
        Assert.Equal(1, row.Line?.Round);
        Assert.True(row.ListableAsStored(Now));
        Assert.Empty(await _repository.OfferRequestsForAsync(south, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_ClosingWriteRefusedAfterTheWinnerClosedTheRequest_KeepsTheMark()
    {
        var north = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        var first = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        var second = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        // The winner's own delete is lost, as if its process died after the case row (its row put back with its mark).
        first.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await _repository.UpdateAsync(first, CancellationToken.None);
        await Table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(north, c.Id) { ["Closing"] = true, ["ClosingRound"] = 1, ["ClosingBy"] = "winner" });

        second.Cancel("refused below", Now.AddHours(1));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _repository.UpdateAsync(second, CancellationToken.None));

        // The case no longer asks the north: the mark (now the refused write's) is left for the list to act on.
        Assert.True(Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None)).Closing);
    }

    [Fact]
    public async Task IndexOfferRequestAsync_OverAnEarlierRoundsMark_ListedOnceConfirmed()
    {
        var north = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        var dying = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        dying.CloseRound(1, Now.AddHours(72));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _repository.UpdateAsync(dying, new CancellationToken(canceled: true)));
        Assert.True(Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None)).Closing);

        // Round 2 asks the same State: round 1's mark no longer counts; the row waits for a list's confirmation.
        var fresh = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        fresh.StartRound(2, [new AskedState(north, "cap1", true, 1100)], Now.AddHours(72), Now.AddHours(144));
        fresh = await _repository.UpdateAsync(fresh, CancellationToken.None);
        await _repository.IndexOfferRequestAsync(north, OfferRequestLine.For(fresh, fresh.CurrentRound!), CancellationToken.None);

        var row = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.Equal((false, true, 2), (row.Closing, row.Unconfirmed, row.Line?.Round));
        await _repository.ConfirmOfferRequestAsync(north, row, CancellationToken.None);
        Assert.True(Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None)).ListableAsStored(Now.AddHours(73)));
    }

    [Fact]
    public async Task IndexOfferRequestAsync_AfterTheStateAnswered_RowNotTrustedAsStored()
    {
        var north = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        // A round opening's rerun reads the case while the north is still asked...
        var readByTheRerun = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        var answered = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        answered.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await _repository.UpdateAsync(answered, CancellationToken.None);
        Assert.Empty(await _repository.OfferRequestsForAsync(north, CancellationToken.None));

        // ...and writes the row after the answer deleted it.
        await _repository.IndexOfferRequestAsync(north, OfferRequestLine.OpenFor(readByTheRerun, north)!, CancellationToken.None);

        var row = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.False(row.ListableAsStored(Now));
        Assert.Equal(OfferRequestVerdict.Closed, OfferRequestCheck.Of(await _repository.FindAsync(c.Id, CancellationToken.None), north).Verdict);
    }

    [Fact]
    public async Task IndexOfferRequestAsync_OverTheSameRoundsMark_KeepsTheMark()
    {
        var north = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await IndexConfirmedAsync(north, OfferRequestLine.For(c, round));
        var answering = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        answering.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        // The answer has marked the row (and its process dies before its case write lands, or is slow to)...
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _repository.UpdateAsync(answering, new CancellationToken(canceled: true)));

        // ...when a rerun of the round opening writes the row of the same round: the mark must survive it.
        await _repository.IndexOfferRequestAsync(north, OfferRequestLine.For(c, round), CancellationToken.None);

        Assert.True(Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None)).Closing);
    }

    [Fact]
    public async Task ConfirmOfferRequestAsync_RowMarkedSinceItWasRead_StaysDoubtful()
    {
        var north = Code("Q");
        var c = NewCase();
        var round = c.StartRound(1, [new AskedState(north, "cap1", true, 1100)], Now, Now.AddHours(72));
        await _repository.AddAsync(c, CancellationToken.None);
        await _repository.IndexOfferRequestAsync(north, OfferRequestLine.For(c, round), CancellationToken.None);
        var listed = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.False(listed.ListableAsStored(Now));

        // A closing write marks the row between the list's read and its confirmation: the confirmation changes nothing.
        var answering = (await _repository.FindAsync(c.Id, CancellationToken.None))!;
        answering.RecordResponse(north, new ResponseCommand(north, OfferDecision.Decline, null, null, null, null), Now.AddHours(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _repository.UpdateAsync(answering, new CancellationToken(canceled: true)));
        await _repository.ConfirmOfferRequestAsync(north, listed, CancellationToken.None);

        var row = Assert.Single(await _repository.OfferRequestsForAsync(north, CancellationToken.None));
        Assert.Equal((true, true), (row.Closing, row.Unconfirmed));
    }

    private Azure.Data.Tables.TableClient Table => _fixture.Azurite.Clients.Table(RelocationRepository.IndexTable);

    // A partition of its own per test: the tests share one index table, and two hex digits (256 codes) collided between
    // tests in one CI run (a list that should hold one row held another test's). The repository takes any State code.
    private static string Code(string first) => first + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>The row as a round opening writes it, then confirmed as a State's list does after reading its case.</summary>
    private async Task IndexConfirmedAsync(string state, OfferRequestLine line)
    {
        await _repository.IndexOfferRequestAsync(state, line, CancellationToken.None);
        var row = Assert.Single(await _repository.OfferRequestsForAsync(state, CancellationToken.None), r => r.RelocationId == line.RelocationId);
        await _repository.ConfirmOfferRequestAsync(state, row, CancellationToken.None);
    }
}
