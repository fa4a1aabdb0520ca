using Azure.Data.Tables;
using Relocation.Storage.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Testing;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The offer-request index sweep over the real index and cases on Azurite: the rows no State's list reads again (a late
/// round opening's, a crash's) go; an open request's row stays and is confirmed.
/// </summary>
public sealed class OfferRequestIndexSweepTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly AzuriteFixture _azurite = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = await StorageServices.StartAsync(_azurite);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private IRelocationRepository Relocations => _services.GetRequiredService<IRelocationRepository>();

    private OfferRequestIndexSweep Sweep => _services.GetRequiredService<OfferRequestIndexSweep>();

    private TableClient Index => _services.GetRequiredService<StorageClients>().Table("OfferRequests");

    [Fact]
    public async Task SweepAsync_RowsOfRequestsNoLongerAsked_RemovedOpenOneKeptAndConfirmed()
    {
        // One case asks NOR and SWE; NOR answers, after which a late round opening writes NOR's row back; SWE's row is the
        // open request's, as the round opening wrote it (no list has confirmed it yet).
        var c = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts("ICC-01/04-01/06", "W-0440", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 0), new Needs(["en"], false)), Now, "Vwu.Officer");
        var round = c.StartRound(1, [new AskedState("NOR", "cap1", false, 2), new AskedState("SWE", "cap2", false, 1)], Now, Now.AddHours(72));
        await Relocations.AddAsync(c, CancellationToken.None);
        var readByTheRerun = (await Relocations.FindAsync(c.Id, CancellationToken.None))!;
        var answered = (await Relocations.FindAsync(c.Id, CancellationToken.None))!;
        answered.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Decline, null, null, null, null), Now);
        await Relocations.UpdateAsync(answered, CancellationToken.None);
        await Relocations.IndexOfferRequestAsync("NOR", OfferRequestLine.OpenFor(readByTheRerun, "NOR")!, CancellationToken.None);
        await Relocations.IndexOfferRequestAsync("SWE", OfferRequestLine.For(c, round), CancellationToken.None);
        // And a row a crash left marked in a State that never lists again (its case was cancelled long ago).
        var gone = RelocationCase.Submit(Guid.NewGuid().ToString("N"), c.Facts, Now, "Vwu.Officer");
        gone.StartRound(1, [new AskedState("FIN", "cap3", false, 1)], Now, Now.AddHours(72));
        gone.Cancel("Threat assessment changed", Now);
        await Relocations.AddAsync(gone, CancellationToken.None);
        await Index.UpsertEntityAsync(new TableEntity("FIN", gone.Id) { ["Closing"] = true });

        var result = await Sweep.SweepAsync(CancellationToken.None);

        Assert.Equal((3, 3, 1, 2), (result.Rows, result.Checked, result.Confirmed, result.Removed));
        Assert.Empty(await Relocations.OfferRequestsForAsync("NOR", CancellationToken.None));
        Assert.Empty(await Relocations.OfferRequestsForAsync("FIN", CancellationToken.None));
        Assert.True(Assert.Single(await Relocations.OfferRequestsForAsync("SWE", CancellationToken.None)).ListableAsStored(Now));
    }
}
