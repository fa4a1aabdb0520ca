using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Relocation.Storage.CaseFiles;

/// <summary>
/// Wraps and unwraps the per-file data keys of case files. The wrapping key never leaves where it lives (Key Vault in
/// Azure): only wrapped data keys are stored, each with the id of the key version that wrapped it.
/// </summary>
public interface IKeyWrapper
{
    /// <summary>Wraps <paramref name="dataKey"/> with the current wrapping key.</summary>
    Task<WrappedKey> WrapAsync(byte[] dataKey, CancellationToken cancellationToken);

    /// <summary>Unwraps a data key wrapped by the key version <paramref name="keyId"/> names.</summary>
    Task<byte[]> UnwrapAsync(string keyId, string algorithm, byte[] wrapped, CancellationToken cancellationToken);
}

/// <summary>A wrapped data key and what is needed to unwrap it.</summary>
public sealed record WrappedKey(string KeyId, string Algorithm, byte[] Value);

/// <summary>
/// Locally a configured key plays the vault: data keys are wrapped with AES-256-GCM under the active configured key
/// (also used in Azure when no vault key is configured, with the Key Vault secret as that key).
/// </summary>
internal sealed class ConfiguredKeyWrapper(ICaseFileKeys keys) : IKeyWrapper
{
    public const string Algorithm = "A256GCM-local";
    private const string Prefix = "configured/";

    public async Task<WrappedKey> WrapAsync(byte[] dataKey, CancellationToken cancellationToken)
    {
        var (keyId, key) = await keys.CurrentAsync(cancellationToken);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var output = new byte[12 + 16 + dataKey.Length];
        nonce.CopyTo(output, 0);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, dataKey, output.AsSpan(28), output.AsSpan(12, 16), Encoding.UTF8.GetBytes(Prefix + keyId));
        return new WrappedKey(Prefix + keyId, Algorithm, output);
    }

    public async Task<byte[]> UnwrapAsync(string keyId, string algorithm, byte[] wrapped, CancellationToken cancellationToken)
    {
        if (algorithm != Algorithm || !keyId.StartsWith(Prefix, StringComparison.Ordinal) || wrapped.Length < 28)
        {
            throw new CryptographicException("This data key was not wrapped by a configured key.");
        }

        var key = await keys.GetAsync(keyId[Prefix.Length..], cancellationToken);
        var dataKey = new byte[wrapped.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(wrapped.AsSpan(0, 12), wrapped.AsSpan(28), wrapped.AsSpan(12, 16), dataKey, Encoding.UTF8.GetBytes(keyId));
        return dataKey;
    }
}

/// <summary>
/// The Key Vault key operations <c>wrapkey</c> and <c>unwrapkey</c> (RSA-OAEP-256), called directly on Azure.Core's
/// HTTP pipeline with the app identity's token (the Keys client library is not available here). Wrapping uses the
/// key's current version; the answer's <c>kid</c> names that version, and unwrapping calls it, so rotating the vault
/// key (a new version) never strands a file.
/// </summary>
public sealed class KeyVaultKeyWrapper : IKeyWrapper
{
    public const string Algorithm = "RSA-OAEP-256";
    private const string ApiVersion = "7.4";
    private readonly HttpPipeline _pipeline;
    private readonly Uri _keyUri;

    public KeyVaultKeyWrapper(Uri vaultUri, string keyName, TokenCredential credential, HttpPipelineTransport? transport = null)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        var options = new KeyVaultPipelineOptions();
        if (transport is not null)
        {
            options.Transport = transport;
        }

        _keyUri = new Uri(vaultUri, $"keys/{Uri.EscapeDataString(keyName)}");
        _pipeline = HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(credential, "https://vault.azure.net/.default"));
    }

    public async Task<WrappedKey> WrapAsync(byte[] dataKey, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(new Uri($"{_keyUri}/wrapkey?api-version={ApiVersion}"), dataKey, cancellationToken);
        var kid = (string?)answer["kid"] ?? throw new CryptographicException("Key Vault answered wrapkey without a kid.");
        return new WrappedKey(kid, Algorithm, Base64Url((string?)answer["value"]));
    }

    public async Task<byte[]> UnwrapAsync(string keyId, string algorithm, byte[] wrapped, CancellationToken cancellationToken)
    {
        // Only a key of this vault and name: a stored kid pointing elsewhere must not send data keys to another host.
        if (algorithm != Algorithm || !Uri.TryCreate(keyId, UriKind.Absolute, out var kid)
            || !kid.AbsoluteUri.StartsWith(_keyUri.AbsoluteUri + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new CryptographicException("This data key was not wrapped by the configured Key Vault key.");
        }

        var answer = await SendAsync(new Uri($"{kid.AbsoluteUri}/unwrapkey?api-version={ApiVersion}"), wrapped, cancellationToken);
        return Base64Url((string?)answer["value"]);
    }

    private async Task<JsonNode> SendAsync(Uri uri, byte[] value, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new { alg = Algorithm, value = Base64Url(value) }));
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.IsError)
        {
            // The body may name the key but never holds key material; the status is what the operator needs.
            throw new RequestFailedException(message.Response.Status, $"Key Vault refused {uri.AbsolutePath.Split('/')[^1]} ({message.Response.Status}).");
        }

        return JsonNode.Parse(message.Response.Content.ToStream()) ?? throw new CryptographicException("Key Vault answered with no body.");
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] Base64Url(string? text)
    {
        var s = (text ?? string.Empty).Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    private sealed class KeyVaultPipelineOptions : ClientOptions
    {
    }
}
