using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Relocation.Api.Json;
using Xunit;

namespace Relocation.Testing;

/// <summary>Azurite and the local host over it, for end-to-end tests over HTTP.</summary>
public class LocalHostFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    public LocalHostProcess Host { get; private set; } = null!;

    /// <summary>Extra environment for the host; set by a derived fixture before it starts.</summary>
    protected virtual IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>();

    public HttpClient Http => Host.Http;

    /// <summary>Extra command-line arguments for the host; set by a derived fixture.</summary>
    protected virtual IReadOnlyList<string> HostArguments => [];

    /// <summary>Starts what the host needs besides Azurite (e.g. an SMTP server) before the host starts.</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartDependenciesAsync"/> started, after the host.</summary>
    protected virtual Task StopDependenciesAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        await StartDependenciesAsync();
        Host = new LocalHostProcess(Azurite.ConnectionString, null, null, [.. HostArguments]);
        foreach (var (name, value) in HostEnvironment)
        {
            Host.Environment[name] = value;
        }

        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await StopDependenciesAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>Kills the host with SIGKILL and starts it again on the same port and storage.</summary>
    public async Task CrashAndRestartAsync()
    {
        await Host.KillAsync();
        await Host.StartAsync();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null, string? idempotencyKey = null, IDictionary<string, string>? headers = null)
    {
        HttpContent? content = body switch
        {
            null => null,
            string raw => new StringContent(raw, Encoding.UTF8, "application/json"),
            _ => JsonContent.Create(body, options: ApiJson.Options),
        };
        var request = LocalHostProcess.Request(method, path, token, content, idempotencyKey);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Http.SendAsync(request);
    }

    /// <summary>
    /// For an assertion's message on an unexpected answer: its status and body, and the host's last log lines that
    /// name a failure, since a 500's body says only that something failed (no details leave the host).
    /// </summary>
    public async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        var failures = Host.Output
            .Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("exception", StringComparison.OrdinalIgnoreCase))
            .TakeLast(15);
        return $"{(int)response.StatusCode} {body}\nhost:\n{string.Join('\n', failures)}";
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone();
    }
}
