using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Microsoft.Extensions.Time.Testing;
using Relocation.Storage.Capacities;
using Relocation.Storage.Tables;
using Relocation.Testing.Builders;

namespace Relocation.Storage.Tests.Capacities;

[Collection(AzuriteCollection.Name)]
public sealed class CapacityRepositoryTests(StorageFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly CapacityRepository _repository = new(fixture.Azurite.Clients);

    private static Capacity NewCapacity(string state = "NOR", int places = 4) =>
        Capacity.Register(Guid.NewGuid().ToString("N"), state, new CapacityInputBuilder().WithPlaces(places).BuildTerms(), Now);

    [Fact]
    public async Task AddAsync_ThenFind_RoundTripsEveryField()
    {
        var capacity = NewCapacity();
        capacity.Hold("r1", 2);

        var saved = await _repository.AddAsync(capacity, CancellationToken.None);
        var found = await _repository.FindAsync("NOR", capacity.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(capacity.Terms.Kinds, found.Terms.Kinds);
        Assert.Equal(capacity.Terms.Languages, found.Terms.Languages);
        Assert.Equal(capacity.Terms with { Kinds = found.Terms.Kinds, Languages = found.Terms.Languages }, found.Terms);
        Assert.Equal((4, 2, 2), (found.Places, found.Held, found.Free));
        Assert.Equal(saved.Version, found.Version);
    }

    [Fact]
    public async Task AddAsync_SameIdTwice_IsConflict()
    {
        var capacity = NewCapacity();
        await _repository.AddAsync(capacity, CancellationToken.None);

        await Assert.ThrowsAsync<ConflictException>(() => _repository.AddAsync(capacity, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_TwoWritersWithSameVersion_OneWinsOtherGets412()
    {
        var saved = await _repository.AddAsync(NewCapacity(places: 4), CancellationToken.None);
        var first = (await _repository.FindAsync("NOR", saved.Id, CancellationToken.None))!;
        var second = (await _repository.FindAsync("NOR", saved.Id, CancellationToken.None))!;
        first.Hold("r1", 3);
        second.Hold("r2", 3);

        var results = await Task.WhenAll(
            Attempt(() => _repository.UpdateAsync(first, CancellationToken.None)),
            Attempt(() => _repository.UpdateAsync(second, CancellationToken.None)));

        Assert.Single(results, r => r is null);
        Assert.Single(results, r => r is PreconditionFailedException);
        var stored = (await _repository.FindAsync("NOR", saved.Id, CancellationToken.None))!;
        Assert.Equal(3, stored.Held);
    }

    [Fact]
    public async Task UpdateAsync_ManyConcurrentHolds_NeverHoldMoreThanRegistered()
    {
        var saved = await _repository.AddAsync(NewCapacity(places: 5), CancellationToken.None);

        // 20 relocations each want 1 place, each retrying on 412 as an activity would.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var capacity = (await _repository.FindAsync("NOR", saved.Id, CancellationToken.None))!;
                try
                {
                    capacity.Hold($"r{i}", 1);
                    await _repository.UpdateAsync(capacity, CancellationToken.None);
                    return "held";
                }
                catch (ConflictException)
                {
                    return "full";
                }
                catch (PreconditionFailedException)
                {
                    await Task.Delay(Random.Shared.Next(1, 10));
                }
            }

            return "gave up";
        }));

        var stored = (await _repository.FindAsync("NOR", saved.Id, CancellationToken.None))!;
        Assert.Equal(5, outcomes.Count(o => o == "held"));
        Assert.Equal(15, outcomes.Count(o => o == "full"));
        Assert.Equal(5, stored.Held);
        Assert.Equal(0, stored.Free);
    }

    [Fact]
    public async Task ListByStateAsync_ReturnsOnlyThatState()
    {
        await _repository.AddAsync(NewCapacity("SEN"), CancellationToken.None);
        await _repository.AddAsync(NewCapacity("MLI"), CancellationToken.None);

        var list = await _repository.ListByStateAsync("SEN", CancellationToken.None);

        Assert.NotEmpty(list);
        Assert.All(list, c => Assert.Equal("SEN", c.StateCode));
    }

    [Fact]
    public async Task ListByStateAsync_ExpiredRows_ListsCurrentOnesAndMovesExpiredOnesToTheArchive()
    {
        // The clock two years on: a capacity open until 2027-12-01 has expired; one with a place held stays live.
        var later = new CapacityRepository(fixture.Azurite.Clients, time: new FakeTimeProvider(Now.AddYears(2)));
        var expired = await _repository.AddAsync(NewCapacity("GAB"), CancellationToken.None);
        var held = NewCapacity("GAB");
        held.Hold("r1", 1);
        held = await _repository.AddAsync(held, CancellationToken.None);
        var current = await _repository.AddAsync(Capacity.Register(Guid.NewGuid().ToString("N"), "GAB",
            new CapacityInputBuilder().With(i => i with { AvailableUntil = new DateOnly(2030, 1, 1) }).BuildTerms(), Now), CancellationToken.None);

        var list = await later.ListByStateAsync("GAB", CancellationToken.None);

        Assert.Equal(new[] { current.Id, held.Id }.Order(StringComparer.Ordinal), list.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.False((await fixture.Azurite.Clients.Table(TableNames.Capacity).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("GAB", expired.Id)).HasValue);
        Assert.True((await fixture.Azurite.Clients.Table(CapacityRepository.ArchiveTable).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("GAB", expired.Id)).HasValue);
        Assert.DoesNotContain(await later.ListAllAsync(CancellationToken.None), c => c.Id == expired.Id);
    }

    [Fact]
    public async Task UpdateAsync_ArchivedRow_FindsAndChangesItThereUnderItsETag()
    {
        var later = new CapacityRepository(fixture.Azurite.Clients, time: new FakeTimeProvider(Now.AddYears(2)));
        var saved = NewCapacity("CPV");
        saved.Hold("r1", 2);
        saved.Use("r1");
        saved = await _repository.AddAsync(saved, CancellationToken.None);
        await later.ListByStateAsync("CPV", CancellationToken.None);

        var archived = (await later.FindAsync("CPV", saved.Id, CancellationToken.None))!;
        var stale = (await later.FindAsync("CPV", saved.Id, CancellationToken.None))!;
        Assert.Equal(2, archived.Used);
        archived.Vacate("r1"); // the person left years after the offer expired
        await later.UpdateAsync(archived, CancellationToken.None);
        stale.Vacate("r1");

        Assert.Equal(0, (await later.FindAsync("CPV", saved.Id, CancellationToken.None))!.Used);
        Assert.False((await fixture.Azurite.Clients.Table(TableNames.Capacity).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("CPV", saved.Id)).HasValue);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => later.UpdateAsync(stale, CancellationToken.None));
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
