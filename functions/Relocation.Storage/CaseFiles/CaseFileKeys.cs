using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.CaseFiles;

/// <summary>The 256-bit keys that protect case files: the one to encrypt with now, and any older one by its id.</summary>
public interface ICaseFileKeys
{
    Task<(string KeyId, byte[] Key)> CurrentAsync(CancellationToken cancellationToken);

    Task<byte[]> GetAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>Keys from configuration, for a developer's machine.</summary>
internal sealed class ConfiguredCaseFileKeys(CaseFileOptions options) : ICaseFileKeys
{
    public Task<(string KeyId, byte[] Key)> CurrentAsync(CancellationToken cancellationToken) =>
        Task.FromResult((options.ActiveKeyId!, Convert.FromBase64String(options.Keys[options.ActiveKeyId!])));

    public Task<byte[]> GetAsync(string keyId, CancellationToken cancellationToken) =>
        options.Keys.TryGetValue(keyId, out var value)
            ? Task.FromResult(Convert.FromBase64String(value))
            : throw new InvalidOperationException($"Case-file key '{keyId}' is not configured.");
}

/// <summary>A deployment with only a Key Vault wrapping key: there are no version 1 files to open, and nothing to wrap with.</summary>
internal sealed class NoCaseFileKeys : ICaseFileKeys
{
    public Task<(string KeyId, byte[] Key)> CurrentAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No case-file secret key is configured; case files are wrapped by the Key Vault key.");

    public Task<byte[]> GetAsync(string keyId, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"Case-file key '{keyId}' is not configured (CaseFiles__KeyVaultSecretName is empty).");
}

/// <summary>
/// Keys from a Key Vault secret: the newest version encrypts, any version decrypts. Versions are immutable, so each
/// is read once; the current one is looked up again every few minutes to pick up a rotation.
/// </summary>
internal sealed class KeyVaultCaseFileKeys : ICaseFileKeys
{
    private static readonly TimeSpan CurrentFor = TimeSpan.FromMinutes(5);
    private readonly SecretClient _client;
    private readonly string _secretName;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, byte[]> _versions = new(StringComparer.Ordinal);

    // One reference, swapped whole: a reader never pairs one version's id with another version's key.
    private CurrentKey? _current;

    public KeyVaultCaseFileKeys(CaseFileOptions options, DataStorageOptions identity, TimeProvider time)
        : this(new SecretClient(options.KeyVaultUri!, StorageClients.CreateCredential(identity)), options.KeyVaultSecretName!, time)
    {
    }

    internal KeyVaultCaseFileKeys(SecretClient client, string secretName, TimeProvider time)
    {
        _client = client;
        _secretName = secretName;
        _time = time;
    }

    public async Task<(string KeyId, byte[] Key)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && _time.GetUtcNow() - cached.ReadAt < CurrentFor)
        {
            return (cached.KeyId, cached.Key);
        }

        var secret = (await _client.GetSecretAsync(_secretName, null, cancellationToken)).Value;
        var key = Decode(secret.Value);
        _versions[secret.Properties.Version] = key;
        _current = new CurrentKey(secret.Properties.Version, key, _time.GetUtcNow());
        return (secret.Properties.Version, key);
    }

    public async Task<byte[]> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(keyId, out var key))
        {
            return key;
        }

        var secret = (await _client.GetSecretAsync(_secretName, keyId, cancellationToken)).Value;
        return _versions[keyId] = Decode(secret.Value);
    }

    private static byte[] Decode(string value) =>
        CaseFileOptions.IsKey(value) ? Convert.FromBase64String(value) : throw new InvalidOperationException("The case-file key secret is not base64 of 32 bytes.");

    private sealed record CurrentKey(string KeyId, byte[] Key, DateTimeOffset ReadAt);
}
