using Microsoft.Extensions.Time.Testing;
using Relocation.Storage.Hosts;
using Relocation.Testing;

namespace Relocation.Storage.Tests.Hosts;

[Collection(AzuriteCollection.Name)]
public sealed class HostInstanceTests(StorageFixture fixture)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task BeatAsync_EverySecond_WritesNoTableRow()
    {
        // On the emulator a table write re-arms a save of the whole table database (docs/storage.md): a host that beats
        // must leave the tables as they were.
        var host = new HostInstance(fixture.Azurite.Clients, _time);
        await host.BeatAsync(CancellationToken.None);
        var tables = await StorageSnapshot.TakeAsync(fixture.Azurite.ConnectionString, includeContainer: _ => false);

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(HostInstance.Beat);
            await host.BeatAsync(CancellationToken.None);
        }

        Assert.Equal(tables, await StorageSnapshot.TakeAsync(fixture.Azurite.ConnectionString, includeContainer: _ => false));
        Assert.True(await fixture.Azurite.Clients.Container(HostInstance.Container).GetBlobClient(host.Id).ExistsAsync());
    }

    [Fact]
    public async Task IsAliveAsync_FreshBeat_Alive_StaleOrRetiredOrNever_Dead()
    {
        var host = new HostInstance(fixture.Azurite.Clients, _time);
        var other = new HostInstance(fixture.Azurite.Clients, _time);
        await host.BeatAsync(CancellationToken.None);

        var fresh = await other.IsAliveAsync(host.Id, CancellationToken.None);
        _time.Advance(HostInstance.DeadAfter);
        var stale = await other.IsAliveAsync(host.Id, CancellationToken.None);
        await host.BeatAsync(CancellationToken.None);
        var beatAgain = await other.IsAliveAsync(host.Id, CancellationToken.None);
        await host.RetireAsync(CancellationToken.None);
        var retired = await other.IsAliveAsync(host.Id, CancellationToken.None);

        Assert.True(fresh);
        Assert.False(stale);
        Assert.True(beatAgain);
        Assert.False(retired);
        Assert.False(await other.IsAliveAsync(Guid.NewGuid().ToString("N"), CancellationToken.None));
    }
}
