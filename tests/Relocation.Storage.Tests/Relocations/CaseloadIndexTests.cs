using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Storage.Relocations;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.Relocations;

/// <summary>The closed caseload: the newest lines in a small recent table, every line in the archive, one listing across both.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CaseloadIndexTests : IAsyncLifetime
{
    private const int RecentSize = 5;
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly StorageFixture _fixture;
    private readonly string _prefix = "T" + Guid.NewGuid().ToString("N")[..10];
    private readonly CaseloadIndex _caseload;

    public CaseloadIndexTests(StorageFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _fixture = fixture;
        _caseload = new CaseloadIndex(fixture.Azurite.Clients, _prefix, RecentSize);
    }

    public Task InitializeAsync() =>
        new StorageInitializer(_fixture.Azurite.Clients, [StorageResource.Table(RelocationRepository.Table),
                StorageResource.Table(_prefix + CaseloadIndex.OpenTable), StorageResource.Table(_prefix + CaseloadIndex.ClosedTable), StorageResource.Table(_prefix + CaseloadIndex.RecentTable)])
            .EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    private static CaseloadEntry Closed(int daysAgo, RelocationStatus status = RelocationStatus.Cancelled) =>
        new(Guid.NewGuid().ToString("N"), $"W-{daysAgo:D4}", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, status, 1, null, "NOR", Now.AddDays(-daysAgo));

    private async Task<List<string>> RecentKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var e in _fixture.Azurite.Clients.Table(_prefix + CaseloadIndex.RecentTable).QueryAsync<TableEntity>(select: ["Id"]))
        {
            keys.Add(e.GetString("Id"));
        }

        return keys;
    }

    private async Task<(List<CaseloadEntry> Items, List<string?> Tokens)> ListAllAsync(CaseloadQuery query)
    {
        var items = new List<CaseloadEntry>();
        var tokens = new List<string?>();
        string? page = null;
        do
        {
            var answer = await _caseload.ListAsync(query with { Page = page }, CancellationToken.None);
            items.AddRange(answer.Items);
            page = answer.NextPage;
            tokens.Add(page);
        }
        while (page is not null && tokens.Count < 100);

        return (items, tokens);
    }

    [Fact]
    public async Task PutAsync_MoreClosedThanTheRecentTableKeeps_KeepsOnlyTheNewestThere()
    {
        var lines = Enumerable.Range(1, 9).Select(d => Closed(d)).ToArray();
        foreach (var line in lines.Reverse())
        {
            await _caseload.PutAsync(line, CancellationToken.None); // oldest first, as time goes
        }

        // An old case closing late is archived but does not push a newer line out of the recent table.
        await _caseload.PutAsync(Closed(400), CancellationToken.None);

        Assert.Equal(lines.Take(RecentSize).Select(l => l.Id).Order(StringComparer.Ordinal), (await RecentKeysAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_PagesPastTheRecentTable_ListsEveryClosedCaseOnceNewestFirst()
    {
        var lines = Enumerable.Range(1, 12).Select(d => Closed(d)).ToArray();
        foreach (var line in lines)
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var (items, tokens) = await ListAllAsync(new CaseloadQuery(null, null, null, Now, null, 4));

        Assert.Equal(lines.Select(l => l.Id), items.Select(i => i.Id)); // newest submission first, across the boundary at 5
        Assert.Equal(3, tokens.Count(t => t is not null));
        Assert.Null(tokens[^1]);
    }

    [Fact]
    public async Task ListAsync_FilterMatchingOnlyArchivedLines_FindsThemInTheArchive()
    {
        var recent = Enumerable.Range(1, 6).Select(d => Closed(d)).ToArray();
        var relocated = Closed(30, RelocationStatus.Relocated);
        foreach (var line in recent.Append(relocated))
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var page = await _caseload.ListAsync(new CaseloadQuery(RelocationStatus.Relocated, null, null, Now, null, 10), CancellationToken.None);

        Assert.DoesNotContain(relocated.Id, await RecentKeysAsync());
        Assert.Equal(relocated.Id, Assert.Single(page.Items).Id);
        Assert.Null(page.NextPage);
    }

    [Fact]
    public async Task ListAsync_OpenCasesFillThePageExactly_ClosedCasesFollowOnTheNextPage()
    {
        var open = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var c = RelocationCase.Submit(Guid.NewGuid().ToString("N"),
                new RelocationFacts("ICC-01/04-01/06", $"O-{i}", RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, new Household(1, 0), new Needs(["fr"], false)), Now, "Vwu.Officer");
            await new RelocationRepository(_fixture.Azurite.Clients, _caseload).AddAsync(c, CancellationToken.None);
            open.Add(c.Id);
        }

        var closed = Closed(3);
        await _caseload.PutAsync(closed, CancellationToken.None);

        var (items, _) = await ListAllAsync(new CaseloadQuery(null, null, null, Now, null, 2));

        Assert.Equal(3, items.Count);
        Assert.Equal(open.Order(StringComparer.Ordinal), items.Take(2).Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(closed.Id, items[2].Id);
    }

    [Fact]
    public async Task WaitingIdsAsync_OpenAndClosedLines_OnlyWaitingOnesAwaitingOffersFirstAtMostMax()
    {
        CaseloadEntry Open(RelocationStatus status, int hours) =>
            new(Guid.NewGuid().ToString("N"), "W-1", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, status, status == RelocationStatus.Submitted ? 0 : 1,
                status == RelocationStatus.Submitted ? null : Now.AddHours(hours), null, Now);
        var submitted = Open(RelocationStatus.Submitted, 0);
        var later = Open(RelocationStatus.AwaitingOffers, 20);
        var sooner = Open(RelocationStatus.AwaitingOffers, 10);
        var accepted = Open(RelocationStatus.OfferAccepted, 5);
        foreach (var line in new[] { submitted, later, sooner, accepted, Closed(1) })
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var all = await _caseload.WaitingIdsAsync(10, Now, CancellationToken.None);
        var two = await _caseload.WaitingIdsAsync(2, Now, CancellationToken.None);

        Assert.Equal([sooner.Id, later.Id, submitted.Id], all);
        Assert.Equal([sooner.Id, later.Id], two);
    }

    [Fact]
    public async Task OpenLinesAsync_OpenAndClosedLines_OnlyThatStatusAsStoredWithoutItsCaseRow()
    {
        // No case row is written: the lines come from the open partition alone, submission time included.
        CaseloadEntry Open(RelocationStatus status, int minutesAgo) =>
            new(Guid.NewGuid().ToString("N"), "W-2", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, status, 0, null, null, Now.AddMinutes(-minutesAgo));
        var old = Open(RelocationStatus.Submitted, 90);
        var young = Open(RelocationStatus.Submitted, 0);
        foreach (var line in new[] { old, young, Open(RelocationStatus.AwaitingOffers, 90), Closed(1) })
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var submitted = await _caseload.OpenLinesAsync(RelocationStatus.Submitted, Now, CancellationToken.None);

        Assert.Equal(new[] { old.Id, young.Id }.Order(StringComparer.Ordinal), submitted.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Equal(old.SubmittedAt, submitted.Single(l => l.Id == old.Id).SubmittedAt);
    }

    [Fact]
    public async Task OpenLinesAsync_NoStatus_EveryOpenLineOfAnyStatusAndNoClosedOne()
    {
        CaseloadEntry Open(RelocationStatus status) =>
            new(Guid.NewGuid().ToString("N"), "W-2", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, status, 1, null, null, Now.AddMinutes(-5));
        var open = new[] { Open(RelocationStatus.Submitted), Open(RelocationStatus.AwaitingOffers), Open(RelocationStatus.OfferAccepted) };
        foreach (var line in open.Append(Closed(1)))
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var lines = await _caseload.OpenLinesAsync(null, Now, CancellationToken.None);

        Assert.Equal(open.Select(l => l.Id).Order(StringComparer.Ordinal), lines.Select(l => l.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClosedLinesAsync_LinesInsideAndOutsideTheWindow_OnlyClosedOnesOfThatPriorityInsideItNewestFirst()
    {
        // More closed lines than the recent table keeps, so some are in the archive only: the window's lines come from the archive.
        CaseloadEntry Line(RelocationPriority priority, RelocationStatus status, double daysAgo) =>
            new(Guid.NewGuid().ToString("N"), "W-3", RelocationKind.TemporaryRelocation, priority, status, 1, null, "NOR", Now.AddDays(-daysAgo));
        var newest = Line(RelocationPriority.Emergency, RelocationStatus.Relocated, 1);
        var older = Line(RelocationPriority.Emergency, RelocationStatus.Cancelled, 100);
        var atTheStart = Line(RelocationPriority.Emergency, RelocationStatus.Withdrawn, 180);
        var lines = new[]
        {
            newest, older, atTheStart,
            Line(RelocationPriority.Emergency, RelocationStatus.Relocated, 180.001), Line(RelocationPriority.Emergency, RelocationStatus.Relocated, 400),
            Line(RelocationPriority.Emergency, RelocationStatus.AwaitingOffers, 2), Line(RelocationPriority.Emergency, RelocationStatus.Relocated, -1),
        }.Concat(Enumerable.Range(1, 6).Select(d => Line(RelocationPriority.Urgent, RelocationStatus.Relocated, d)));
        foreach (var line in lines)
        {
            await _caseload.PutAsync(line, CancellationToken.None);
        }

        var found = await _caseload.ClosedLinesAsync(RelocationPriority.Emergency, Now.AddDays(-180), Now, 10, CancellationToken.None);
        var first = await _caseload.ClosedLinesAsync(RelocationPriority.Emergency, Now.AddDays(-180), Now, 1, CancellationToken.None);
        // The interface's own listing (through ListAsync) finds the same lines: the two ways agree.
        var listed = await ((ICaseloadIndex)new ListingOnly(_caseload)).ClosedLinesAsync(RelocationPriority.Emergency, Now.AddDays(-180), Now, 10, CancellationToken.None);

        Assert.Equal([newest.Id, older.Id, atTheStart.Id], found.Select(l => l.Id));
        Assert.Equal([newest.Id], first.Select(l => l.Id));
        Assert.Equal(found.Select(l => l.Id), listed.Select(l => l.Id));
    }

    /// <summary>The index seen through its listing alone (the interface's default of every other method).</summary>
    private sealed class ListingOnly(CaseloadIndex inner) : ICaseloadIndex
    {
        public Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);
    }

    [Fact]
    public async Task ListAsync_TokenNotFromAnAnswer_IsRefused()
    {
        await Assert.ThrowsAsync<Domain.Common.DomainValidationException>(() => _caseload.ListAsync(new CaseloadQuery(null, null, null, Now, "a' or 1 eq 1", 4), CancellationToken.None));
    }
}
