using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Relocation.Domain.Relocations;
using Relocation.Storage.CaseFiles;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.CaseFiles;

[Collection(AzuriteCollection.Name)]
public sealed class KeyVaultCaseFileKeysTests(StorageFixture fixture) : IAsyncLifetime
{
    private const string Secret = "case-file-key";
    private static readonly string KeyV1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyV2 = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());
    private static readonly ProtectedPerson Person = new("Name", new DateOnly(1990, 1, 1), "Place", "Phone");
    private readonly Mock<SecretClient> _client = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() =>
        new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Container(CaseFileStore.Container)]).EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    private static Response<KeyVaultSecret> SecretVersion(string version, string value) =>
        Response.FromValue(SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: Secret, version: version), value), Mock.Of<Response>());

    private void Latest(string version, string value) =>
        _client.Setup(c => c.GetSecretAsync(Secret, null, It.IsAny<CancellationToken>())).ReturnsAsync(SecretVersion(version, value));

    [Fact]
    public async Task SaveAsync_EncryptsWithTheNewestVersion_AndOlderVersionsStillDecrypt()
    {
        Latest("v1", KeyV1);
        _client.Setup(c => c.GetSecretAsync(Secret, "v1", It.IsAny<CancellationToken>())).ReturnsAsync(SecretVersion("v1", KeyV1));
        var keys = new KeyVaultCaseFileKeys(_client.Object, Secret, _time);
        var store = new CaseFileStore(fixture.Azurite.Clients, keys);
        var (old, fresh) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        await store.SaveAsync(old, Person, CancellationToken.None);

        Latest("v2", KeyV2);
        _time.Advance(TimeSpan.FromMinutes(6));
        await store.SaveAsync(fresh, Person, CancellationToken.None);
        // A fresh instance (another worker) knows no version yet: it reads the stored one by its id.
        var other = new CaseFileStore(fixture.Azurite.Clients, new KeyVaultCaseFileKeys(_client.Object, Secret, _time));

        Assert.Equal("v2", (await keys.CurrentAsync(CancellationToken.None)).KeyId);
        Assert.Equal(Person, await other.ReadAsync(old, CancellationToken.None));
        Assert.Equal(Person, await store.ReadAsync(fresh, CancellationToken.None));
        _client.Verify(c => c.GetSecretAsync(Secret, "v1", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task CurrentAsync_WithinFiveMinutes_KeepsTheVersionItRead()
    {
        Latest("v1", KeyV1);
        var keys = new KeyVaultCaseFileKeys(_client.Object, Secret, _time);
        await keys.CurrentAsync(CancellationToken.None);

        Latest("v2", KeyV2);
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal("v1", (await keys.CurrentAsync(CancellationToken.None)).KeyId);
    }

    [Fact]
    public async Task CurrentAsync_SecretNotA256BitKey_FailsWithoutTheValue()
    {
        Latest("v1", "c2hvcnQ=");
        var keys = new KeyVaultCaseFileKeys(_client.Object, Secret, _time);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => keys.CurrentAsync(CancellationToken.None));

        Assert.DoesNotContain("c2hvcnQ", ex.Message, StringComparison.Ordinal);
    }
}
