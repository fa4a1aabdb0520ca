using Microsoft.Extensions.Time.Testing;
using Relocation.Storage.Hosts;
using Relocation.Storage.Idempotency;

namespace Relocation.Storage.Tests.Idempotency;

[Collection(AzuriteCollection.Name)]
public sealed class IdempotencyStoreTests(StorageFixture fixture)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));

    private IdempotencyStore Store() => new(fixture.Azurite.Clients, _time);

    [Fact]
    public async Task ClaimAsync_FirstUse_IsClaimed_ThenSameRequestReplaysStoredAnswer()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();

        var first = await store.ClaimAsync("alice", key, "hash-1", CancellationToken.None);
        await store.CompleteAsync("alice", key, new StoredResponse(201, "application/json", "/api/x/1", "etag", [1, 2, 3]), CancellationToken.None);
        var second = await store.ClaimAsync("alice", key, "hash-1", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Claimed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replay, second.Outcome);
        Assert.Equal(201, second.Response!.Status);
        Assert.Equal([1, 2, 3], second.Response.Body);
        Assert.Equal("/api/x/1", second.Response.Location);
    }

    [Fact]
    public async Task ClaimAsync_SameKeyOtherRequest_IsMismatch()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();
        await store.ClaimAsync("alice", key, "hash-1", CancellationToken.None);

        var other = await store.ClaimAsync("alice", key, "hash-2", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Mismatch, other.Outcome);
    }

    [Fact]
    public async Task ClaimAsync_SameKeyOtherCaller_IsIndependent()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();
        await store.ClaimAsync("alice", key, "hash-1", CancellationToken.None);

        var bob = await store.ClaimAsync("bob", key, "hash-2", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Claimed, bob.Outcome);
    }

    [Fact]
    public async Task ClaimAsync_ConcurrentSameRequest_OnlyOneClaims()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.ClaimAsync("alice", key, "h", CancellationToken.None)));

        Assert.Single(outcomes, o => o.Outcome == IdempotencyOutcome.Claimed);
        Assert.All(outcomes.Where(o => o.Outcome != IdempotencyOutcome.Claimed), o => Assert.Equal(IdempotencyOutcome.InProgress, o.Outcome));
    }

    [Fact]
    public async Task ClaimAsync_AbandonedClaim_IsTakenOverAfterTimeout()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();
        await store.ClaimAsync("alice", key, "h", CancellationToken.None);

        var meanwhile = await store.ClaimAsync("alice", key, "h", CancellationToken.None);
        _time.Advance(IdempotencyStore.AbandonedAfter + TimeSpan.FromSeconds(1));
        var later = await store.ClaimAsync("alice", key, "h", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.InProgress, meanwhile.Outcome);
        Assert.Equal(IdempotencyOutcome.Claimed, later.Outcome);
    }

    [Fact]
    public async Task ClaimAsync_OwnerDead_TakenOverWithinSeconds_OwnerAlive_StillInProgress()
    {
        // Two hosts on the same data; the first claims, then dies (its heartbeat stops).
        var first = new HostInstance(fixture.Azurite.Clients, _time);
        var second = new HostInstance(fixture.Azurite.Clients, _time);
        var key = Guid.NewGuid().ToString();
        await first.BeatAsync(CancellationToken.None);
        await second.BeatAsync(CancellationToken.None);
        await new IdempotencyStore(fixture.Azurite.Clients, _time, first).ClaimAsync("alice", key, "h", CancellationToken.None);
        var retry = new IdempotencyStore(fixture.Azurite.Clients, _time, second);

        var whileAlive = await retry.ClaimAsync("alice", key, "h", CancellationToken.None);
        _time.Advance(HostInstance.DeadAfter + TimeSpan.FromSeconds(1));
        await second.BeatAsync(CancellationToken.None);
        var afterDeath = await retry.ClaimAsync("alice", key, "h", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.InProgress, whileAlive.Outcome);
        Assert.Equal(IdempotencyOutcome.Claimed, afterDeath.Outcome);
        Assert.True(HostInstance.DeadAfter < IdempotencyStore.AbandonedAfter);
    }

    [Fact]
    public async Task ClaimAsync_OwnerRetiredOnOrderlyStop_TakenOverAtOnce()
    {
        var first = new HostInstance(fixture.Azurite.Clients, _time);
        var key = Guid.NewGuid().ToString();
        await first.BeatAsync(CancellationToken.None);
        await new IdempotencyStore(fixture.Azurite.Clients, _time, first).ClaimAsync("alice", key, "h", CancellationToken.None);

        await first.RetireAsync(CancellationToken.None);
        var taken = await new IdempotencyStore(fixture.Azurite.Clients, _time, new HostInstance(fixture.Azurite.Clients, _time)).ClaimAsync("alice", key, "h", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Claimed, taken.Outcome);
    }

    [Fact]
    public async Task ReleaseAsync_AfterRejectedRequest_FreesKeyForAnotherBody()
    {
        var store = Store();
        var key = Guid.NewGuid().ToString();
        await store.ClaimAsync("alice", key, "bad-body", CancellationToken.None);

        await store.ReleaseAsync("alice", key, CancellationToken.None);
        var corrected = await store.ClaimAsync("alice", key, "good-body", CancellationToken.None);

        Assert.Equal(IdempotencyOutcome.Claimed, corrected.Outcome);
    }
}
