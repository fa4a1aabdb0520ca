using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.States;
using Relocation.Storage.Agreements;
using Relocation.Storage.Candidates;
using Relocation.Storage.Capacities;
using Relocation.Storage.States;
using Relocation.Storage.Tables;
using Relocation.Testing.Builders;

namespace Relocation.Storage.Tests.Candidates;

/// <summary>Each State, capacity and agreement write keeps its column of the snapshot current; the sweep rewrites it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CandidateSnapshotTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly CandidateSnapshot _snapshot = new(fixture.Azurite.Clients, TimeProvider.System);

    public Task InitializeAsync() =>
        new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Table(CandidateSnapshot.Table), StorageResource.Table(AgreementRepository.Table)])
            .EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ReadAsync_AfterStateCapacityAndHoldWrites_GivesTheLatestOfEach()
    {
        const string code = "ISL";
        var states = new StateRepository(fixture.Azurite.Clients, _snapshot);
        var capacities = new CapacityRepository(fixture.Azurite.Clients, _snapshot);
        await states.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with { Name = "Snapshotland" }).Build()), null, CancellationToken.None);
        var capacity = await capacities.AddAsync(Capacity.Register(Guid.NewGuid().ToString("N"), code, new CapacityInputBuilder().WithPlaces(4).BuildTerms(), Now), CancellationToken.None);

        capacity.Hold("r1", 3);
        await capacities.UpdateAsync(capacity, CancellationToken.None);
        var data = await _snapshot.ReadAsync(CancellationToken.None);

        Assert.Equal("Snapshotland", Assert.Single(data.States, s => s.Code == code).Name);
        Assert.Equal((4, 3), Assert.Single(data.Capacities, c => c.Id == capacity.Id) is var c ? (c.Places, c.Held) : default);
    }

    [Fact]
    public async Task ReadAsync_AgreementInForceThenSuspended_ListsItsStateOnlyWhileInForce()
    {
        const string code = "LUX";
        var agreements = new AgreementRepository(fixture.Azurite.Clients, _snapshot);
        var agreement = Agreement.Create(Guid.NewGuid().ToString("N"), new AgreementInputBuilder().With(i => i with { StateCode = code }).Build(), DateOnly.FromDateTime(Now.UtcDateTime), Now);
        agreement = await agreements.AddAsync(agreement, CancellationToken.None);
        Assert.DoesNotContain(code, (await _snapshot.ReadAsync(CancellationToken.None)).InForce(AgreementType.WitnessRelocation));

        var inForce = Agreement.Rehydrate(agreement.Id, agreement.Details, AgreementStatus.InForce, AgreementStatus.InForce, agreement.NextSequence, agreement.History,
            agreement.Pending, agreement.CreatedAt, agreement.Version);
        inForce = await agreements.UpdateAsync(inForce, CancellationToken.None);
        Assert.Contains(code, (await _snapshot.ReadAsync(CancellationToken.None)).InForce(agreement.Details.Type));

        var suspended = Agreement.Rehydrate(inForce.Id, inForce.Details, AgreementStatus.Suspended, AgreementStatus.Suspended, inForce.NextSequence, inForce.History,
            inForce.Pending, inForce.CreatedAt, inForce.Version);
        await agreements.UpdateAsync(suspended, CancellationToken.None);
        Assert.DoesNotContain(code, (await _snapshot.ReadAsync(CancellationToken.None)).InForce(agreement.Details.Type));
    }

    [Fact]
    public async Task RebuildAsync_CapacityMissedByACrash_IsBackAndExpiredIsDropped()
    {
        const string code = "MLT";
        var state = State.Register(code, new StateInputBuilder().Build());
        var live = Capacity.Register(Guid.NewGuid().ToString("N"), code, new CapacityInputBuilder().BuildTerms(), Now);
        var expired = Capacity.Register(Guid.NewGuid().ToString("N"), code,
            new CapacityInputBuilder().With(i => i with { AvailableFrom = new DateOnly(2020, 1, 1), AvailableUntil = new DateOnly(2021, 1, 1) }).BuildTerms(), Now);
        await _snapshot.PutCapacityAsync(expired, CancellationToken.None);

        // The process died after the live capacity's row write and before its merge: only the sweep puts it here.
        await _snapshot.RebuildAsync([state], [live, expired], [], CancellationToken.None);
        var data = await _snapshot.ReadAsync(CancellationToken.None);

        Assert.Contains(data.Capacities, c => c.Id == live.Id);
        Assert.DoesNotContain(data.Capacities, c => c.Id == expired.Id);
        Assert.Contains(data.States, s => s.Code == code);
    }
}
