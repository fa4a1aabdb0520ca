using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;

namespace Relocation.Testing;

/// <summary>
/// The local host as a real process, as a user runs it, on a given Azurite (or, without a connection string, on the one it starts itself): started, killed with <c>kill -9</c>, restarted.
/// Its console output is kept so tests can scan the logs.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly string? _connectionString;
    private readonly string[] _extraArguments;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public LocalHostProcess(string? connectionString, int? port = null, string? workerId = null, params string[] extraArguments)
    {
        _connectionString = connectionString;
        Port = port ?? AzuriteServer.FreePort();
        WorkerId = workerId ?? $"test-{Port}";
        _extraArguments = extraArguments;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/api/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    /// <summary>Extra environment for the host, e.g. shortened workflow clocks.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string WorkerId { get; }

    public HttpClient Http { get; }

    public IReadOnlyCollection<string> Output => _output;

    public int? ProcessId => _process?.Id;

    public static string EntryAssembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepositoryPaths.Root, "functions", "Relocation.LocalHost", "bin", configuration, "net10.0", "Relocation.LocalHost.dll");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(EntryAssembly);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--worker-id");
        start.ArgumentList.Add(WorkerId);
        foreach (var arg in _extraArguments)
        {
            start.ArgumentList.Add(arg);
        }

        if (!_extraArguments.Contains("--smtp-port"))
        {
            // No mail server unless a test brings one (Smtp4devFixture): a host per test class must not start smtp4dev
            // on the default port, nor mail a developer's running one.
            start.ArgumentList.Add("--no-smtp");
        }

        if (_connectionString is not null)
        {
            start.Environment["DataStorage"] = _connectionString;
            start.Environment["AzureWebJobsStorage"] = _connectionString;
        }
        start.Environment["Logging__LogLevel__Default"] = "Information";
        // Tests write fast on purpose; the rate limit has its own tests, which set it back through Environment.
        start.Environment["RateLimit__Burst"] = "1000000";
        start.Environment["RateLimit__PerSecond"] = "1000000";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("The local host did not start.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {_process.ExitCode}:\n{string.Join('\n', _output.TakeLast(40))}");
            }

            try
            {
                using var response = await Http.GetAsync("health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The local host did not answer /api/health within 60 s:\n{string.Join('\n', _output.TakeLast(40))}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Sends a signal (TERM, INT, KILL) to the host process, as a terminal or a supervisor would.</summary>
    public async Task SignalAsync(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }
    }

    /// <summary>Waits for the host to exit on its own; its exit code, or null if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return null;
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return _process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Pass as the key to send a request without an <c>Idempotency-Key</c> header.</summary>
    public const string NoIdempotencyKey = "\u0000none";

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        // Clients send an Idempotency-Key with every POST (creating ones are refused without): so do the tests, unless
        // they test its absence with NoIdempotencyKey.
        idempotencyKey ??= method == HttpMethod.Post ? Guid.NewGuid().ToString("N") : null;
        if (idempotencyKey is not null && idempotencyKey != NoIdempotencyKey)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
    }
}
