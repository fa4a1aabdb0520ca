using Relocation.Domain.Audit;
using Relocation.Storage.Audit;

namespace Relocation.Storage.Tests.Audit;

[Collection(AzuriteCollection.Name)]
public sealed class AuditLogTests(StorageFixture fixture)
{
    private readonly AuditLog _log = new(fixture.Azurite.Clients);

    private static AuditEntry Entry(string subject, DateTimeOffset at) =>
        new(at, subject, "Name", "Registry.Admin", null, "PutState", "/api/states/NOR", 200, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task QueryAsync_BySubjectAndPeriod_ReturnsOnlyMatchesInTimeOrder()
    {
        var subject = Guid.NewGuid().ToString("N");
        var t0 = new DateTimeOffset(2026, 1, 31, 23, 59, 0, TimeSpan.Zero);
        await _log.AppendAsync(Entry(subject, t0.AddMinutes(2)), CancellationToken.None);
        await _log.AppendAsync(Entry(subject, t0), CancellationToken.None);
        await _log.AppendAsync(Entry(subject, t0.AddDays(40)), CancellationToken.None);
        await _log.AppendAsync(Entry("someone-else", t0.AddMinutes(1)), CancellationToken.None);

        var found = await _log.QueryAsync(subject, t0, t0.AddDays(1), 100, CancellationToken.None);

        Assert.Equal([t0, t0.AddMinutes(2)], found.Select(e => e.At));
        Assert.All(found, e => Assert.Equal(subject, e.Subject));
    }

    [Fact]
    public async Task AppendAsync_SameInstantTwice_KeepsBoth()
    {
        var subject = Guid.NewGuid().ToString("N");
        var at = new DateTimeOffset(2026, 3, 3, 3, 3, 3, TimeSpan.Zero);

        await _log.AppendAsync(Entry(subject, at), CancellationToken.None);
        await _log.AppendAsync(Entry(subject, at), CancellationToken.None);

        Assert.Equal(2, (await _log.QueryAsync(subject, at, at, 100, CancellationToken.None)).Count);
    }
}
