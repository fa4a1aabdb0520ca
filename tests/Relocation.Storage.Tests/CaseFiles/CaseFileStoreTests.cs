using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Relocation.Domain.Relocations;
using Relocation.Storage.CaseFiles;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Tests.CaseFiles;

[Collection(AzuriteCollection.Name)]
public sealed class CaseFileStoreTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly ProtectedPerson Person = new("CanaryFullName Ω", new DateOnly(1987, 4, 12), "CanaryLocation, Bunia", "CanaryContact +243");

    public Task InitializeAsync() =>
        new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Container(CaseFileStore.Container)]).EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    private static CaseFileOptions Options(string active, params (string Id, string Key)[] keys)
    {
        var options = new CaseFileOptions { ActiveKeyId = active };
        foreach (var (id, key) in keys)
        {
            options.Keys[id] = key;
        }

        return options;
    }

    private CaseFileStore Store(CaseFileOptions options) => new(fixture.Azurite.Clients, new ConfiguredCaseFileKeys(options));

    private static string NewId() => Guid.NewGuid().ToString("N");

    private async Task<string> RawAsync(string id) =>
        (await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(id).DownloadContentAsync()).Value.Content.ToString();

    private async Task WriteRawAsync(string id, string content) =>
        await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(id).UploadAsync(BinaryData.FromString(content), overwrite: true);

    [Fact]
    public async Task SaveAsync_ThenRead_RoundTripsAndStoresNoClearText()
    {
        var store = Store(Options("a", ("a", KeyA)));
        var id = NewId();

        await store.SaveAsync(id, Person, CancellationToken.None);
        var read = await store.ReadAsync(id, CancellationToken.None);
        var raw = await RawAsync(id);

        Assert.Equal(Person, read);
        foreach (var secret in new[] { "Canary", "1987", "Bunia", "+243" })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }

        Assert.Equal("a", JsonNode.Parse(raw)!["KeyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SaveAsync_SamePersonTwice_UsesAFreshNonce()
    {
        var store = Store(Options("a", ("a", KeyA)));
        var id = NewId();

        await store.SaveAsync(id, Person, CancellationToken.None);
        var first = await RawAsync(id);
        await store.SaveAsync(id, Person, CancellationToken.None);

        Assert.NotEqual(first, await RawAsync(id));
    }

    [Fact]
    public async Task ReadAsync_NoBlob_IsNull()
    {
        Assert.Null(await Store(Options("a", ("a", KeyA))).ReadAsync(NewId(), CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_CiphertextTampered_Fails()
    {
        var store = Store(Options("a", ("a", KeyA)));
        var id = NewId();
        await store.SaveAsync(id, Person, CancellationToken.None);
        var envelope = JsonNode.Parse(await RawAsync(id))!;
        var bytes = Convert.FromBase64String(envelope["Ciphertext"]!.GetValue<string>());
        bytes[0] ^= 0x01;
        envelope["Ciphertext"] = Convert.ToBase64String(bytes);
        await WriteRawAsync(id, envelope.ToJsonString());

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.ReadAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_KeyIdRelabelled_Fails()
    {
        var store = Store(Options("a", ("a", KeyA), ("b", KeyA)));
        var id = NewId();
        await store.SaveAsync(id, Person, CancellationToken.None);
        var envelope = JsonNode.Parse(await RawAsync(id))!;
        envelope["KeyId"] = "b";
        await WriteRawAsync(id, envelope.ToJsonString());

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.ReadAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_BlobCopiedOntoAnotherCase_Fails()
    {
        var store = Store(Options("a", ("a", KeyA)));
        var (victim, other) = (NewId(), NewId());
        await store.SaveAsync(victim, Person, CancellationToken.None);
        await WriteRawAsync(other, await RawAsync(victim));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.ReadAsync(other, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_AfterKeyRotation_OldBlobsStillDecryptAndNewOnesUseTheNewKey()
    {
        var (old, fresh) = (NewId(), NewId());
        await Store(Options("a", ("a", KeyA))).SaveAsync(old, Person, CancellationToken.None);
        var rotated = Store(Options("b", ("a", KeyA), ("b", KeyB)));

        await rotated.SaveAsync(fresh, Person with { Contact = "new" }, CancellationToken.None);

        Assert.Equal(Person, await rotated.ReadAsync(old, CancellationToken.None));
        Assert.Equal("new", (await rotated.ReadAsync(fresh, CancellationToken.None))!.Contact);
        Assert.Equal("b", JsonNode.Parse(await RawAsync(fresh))!["KeyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadAsync_KeyRetired_FailsWithoutDetails()
    {
        var id = NewId();
        await Store(Options("a", ("a", KeyA))).SaveAsync(id, Person, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Store(Options("b", ("b", KeyB))).ReadAsync(id, CancellationToken.None));

        Assert.DoesNotContain("Canary", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string> BadOptions => new()
    {
        { "missing active key", null, "ActiveKeyId" },
        { "active key not configured", "zzz", "ActiveKeyId" },
        { "key too short", "a", "Keys" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadLocalKeys_NamesTheSetting(string why, string? active, string member)
    {
        var options = Options(active!, ("a", why == "key too short" ? Convert.ToBase64String(Encoding.UTF8.GetBytes("sixteen-bytes!!!")) : KeyA));

        var results = options.Validate(new ValidationContext(options)).ToArray();

        Assert.Contains(results, r => r.MemberNames.Contains(member));
    }

    [Fact]
    public void Validate_KeyVaultWithoutSecretName_NamesIt()
    {
        var options = new CaseFileOptions { KeyVaultUri = new Uri("https://kv.example.vault.azure.net/") };

        Assert.Contains(options.Validate(new ValidationContext(options)), r => r.MemberNames.Contains(nameof(CaseFileOptions.KeyVaultSecretName)));
    }

    [Fact]
    public void Validate_SampleSettingsKey_IsValid()
    {
        var options = Options("local-1", ("local-1", "bG9jYWwtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzISE="));

        Assert.Empty(options.Validate(new ValidationContext(options)));
    }
}
