using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.CaseFiles;

/// <summary>
/// Case files as AES-256-GCM ciphertext in Blob Storage, one blob per case. Each blob names the key that encrypted it
/// (so keys rotate) and is bound to its case by the associated data (so a blob copied onto another case fails to open).
/// </summary>
internal sealed class CaseFileStore(StorageClients clients, ICaseFileKeys keys) : ICaseFileStore
{
    public const string Container = "case-files";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly BlobContainerClient _container = clients.Container(Container);

    public async Task SaveAsync(string relocationId, ProtectedPerson person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var (keyId, key) = await keys.CurrentAsync(cancellationToken);
        var envelope = Encrypt(relocationId, keyId, key, JsonSerializer.SerializeToUtf8Bytes(person));
        await _container.GetBlobClient(relocationId).UploadAsync(BinaryData.FromObjectAsJson(envelope), overwrite: true, cancellationToken);
    }

    public async Task<ProtectedPerson?> ReadAsync(string relocationId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(relocationId).DownloadContentAsync(cancellationToken);
            var envelope = content.Value.Content.ToObjectFromJson<Envelope>() ?? throw new CryptographicException("Empty case file.");
            var key = await keys.GetAsync(envelope.KeyId, cancellationToken);
            return JsonSerializer.Deserialize<ProtectedPerson>(Decrypt(relocationId, envelope, key));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    internal static Envelope Encrypt(string relocationId, string keyId, byte[] key, byte[] plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(relocationId, keyId));
        CryptographicOperations.ZeroMemory(plaintext);
        return new Envelope(1, keyId, Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    internal static byte[] Decrypt(string relocationId, Envelope envelope, byte[] key)
    {
        var ciphertext = Convert.FromBase64String(envelope.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(Convert.FromBase64String(envelope.Nonce), ciphertext, Convert.FromBase64String(envelope.Tag), plaintext, AssociatedData(relocationId, envelope.KeyId));
        return plaintext;
    }

    private static byte[] AssociatedData(string relocationId, string keyId) => Encoding.UTF8.GetBytes($"relocation-case-file/v1/{relocationId}/{keyId}");

    internal sealed record Envelope(int Version, string KeyId, string Nonce, string Ciphertext, string Tag);
}
