using System.Security.Cryptography;
using System.Text;
using Relocation.Domain.Relocations;
using Relocation.Storage.CaseFiles;

namespace Relocation.Storage.Tests.CaseFiles;

[Collection(AzuriteCollection.Name)]
public sealed class CaseFileStoreTests(StorageFixture fixture)
{
    private static readonly ProtectedPerson Person = new("Amina Example", new DateOnly(1987, 4, 12), "Bunia, Ituri", "+243 000 000");

    private static CaseFileOptions Options(string active, params string[] ids)
    {
        var options = new CaseFileOptions { ActiveKeyId = active };
        foreach (var id in ids)
        {
            options.Keys[id] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        }

        return options;
    }

    private CaseFileStore Store(CaseFileOptions options) => new(fixture.Azurite.Clients, new ConfiguredCaseFileKeys(options));

    private async Task<string> RawAsync(string id) =>
        (await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(id).DownloadContentAsync()).Value.Content.ToString();

    [Fact]
    public async Task SaveThenRead_RoundTrips_AndBlobHoldsNoClearText()
    {
        var store = Store(Options("k1", "k1"));
        var id = Guid.NewGuid().ToString("N");

        await store.SaveAsync(id, Person, CancellationToken.None);
        var read = await store.ReadAsync(id, CancellationToken.None);
        var raw = await RawAsync(id);

        Assert.Equal(Person, read);
        Assert.DoesNotContain("Amina", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Bunia", raw, StringComparison.Ordinal);
        Assert.Contains("\"KeyId\":\"k1\"", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AfterKeyRotation_OldFilesStillOpen()
    {
        var id = Guid.NewGuid().ToString("N");
        await Store(Options("k1", "k1")).SaveAsync(id, Person, CancellationToken.None);

        var rotated = Store(Options("k2", "k1", "k2"));
        var other = Guid.NewGuid().ToString("N");
        await rotated.SaveAsync(other, Person, CancellationToken.None);

        Assert.Equal(Person, await rotated.ReadAsync(id, CancellationToken.None));
        Assert.Contains("\"KeyId\":\"k2\"", await RawAsync(other), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TamperedCiphertext_Fails()
    {
        var store = Store(Options("k1", "k1"));
        var id = Guid.NewGuid().ToString("N");
        await store.SaveAsync(id, Person, CancellationToken.None);
        var envelope = System.Text.Json.JsonSerializer.Deserialize<CaseFileStore.Envelope>(await RawAsync(id))!;
        var bytes = Convert.FromBase64String(envelope.Ciphertext);
        bytes[0] ^= 1;
        await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(id)
            .UploadAsync(BinaryData.FromObjectAsJson(envelope with { Ciphertext = Convert.ToBase64String(bytes) }), overwrite: true);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.ReadAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Read_BlobCopiedOntoAnotherCase_Fails()
    {
        var store = Store(Options("k1", "k1"));
        var id = Guid.NewGuid().ToString("N");
        var other = Guid.NewGuid().ToString("N");
        await store.SaveAsync(id, Person, CancellationToken.None);
        await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(other).UploadAsync(BinaryData.FromString(await RawAsync(id)));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.ReadAsync(other, CancellationToken.None));
    }

    [Fact]
    public void Options_KeyNot32Bytes_FailsValidation()
    {
        var options = new CaseFileOptions { ActiveKeyId = "k" };
        options.Keys["k"] = Convert.ToBase64String(new byte[16]);

        Assert.NotEmpty(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}
