using System.Globalization;
using System.Text.Json;

namespace Relocation.LocalHost.Dependencies;

/// <summary>
/// smtp4dev, a real SMTP server whose web page and HTTP API show every mail it received: the local host's mail relay
/// and the tests' mailbox. Pinned in <c>.config/dotnet-tools.json</c>, restored with <c>dotnet tool restore</c> on first
/// use, run from the NuGet cache under the same watchdog as Azurite (so it stops with its owner, even after kill -9),
/// in memory (no mail survives it), on 127.0.0.1 only.
/// </summary>
public sealed class Smtp4devServer : IAsyncDisposable
{
    private const string PackageId = "rnwood.smtp4dev";
    private readonly SupervisedProcess? _process;

    private Smtp4devServer(int smtpPort, int webPort, SupervisedProcess? process)
    {
        SmtpPort = smtpPort;
        WebPort = webPort;
        _process = process;
    }

    public int SmtpPort { get; }

    public int WebPort { get; }

    /// <summary>The web page and HTTP API (<c>/api/messages</c>).</summary>
    public Uri WebUrl => new($"http://127.0.0.1:{WebPort}/");

    public bool Owned => _process is not null;

    public int? ProcessId => _process?.Id;

    /// <summary>Uses an SMTP server already listening on <paramref name="smtpPort"/>, or starts smtp4dev there (without waiting for it).</summary>
    public static async Task<Smtp4devServer> EnsureOnPortsAsync(string repositoryRoot, int smtpPort, int webPort, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (await SupervisedProcess.IsListeningAsync(smtpPort))
        {
            await log.WriteLineAsync($"Using the SMTP server already listening on 127.0.0.1:{smtpPort}.");
            return new Smtp4devServer(smtpPort, webPort, null);
        }

        return await LaunchAsync(repositoryRoot, smtpPort, webPort, log, cancellationToken);
    }

    /// <summary>Starts smtp4dev and waits until both its SMTP port and its web API answer (about 15 s).</summary>
    public static async Task<Smtp4devServer> StartAsync(string repositoryRoot, int smtpPort, int webPort, TextWriter log, CancellationToken cancellationToken)
    {
        var server = await LaunchAsync(repositoryRoot, smtpPort, webPort, log, cancellationToken);
        if (!await server._process!.WaitForPortsAsync([smtpPort, webPort], TimeSpan.FromSeconds(90), cancellationToken))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"smtp4dev did not start on ports {smtpPort} (SMTP) and {webPort} (web).");
        }

        return server;
    }

    public static Task<Smtp4devServer> StartOnFreePortsAsync(string repositoryRoot, TextWriter log, CancellationToken cancellationToken) =>
        StartAsync(repositoryRoot, SupervisedProcess.FreePort(), SupervisedProcess.FreePort(), log, cancellationToken);

    /// <summary>Restores the pinned tool once; answers the path of its entry assembly.</summary>
    public static async Task<string> EnsureInstalledAsync(string repositoryRoot, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var version = PinnedVersion(repositoryRoot);
        if (Find(version) is { } found)
        {
            return found;
        }

        var lockPath = Path.Combine(repositoryRoot, ".config", ".smtp4dev-install.lock");
        await using (await SupervisedProcess.AcquireInstallLockAsync(lockPath, cancellationToken))
        {
            if (Find(version) is { } raced)
            {
                return raced;
            }

            await log.WriteLineAsync($"Installing smtp4dev {version} with dotnet tool restore (once)…");
            try
            {
                await SupervisedProcess.RunToEndAsync("dotnet", "tool restore", repositoryRoot, cancellationToken);
            }
            catch (InvalidOperationException) when (Find(version) is null)
            {
                // The manifest pins two tools; on an empty NuGet cache the SDK's first restore once failed on the other
                // one (it mixed up the two packages) and the second succeeded. Once more, then give up with its error.
                await SupervisedProcess.RunToEndAsync("dotnet", "tool restore", repositoryRoot, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // smtp4dev itself was restored; the other tool's failure is not ours to stop the host for.
            }

            return Find(version) ?? throw new InvalidOperationException($"dotnet tool restore did not install smtp4dev {version}.");
        }
    }

    private static async Task<Smtp4devServer> LaunchAsync(string repositoryRoot, int smtpPort, int webPort, TextWriter log, CancellationToken cancellationToken)
    {
        var entry = await EnsureInstalledAsync(repositoryRoot, log, cancellationToken);
        var appData = Path.Combine(Path.GetTempPath(), "relocation-smtp4dev", smtpPort.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(appData);
        string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        var arguments = new[]
        {
            entry,
            "--urls", $"http://127.0.0.1:{P(webPort)}",
            "--smtpport", P(smtpPort),
            // IMAP and POP3 are not used; they still listen, so on free ports rather than 143/110.
            "--imapport", P(SupervisedProcess.FreePort()),
            "--pop3port", P(SupervisedProcess.FreePort()),
            "--bindaddress", "127.0.0.1",
            "--tlsmode", "None",
            "--db=",
            "--nousersettings",
            "--baseappdatapath", appData,
            "--messagestokeep", "100000",
            "--sessionstokeep", "100",
        };
        var process = SupervisedProcess.Start("smtp4dev", "dotnet", arguments, Path.GetDirectoryName(entry), TextWriter.Null);
        await log.WriteLineAsync($"smtp4dev: SMTP on 127.0.0.1:{smtpPort}, mail readable at http://127.0.0.1:{webPort}/");
        return new Smtp4devServer(smtpPort, webPort, process);
    }

    /// <summary>The version pinned in the tool manifest, the one place it is written.</summary>
    private static string PinnedVersion(string repositoryRoot)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(repositoryRoot, ".config", "dotnet-tools.json")));
        return manifest.RootElement.GetProperty("tools").GetProperty(PackageId).GetProperty("version").GetString()
            ?? throw new InvalidOperationException("The tool manifest does not pin smtp4dev.");
    }

    /// <summary>The tool's assembly in the NuGet cache (the tool package points at a runtime-specific one).</summary>
    private static string? Find(string version)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(cache))
        {
            return null;
        }

        return Directory.EnumerateDirectories(cache, PackageId + "*")
            .Select(d => Path.Combine(d, version, "tools"))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "Rnwood.Smtp4dev.dll", SearchOption.AllDirectories))
            .OrderBy(p => p.Contains("linux-x64", StringComparison.Ordinal) ? 0 : 1)
            .FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
