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

    private AzuriteServer(int blobPort, int queuePort, int tablePort, SupervisedProcess? process)
    {
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        _process = process;
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
    public static Task<AzuriteServer> StartOnFreePortsAsync(string repositoryRoot, string? dataDirectory, TextWriter log, CancellationToken cancellationToken) =>
        StartAsync(repositoryRoot, dataDirectory, FreePort(), FreePort(), FreePort(), log, cancellationToken);

    public static async Task<AzuriteServer> StartAsync(string repositoryRoot, string? dataDirectory, int blobPort, int queuePort, int tablePort, TextWriter log, CancellationToken cancellationToken)
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
        if (dataDirectory is null)
        {
            // Only ever without queue traffic: Azurite's in-memory queue clean-up stalls for tens of seconds under load.
            arguments.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            arguments.Add("--location");
            arguments.Add(dataDirectory);
        }

        // Supervised: stopped (gracefully, so it saves its files) when its owner dies, even by kill -9.
        SupervisedProcess process;
        try
        {
            process = SupervisedProcess.Start("azurite", "node", arguments, null, log);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("Azurite could not be started (is Node.js installed?).", ex);
        }

        var server = new AzuriteServer(blobPort, queuePort, tablePort, process);
        if (!await process.WaitForPortsAsync([blobPort, queuePort, tablePort], TimeSpan.FromSeconds(30), cancellationToken))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"Azurite did not start on ports {blobPort}-{tablePort}.");
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

    public static int FreePort() => SupervisedProcess.FreePort();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private static Task<bool> AnswersAsync(int port) => SupervisedProcess.IsListeningAsync(port);
}
