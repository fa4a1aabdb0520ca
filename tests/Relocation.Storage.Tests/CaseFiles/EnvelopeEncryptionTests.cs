using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Relocation.Domain.Relocations;
using Relocation.Storage.CaseFiles;

namespace Relocation.Storage.Tests.CaseFiles;

/// <summary>
/// Envelope encryption against a fake of Key Vault's wrapkey/unwrapkey, which keeps each key version's RSA key and
/// records the requests (method, path, api-version, body, bearer token) as the service receives them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EnvelopeEncryptionTests(StorageFixture fixture)
{
    private static readonly Uri Vault = new("https://kv-test.vault.azure.net/");
    private static readonly ProtectedPerson Person = new("Amina Example", new DateOnly(1990, 1, 1), "Bunia", "+243 000");

    private static CaseFileOptions LocalKeys() => new() { ActiveKeyId = "local-1", Keys = { ["local-1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) } };

    [Fact]
    public async Task SaveThenRead_WithVaultKey_EncryptsUnderAFreshDataKeyWrappedByTheVault()
    {
        using var vault = new FakeKeyVault("casefile-wrap");
        var store = new CaseFileStore(fixture.Azurite.Clients, new ConfiguredCaseFileKeys(LocalKeys()), vault.Wrapper());
        var id = Guid.NewGuid().ToString("N");

        await store.SaveAsync(id, Person, CancellationToken.None);
        var read = await store.ReadAsync(id, CancellationToken.None);
        var stored = await EnvelopeAsync(id);

        Assert.Equal(Person, read);
        Assert.Equal(2, stored["Version"]!.GetValue<int>());
        Assert.Equal("RSA-OAEP-256", (string?)stored["Algorithm"]);
        Assert.StartsWith("https://kv-test.vault.azure.net/keys/casefile-wrap/v1", (string?)stored["KeyId"], StringComparison.Ordinal);
        Assert.Equal(["POST /keys/casefile-wrap/wrapkey?api-version=7.4", "POST /keys/casefile-wrap/v1/unwrapkey?api-version=7.4"], vault.Requests.Select(r => r.Line));
        Assert.All(vault.Requests, r => Assert.Equal(("Bearer test-token", "RSA-OAEP-256"), (r.Authorization, r.Algorithm)));
        Assert.DoesNotContain("Amina", stored.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NewFileWithoutTheWrappingKey_Fails()
    {
        using var vault = new FakeKeyVault("casefile-wrap");
        using var otherVault = new FakeKeyVault("casefile-wrap");
        var keys = new ConfiguredCaseFileKeys(LocalKeys());
        var id = Guid.NewGuid().ToString("N");
        await new CaseFileStore(fixture.Azurite.Clients, keys, vault.Wrapper()).SaveAsync(id, Person, CancellationToken.None);

        // Same key name and version, another RSA key: Key Vault would refuse; the fake answers 400 as the service does.
        await Assert.ThrowsAnyAsync<Exception>(() => new CaseFileStore(fixture.Azurite.Clients, keys, otherVault.Wrapper()).ReadAsync(id, CancellationToken.None));
        // Nor does the local secret key open it: it never encrypted the file.
        await Assert.ThrowsAnyAsync<Exception>(() => new CaseFileStore(fixture.Azurite.Clients, keys, new ConfiguredKeyWrapper(keys)).ReadAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Read_FileWrittenTheOldWay_StillDecrypts()
    {
        using var vault = new FakeKeyVault("casefile-wrap");
        var keys = new ConfiguredCaseFileKeys(LocalKeys());
        var id = Guid.NewGuid().ToString("N");
        await new CaseFileStore(fixture.Azurite.Clients, keys).SaveAsync(id, Person, CancellationToken.None); // version 1

        var read = await new CaseFileStore(fixture.Azurite.Clients, keys, vault.Wrapper()).ReadAsync(id, CancellationToken.None);

        Assert.Equal(1, (await EnvelopeAsync(id))["Version"]!.GetValue<int>());
        Assert.Equal(Person, read);
        Assert.Empty(vault.Requests);
    }

    [Fact]
    public async Task Rewrap_AfterVaultKeyRotation_WrapsWithTheNewVersionWithoutTouchingTheCiphertext()
    {
        using var vault = new FakeKeyVault("casefile-wrap");
        var store = new CaseFileStore(fixture.Azurite.Clients, new ConfiguredCaseFileKeys(LocalKeys()), vault.Wrapper());
        var id = Guid.NewGuid().ToString("N");
        await store.SaveAsync(id, Person, CancellationToken.None);
        var before = await EnvelopeAsync(id);

        vault.Rotate();
        Assert.True(await store.RewrapAsync(id, CancellationToken.None));
        var after = await EnvelopeAsync(id);
        vault.Retire("v1");
        var read = await store.ReadAsync(id, CancellationToken.None);

        Assert.EndsWith("/v2", (string?)after["KeyId"], StringComparison.Ordinal);
        Assert.Equal((string?)before["Ciphertext"], (string?)after["Ciphertext"]);
        Assert.NotEqual((string?)before["WrappedKey"], (string?)after["WrappedKey"]);
        Assert.Equal(Person, read);
    }

    [Fact]
    public async Task Read_LocalWrapper_PlaysTheVaultWithTheConfiguredKey()
    {
        var keys = new ConfiguredCaseFileKeys(LocalKeys());
        var store = new CaseFileStore(fixture.Azurite.Clients, keys, new ConfiguredKeyWrapper(keys));
        var id = Guid.NewGuid().ToString("N");

        await store.SaveAsync(id, Person, CancellationToken.None);

        Assert.Equal(Person, await store.ReadAsync(id, CancellationToken.None));
        Assert.Equal(("configured/local-1", 2), ((string?)(await EnvelopeAsync(id))["KeyId"], (await EnvelopeAsync(id))["Version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Unwrap_KeyIdOfAnotherHost_IsRefusedWithoutARequest()
    {
        using var vault = new FakeKeyVault("casefile-wrap");

        await Assert.ThrowsAsync<CryptographicException>(() =>
            vault.Wrapper().UnwrapAsync("https://evil.example/keys/casefile-wrap/v1", "RSA-OAEP-256", [1, 2, 3], CancellationToken.None));

        Assert.Empty(vault.Requests);
    }

    private async Task<JsonObject> EnvelopeAsync(string id)
    {
        var content = await fixture.Azurite.Clients.Container(CaseFileStore.Container).GetBlobClient(id).DownloadContentAsync();
        return JsonNode.Parse(content.Value.Content.ToString())!.AsObject();
    }

    /// <summary>The two Key Vault operations, as the service answers them (api-version 7.4), with RSA keys per version.</summary>
    private sealed class FakeKeyVault(string keyName) : IDisposable
    {
        private readonly Dictionary<string, RSA> _versions = new(StringComparer.Ordinal) { ["v1"] = RSA.Create(2048) };
        private string _current = "v1";

        public List<(string Line, string? Authorization, string? Algorithm)> Requests { get; } = [];

        public KeyVaultKeyWrapper Wrapper() => new(Vault, keyName, new StaticToken(), new Transport(this));

        public void Rotate()
        {
            _current = $"v{_versions.Count + 1}";
            _versions[_current] = RSA.Create(2048);
        }

        public void Retire(string version) => _versions.Remove(version);

        public void Dispose()
        {
            foreach (var rsa in _versions.Values)
            {
                rsa.Dispose();
            }
        }

        private (int Status, string Body) Answer(Request request, string? body)
        {
            var path = request.Uri.Path;
            Requests.Add(($"{request.Method} {path}{request.Uri.Query}", request.Headers.TryGetValue("Authorization", out var auth) ? auth : null,
                body is null ? null : (string?)JsonNode.Parse(body)?["alg"]));
            var segments = path.Trim('/').Split('/');
            var json = JsonNode.Parse(body ?? "{}")!;
            var value = KeyVaultKeyWrapper.Base64Url((string?)json["value"]);
            if (segments is ["keys", var name, "wrapkey"] && name == keyName)
            {
                var wrapped = _versions[_current].Encrypt(value, RSAEncryptionPadding.OaepSHA256);
                return (200, JsonSerializer.Serialize(new { kid = $"{Vault}keys/{keyName}/{_current}", value = KeyVaultKeyWrapper.Base64Url(wrapped) }));
            }

            if (segments is ["keys", var n, var version, "unwrapkey"] && n == keyName && _versions.TryGetValue(version, out var rsa))
            {
                try
                {
                    var key = rsa.Decrypt(value, RSAEncryptionPadding.OaepSHA256);
                    return (200, JsonSerializer.Serialize(new { kid = $"{Vault}keys/{keyName}/{version}", value = KeyVaultKeyWrapper.Base64Url(key) }));
                }
                catch (CryptographicException)
                {
                    return (400, """{"error":{"code":"BadParameter","message":"Bad Request"}}""");
                }
            }

            return (404, """{"error":{"code":"KeyNotFound"}}""");
        }

        private sealed class Transport(FakeKeyVault vault) : HttpPipelineTransport
        {
            public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

            public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

            public override async ValueTask ProcessAsync(HttpMessage message)
            {
                string? body = null;
                if (message.Request.Content is { } content)
                {
                    using var stream = new MemoryStream();
                    await content.WriteToAsync(stream, CancellationToken.None);
                    body = System.Text.Encoding.UTF8.GetString(stream.ToArray());
                }

                var (status, answer) = vault.Answer(message.Request, body);
                message.Response = new FakeResponse(status, answer);
            }
        }
    }

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("test-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }

    private sealed class FakeResponse(int status, string body) : Azure.Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        public override int Status => status;

        public override string ReasonPhrase => ((HttpStatusCode)status).ToString();

        public override Stream? ContentStream { get; set; } = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));

        public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, out string value) => _headers.TryGetValue(name, out value!);

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            var found = _headers.TryGetValue(name, out var value);
            values = found ? [value!] : [];
            return found;
        }
    }
}
