using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.CaseFiles;

/// <summary>
/// Case files as AES-256-GCM ciphertext in Blob Storage, one blob per case, bound to its case by the associated data
/// (so a blob copied onto another case fails to open). Envelope version 2: each file has its own random data key,
/// stored only wrapped by the wrapping key (a Key Vault key in Azure), so the master key never reaches this process;
/// rotation re-wraps data keys (<see cref="RewrapAsync"/>) and never re-encrypts a file. Version 1 files (encrypted
/// directly with a configured or Key Vault secret key) keep decrypting.
/// </summary>
internal sealed class CaseFileStore(StorageClients clients, ICaseFileKeys keys, IKeyWrapper? wrapper = null) : ICaseFileStore
{
    public const string Container = "case-files";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly BlobContainerClient _container = clients.Container(Container);

    public async Task SaveAsync(string relocationId, ProtectedPerson person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        Envelope envelope;
        if (wrapper is null)
        {
            // Version 1, kept for hosts without a wrapper (and so tests can write a file the old way).
            var (keyId, key) = await keys.CurrentAsync(cancellationToken);
            envelope = Encrypt(relocationId, keyId, key, JsonSerializer.SerializeToUtf8Bytes(person));
        }
        else
        {
            var dataKey = RandomNumberGenerator.GetBytes(32);
            try
            {
                var wrapped = await wrapper.WrapAsync(dataKey, cancellationToken);
                envelope = Encrypt(relocationId, wrapped.KeyId, dataKey, JsonSerializer.SerializeToUtf8Bytes(person), 2) with
                {
                    Algorithm = wrapped.Algorithm,
                    WrappedKey = Convert.ToBase64String(wrapped.Value),
                };
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }

        await _container.GetBlobClient(relocationId).UploadAsync(BinaryData.FromObjectAsJson(envelope), overwrite: true, cancellationToken);
    }

    public async Task<ProtectedPerson?> ReadAsync(string relocationId, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(relocationId).DownloadContentAsync(cancellationToken);
            var envelope = content.Value.Content.ToObjectFromJson<Envelope>() ?? throw new CryptographicException("Empty case file.");
            var key = envelope.Version switch
            {
                1 => await keys.GetAsync(envelope.KeyId, cancellationToken),
                2 when wrapper is not null && envelope.WrappedKey is { } wrapped =>
                    await wrapper.UnwrapAsync(envelope.KeyId, envelope.Algorithm ?? string.Empty, Convert.FromBase64String(wrapped), cancellationToken),
                _ => throw new CryptographicException($"Case file envelope version {envelope.Version} cannot be opened here."),
            };
            try
            {
                return JsonSerializer.Deserialize<ProtectedPerson>(Decrypt(relocationId, envelope, key));
            }
            finally
            {
                if (envelope.Version == 2)
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string relocationId, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(relocationId).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>
    /// Rotation: the file's data key unwrapped with the key version that wrapped it and wrapped again with the current
    /// one; the ciphertext is not touched. Returns false for a version 1 file (it keeps its key) or a missing one.
    /// </summary>
    public async Task<bool> RewrapAsync(string relocationId, CancellationToken cancellationToken)
    {
        if (wrapper is null)
        {
            return false;
        }

        var blob = _container.GetBlobClient(relocationId);
        Response<Azure.Storage.Blobs.Models.BlobDownloadResult> content;
        try
        {
            content = await blob.DownloadContentAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }

        var envelope = content.Value.Content.ToObjectFromJson<Envelope>();
        if (envelope is not { Version: 2, WrappedKey: { } wrappedKey })
        {
            return false;
        }

        var dataKey = await wrapper.UnwrapAsync(envelope.KeyId, envelope.Algorithm ?? string.Empty, Convert.FromBase64String(wrappedKey), cancellationToken);
        try
        {
            var rewrapped = await wrapper.WrapAsync(dataKey, cancellationToken);
            var updated = envelope with { KeyId = rewrapped.KeyId, Algorithm = rewrapped.Algorithm, WrappedKey = Convert.ToBase64String(rewrapped.Value) };
            // Conditional on the version read: a concurrent save is never overwritten with an older file.
            await blob.UploadAsync(BinaryData.FromObjectAsJson(updated), new Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = content.Value.Details.ETag },
            }, cancellationToken);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    internal static Envelope Encrypt(string relocationId, string keyId, byte[] key, byte[] plaintext, int version = 1)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(relocationId, version == 1 ? keyId : null));
        CryptographicOperations.ZeroMemory(plaintext);
        return new Envelope(version, keyId, Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    internal static byte[] Decrypt(string relocationId, Envelope envelope, byte[] key)
    {
        var ciphertext = Convert.FromBase64String(envelope.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(Convert.FromBase64String(envelope.Nonce), ciphertext, Convert.FromBase64String(envelope.Tag), plaintext,
            AssociatedData(relocationId, envelope.Version == 1 ? envelope.KeyId : null));
        return plaintext;
    }

    // Version 2 binds the file to its case only: the wrapping key's id changes on every re-wrap, the data key does not.
    private static byte[] AssociatedData(string relocationId, string? keyId) =>
        Encoding.UTF8.GetBytes(keyId is null ? $"relocation-case-file/v2/{relocationId}" : $"relocation-case-file/v1/{relocationId}/{keyId}");

    /// <summary>Version 1: <see cref="KeyId"/> names the key itself. Version 2: the wrapping key version, with the wrapped data key.</summary>
    internal sealed record Envelope(int Version, string KeyId, string Nonce, string Ciphertext, string Tag)
    {
        public string? Algorithm { get; init; }

        public string? WrappedKey { get; init; }
    }
}
