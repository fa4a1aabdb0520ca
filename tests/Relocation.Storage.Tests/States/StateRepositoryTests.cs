using Relocation.Domain.Common;
using Relocation.Domain.States;
using Relocation.Storage.States;
using Relocation.Testing.Builders;

namespace Relocation.Storage.Tests.States;

[Collection(AzuriteCollection.Name)]
public sealed class StateRepositoryTests(StorageFixture fixture)
{
    private readonly StateRepository _repository = new(fixture.Azurite.Clients);

    [Fact]
    public async Task SaveAsync_ThenFind_RoundTrips()
    {
        var state = State.Register("CHE", new StateInputBuilder().With(i => i with { Name = "Switzerland", Languages = ["de", "fr", "it"] }).Build());

        await _repository.SaveAsync(state, null, CancellationToken.None);
        var found = await _repository.FindAsync("CHE", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("Switzerland", found.Name);
        Assert.Equal(["de", "fr", "it"], found.Languages);
        Assert.Equal(state.FocalPoints, found.FocalPoints);
        Assert.NotNull(found.Version);
    }

    [Fact]
    public async Task SaveAsync_StaleIfMatch_Is412()
    {
        var state = State.Register("AUT", new StateInputBuilder().With(i => i with { Name = "Austria" }).Build());
        var first = await _repository.SaveAsync(state, null, CancellationToken.None);
        await _repository.SaveAsync(state, first.Version, CancellationToken.None);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _repository.SaveAsync(state, first.Version, CancellationToken.None));
    }

    [Fact]
    public async Task FindAsync_Unknown_IsNull()
    {
        Assert.Null(await _repository.FindAsync("ZWE", CancellationToken.None));
    }
}
