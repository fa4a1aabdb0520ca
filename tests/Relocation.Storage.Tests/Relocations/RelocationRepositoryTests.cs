using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Storage.Relocations;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Relocations;

[Collection(AzuriteCollection.Name)]
public sealed class RelocationRepositoryTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly RelocationRepository _repository = new(fixture.Azurite.Clients);

    public Task InitializeAsync() =>
        new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Table(RelocationRepository.Table), StorageResource.Table(RelocationRepository.IndexTable), StorageResource.Table(RelocationRepository.HistoryTable)])
            .EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    private static RelocationCase NewCase() => RelocationCase.Submit(Guid.NewGuid().ToString("N"),
        new RelocationFacts("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, new Household(2, 1), new Needs(["fr"], true)), Now, "Vwu.Officer");

    [Fact]
    public async Task AddAsync_ThenFind_RoundTripsRoundsOffersAndTimeline()
    {
        var c = NewCase();
        c.StartRound(1, [new AskedState("NOR", "cap1", true, 1100)], Now, Now.AddHours(72));
        c.RecordResponse("NOR", new ResponseInput("NOR", OfferDecision.Offer, 3, new DateOnly(2026, 12, 1), new MoneyInput(1250.50m, "EUR"), "ok"), Now);

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
    public async Task IndexOfferRequestAsync_Twice_ListsOnceForThatStateOnly()
    {
        var state = "Q" + Guid.NewGuid().ToString("N")[..2].ToUpperInvariant();
        var id = Guid.NewGuid().ToString("N");

        await _repository.IndexOfferRequestAsync(state, id, CancellationToken.None);
        await _repository.IndexOfferRequestAsync(state, id, CancellationToken.None);

        Assert.Equal([id], await _repository.OfferRequestsForAsync(state, CancellationToken.None));
        Assert.DoesNotContain(id, await _repository.OfferRequestsForAsync("ZZZ", CancellationToken.None));
    }
}
