using System.Text.RegularExpressions;
using Relocation.LocalHost.Dependencies;
using Relocation.Testing;

namespace Relocation.Contract.Tests;

/// <summary>
/// Azurite, the local host, and Stoplight Prism in front of it as a validating proxy (<c>prism proxy --errors</c>) on
/// the document the host serves. Prism runs under the same watchdog as Azurite and is stopped by its PID; everything
/// it logs goes to a file, from which <see cref="Violations"/> reads every request or response it found at odds with
/// the document.
/// </summary>
public sealed partial class PrismProxyFixture : LocalHostFixture, IAsyncLifetime
{
    private SupervisedProcess? _prism;

    public string LogFile { get; } = Path.Combine(Path.GetTempPath(), "relocation-tests", $"prism-{Guid.NewGuid():N}.log");

    public string DocumentFile { get; private set; } = string.Empty;

    /// <summary>The host's Table query log (<c>StorageDiagnostics:QueryLog</c>): every read it made, classified.</summary>
    public string QueryLogFile { get; } = Path.Combine(Path.GetTempPath(), "relocation-tests", $"queries-{Guid.NewGuid():N}.log");

    protected override IReadOnlyDictionary<string, string> HostEnvironment =>
        new Dictionary<string, string> { ["StorageDiagnostics__QueryLog"] = QueryLogFile };

    /// <summary>Every Table read the host has made so far.</summary>
    public IReadOnlyList<Relocation.Storage.Tables.TableRead> TableReads() =>
        File.Exists(QueryLogFile)
            ? File.ReadAllLines(QueryLogFile).Where(l => l.Length > 0).Select(Relocation.Storage.Tables.TableRead.Parse).ToArray()
            : [];

    public int ProxyPort { get; } = SupervisedProcess.FreePort();

    /// <summary>Calls that go through Prism, to the host's <c>/api/</c>.</summary>
    public HttpClient Proxy { get; private set; } = null!;

    public int? PrismProcessId => _prism?.Id;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(QueryLogFile)!);
        await ContractTools.EnsureInstalledAsync();
        await base.InitializeAsync();

        // The document as the host serves it, not as the test assembly would build it.
        using var served = await Http.GetAsync("openapi.json");
        served.EnsureSuccessStatusCode();
        DocumentFile = await ContractTools.WriteDocumentAsync(await served.Content.ReadAsStringAsync());

        (_prism, var proxy) = await StartPrismAsync(DocumentFile, LogFile, ProxyPort);
        Proxy = proxy;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Proxy?.Dispose();
        if (_prism is not null)
        {
            await _prism.DisposeAsync();
        }

        await base.DisposeAsync();
        File.Delete(DocumentFile);
        File.Delete(QueryLogFile);
    }

    /// <summary>Starts another Prism in front of this host, on <paramref name="documentFile"/>, logging to <paramref name="logFile"/>.</summary>
    public async Task<(SupervisedProcess Prism, HttpClient Client)> StartPrismAsync(string documentFile, string logFile, int? port = null)
    {
        var listenOn = port ?? SupervisedProcess.FreePort();
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        // Prism logs to stdout; the watchdog keeps only stderr (in logFile), so the shell sends one to the other.
        var prism = SupervisedProcess.Start("prism", "bash",
            ["-c", "exec node \"$0\" proxy \"$1\" \"$2\" --host 127.0.0.1 --port \"$3\" --errors 1>&2",
                ContractTools.PrismEntry, documentFile, $"http://127.0.0.1:{Host.Port}", listenOn.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ContractTools.Directory, TextWriter.Null, logFile);
        if (!await prism.WaitForPortsAsync([listenOn], TimeSpan.FromSeconds(60), CancellationToken.None))
        {
            await prism.DisposeAsync();
            throw new InvalidOperationException($"Prism did not start:\n{await File.ReadAllTextAsync(logFile)}");
        }

        return (prism, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listenOn}/api/"), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>Every line of Prism's log that reports a violation or a request it refused.</summary>
    public IReadOnlyList<string> Violations() => Violations(LogFile);

    public static IReadOnlyList<string> Violations(string logFile) =>
        File.Exists(logFile)
            ? File.ReadLines(logFile).Select(l => AnsiEscape().Replace(l, string.Empty))
                .Where(l => l.Contains("Violation", StringComparison.OrdinalIgnoreCase) || l.Contains('✖') || l.Contains("terminated with error", StringComparison.Ordinal))
                .ToArray()
            : [];

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
