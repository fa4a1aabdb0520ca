using Relocation.LocalHost.Dependencies;

namespace Relocation.LocalHost.Azurite;

/// <summary>
/// The Azurite storage emulator as a child process: installed with npm from the committed lock file on first use,
/// started on 127.0.0.1, and stopped with its owner. Shared by the local host and the test fixtures.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The well-known development account of every Azure Storage emulator; not a secret.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly SupervisedProcess? _process;
    private readonly string? _repositoryRoot;
    private readonly string? _dataDirectory;

    private AzuriteServer(int blobPort, int queuePort, int tablePort, SupervisedProcess? process, string? repositoryRoot = null, string? dataDirectory = null)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _process = process;
        _repositoryRoot = repositoryRoot;
        _dataDirectory = dataDirectory;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>True when this object started the process (and so stops it).</summary>
    public bool Owned => _process is not null;

    public int? ProcessId => _process?.Id;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Uses an Azurite already answering on the three ports from <paramref name="firstPort"/> (10000 by default), or starts one there with its files under <paramref name="dataDirectory"/>.</summary>
    public static async Task<AzuriteServer> EnsureOnPortsAsync(string repositoryRoot, string dataDirectory, int firstPort, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        // An Azurite whose owner died is about to stop: wait for it rather than using it, or starting a second one over its files.
        await WaitForOrphanAsync(dataDirectory, log, cancellationToken);
        if (await AnswersAsync(firstPort) && await AnswersAsync(firstPort + 1) && await AnswersAsync(firstPort + 2))
        {
            await log.WriteLineAsync($"Using the Azurite already listening on 127.0.0.1:{firstPort}-{firstPort + 2}.");
            return new AzuriteServer(firstPort, firstPort + 1, firstPort + 2, null);
        }

        return await StartAsync(repositoryRoot, dataDirectory, firstPort, firstPort + 1, firstPort + 2, log, cancellationToken);
    }

    /// <summary>True while something accepts connections on the port.</summary>
    public static Task<bool> IsListeningAsync(int port) => AnswersAsync(port);

    /// <summary>Starts a private Azurite on free ports: files under <paramref name="dataDirectory"/>, or in memory when it is null.</summary>
    public static async Task<AzuriteServer> StartOnFreePortsAsync(string repositoryRoot, string? dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        // A port found free can be taken by another process (parallel test assemblies) before Azurite binds it: then
        // Azurite exits at once and the start is tried again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(repositoryRoot, dataDirectory, FreePort(), FreePort(), FreePort(), log, cancellationToken);
            }
            catch (AzuriteStartException ex) when (attempt < 3 && ex.Exited)
            {
                await log.WriteLineAsync($"{ex.Message} Trying other ports.");
            }
        }
    }

    /// <param name="debugLog">Azurite's debug log (every request, its operation and its time in the emulator), for a bench
    /// that counts storage operations (bench/Relocation.LoadDriver <c>--storage-log</c>); off when null: it slows the emulator.</param>
    public static async Task<AzuriteServer> StartAsync(string repositoryRoot, string? dataDirectory, int blobPort, int queuePort, int tablePort, TextWriter log, CancellationToken cancellationToken,
        string? debugLog = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var entry = await EnsureInstalledAsync(repositoryRoot, log, cancellationToken);

        var arguments = new List<string>
        {
            entry,
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--skipApiVersionCheck", "--silent", "--disableProductStyleUrl", "--disableTelemetry",
        };
        if (debugLog is not null)
        {
            arguments.Add("--debug");
            arguments.Add(debugLog);
        }

        if (dataDirectory is null)
        {
            // Only ever without queue traffic: Azurite's in-memory queue clean-up stalls for tens of seconds under load.
            arguments.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            await WaitForPreviousAsync(dataDirectory, log, cancellationToken);
            arguments.Add("--location");
            arguments.Add(dataDirectory);
        }

        // Supervised: stopped (gracefully, so it saves its files) when its owner dies, even by kill -9.
        SupervisedProcess process;
        try
        {
            process = SupervisedProcess.Start("azurite", "node", arguments, null, log,
                dataDirectory is null ? null : Path.Combine(dataDirectory, "azurite-errors.log"));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Azurite could not be started (is Node.js installed?).", ex);
        }

        if (dataDirectory is not null)
        {
            // Who runs the Azurite on these files (watchdog, owner): the next start waits for it to finish saving.
            await File.WriteAllTextAsync(OwnerFile(dataDirectory), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{process.Id} {Environment.ProcessId}"), cancellationToken);
        }

        var server = new AzuriteServer(blobPort, queuePort, tablePort, process, repositoryRoot, dataDirectory);
        // 60 s: on a 2-core machine under a full parallel test run Node alone can take tens of seconds to start.
        if (!await process.WaitForPortsAsync([blobPort, queuePort, tablePort], TimeSpan.FromSeconds(60), cancellationToken))
        {
            var exited = process.HasExited;
            await server.DisposeAsync();
            throw new AzuriteStartException($"Azurite did not start on ports {blobPort}-{tablePort}{(exited ? " (it exited)" : string.Empty)}.", exited);
        }

        return server;
    }

    /// <summary>Installs Azurite from <c>tools/azurite/package-lock.json</c> once; later calls only check the file is there.</summary>
    public static async Task<string> EnsureInstalledAsync(string repositoryRoot, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var toolDirectory = Path.Combine(repositoryRoot, "tools", "azurite");
        var entry = Path.Combine(toolDirectory, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(entry))
        {
            return entry;
        }

        // Two test processes may both find it missing: one installs, the other waits on the lock file.
        var lockPath = Path.Combine(toolDirectory, ".install.lock");
        await using (var installLock = await SupervisedProcess.AcquireInstallLockAsync(lockPath, cancellationToken))
        {
            if (File.Exists(entry))
            {
                return entry;
            }

            await log.WriteLineAsync("Installing Azurite with npm (once, about 20 s)…");
            try
            {
                await SupervisedProcess.RunToEndAsync("npm", "ci --no-audit --no-fund --loglevel=error", toolDirectory, cancellationToken);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("npm could not be started (is Node.js installed?).", ex);
            }

            if (!File.Exists(entry))
            {
                throw new InvalidOperationException("npm ci for Azurite did not install it.");
            }
        }

        return entry;
    }

    /// <summary>
    /// Waits until the Azurite last started on <paramref name="dataDirectory"/> has exited. Azurite frees its ports
    /// first and only then writes its databases (which it otherwise saves every 5 s): a second Azurite started on the
    /// same files in between loads the state of up to 5 s earlier, and the saves then overwrite each other. That is how
    /// a kill -9 of the host followed by an immediate restart lost the engine's last queue messages (issue 10's stuck
    /// agreement): its orchestration waited for an activity result that no longer existed anywhere.
    /// </summary>
    public static async Task WaitForPreviousAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (ReadOwner(dataDirectory) is not { } owner || !IsWatchdog(owner.Watchdog))
        {
            return;
        }

        await log.WriteLineAsync("Waiting for the previous Azurite on this data folder to finish saving…");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (IsWatchdog(owner.Watchdog))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The Azurite started on {dataDirectory} (watchdog pid {owner.Watchdog}) is still running; stop it first.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>When the process that started the Azurite on <paramref name="dataDirectory"/> is dead, its Azurite is stopping: wait for it.</summary>
    private static async Task WaitForOrphanAsync(string dataDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        if (ReadOwner(dataDirectory) is { } owner && IsWatchdog(owner.Watchdog) && !IsAlive(owner.Host))
        {
            await WaitForPreviousAsync(dataDirectory, log, cancellationToken);
        }
    }

    private static string OwnerFile(string dataDirectory) => Path.Combine(dataDirectory, "azurite.owner");

    private static (int Watchdog, int Host)? ReadOwner(string dataDirectory)
    {
        try
        {
            var parts = File.ReadAllText(OwnerFile(dataDirectory)).Split(' ');
            return parts.Length == 2 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var watchdog)
                && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var host) ? (watchdog, host) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The command line tells our watchdog from an unrelated process that reused its pid.
    private static bool IsWatchdog(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("azurite-watchdog", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    public static int FreePort() => SupervisedProcess.FreePort();

    /// <summary>
    /// Fault injection: SIGKILLs this Azurite (it saves nothing, as on a power loss; it loses what it wrote since its
    /// last autosave, up to 5 s) and starts a new one on the same ports and files. The caller disposes the new one.
    /// </summary>
    public async Task<AzuriteServer> KillUngracefullyAndRestartAsync(TextWriter log, CancellationToken cancellationToken)
    {
        if (_process is null || _repositoryRoot is null || _dataDirectory is null)
        {
            throw new InvalidOperationException("Only an Azurite this object started on a data folder can be killed and restarted.");
        }

        await _process.KillChildUngracefullyAsync();
        await _process.DisposeAsync();
        return await StartAsync(_repositoryRoot, _dataDirectory, BlobPort, QueuePort, TablePort, log, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private static Task<bool> AnswersAsync(int port) => SupervisedProcess.IsListeningAsync(port);
}

/// <summary>Azurite did not answer on its ports; <see cref="Exited"/> when it stopped (a port was taken) rather than hung.</summary>
public sealed class AzuriteStartException(string message, bool exited) : InvalidOperationException(message)
{
    public bool Exited { get; } = exited;
}
