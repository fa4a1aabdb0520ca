using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Relocation.LocalHost.Dependencies;

/// <summary>
/// A local dependency (Azurite, smtp4dev) as a child process under a small watchdog shell: the watchdog stops it with
/// SIGTERM (gracefully, so it saves its files) when its owner dies, even by kill -9, so an orphan never keeps the
/// ports or serves stale state to the next start. Stopping it by hand goes through the same SIGTERM.
/// </summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SupervisedProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> under the watchdog. The child's output never
    /// goes to a pipe of its owner: when the owner is killed that pipe breaks, and a child that writes a line on SIGTERM
    /// (Azurite's "closing...") then dies of EPIPE before it saves its files. That lost the engine's last queue messages
    /// (issue 10's stuck agreement). Its stdout goes to /dev/null, its stderr is appended to <paramref name="errorFile"/>
    /// (or dropped when null); the watchdog itself writes nothing.
    /// </summary>
    public static SupervisedProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory, TextWriter log, string? errorFile = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        // setsid: the watchdog and its child get a session (and process group) of their own. A terminal's Ctrl+C goes to
        // its whole foreground process group; sharing the host's, Azurite stopped at once while the engine was still
        // stopping on it (17 s and a NullReferenceException from the provider, against 6.6 s and a clean stop when only
        // the host gets the signal). Now the host alone hears Ctrl+C and stops the dependencies after its engine. setsid
        // execs in place (Process.Start's child leads no group), so the PID kept here is still the watchdog's.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        start.Environment["SUPERVISED_ERRORS"] = errorFile ?? "/dev/null";
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "\"$@\" >/dev/null 2>>\"$SUPERVISED_ERRORS\" </dev/null & child=$!; trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; " +
            "kill -TERM $child 2>/dev/null; wait $child");
        start.ArgumentList.Add($"{name}-watchdog");
        start.ArgumentList.Add(fileName);
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} could not be started.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                log.WriteLine($"{name}: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SupervisedProcess(process);
    }

    /// <summary>Waits until every port accepts connections; false if the process exits or the time runs out.</summary>
    public async Task<bool> WaitForPortsAsync(IReadOnlyList<int> ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var all = true;
            foreach (var port in ports)
            {
                all &= await IsListeningAsync(port);
            }

            if (all)
            {
                return true;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>True while something accepts connections on the port of 127.0.0.1.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// A port nothing listens on, below the kernel's ephemeral range. A port the kernel hands out (bind to 0) is also a
    /// port it hands to the next outgoing connection: a server stopped and restarted on it (the kill -9 tests) then found
    /// it taken by some client's socket ("address already in use"). Ports below the range are never given to clients, so
    /// only another listener can take them; the ones handed out here are not handed out again by this process.
    /// </summary>
    public static int FreePort()
    {
        var (low, _) = EphemeralRange.Value;
        var first = Math.Max(1_024, low - 12_000);
        for (var attempt = 0; attempt < 200 && low - first > 100; attempt++)
        {
            var port = Random.Shared.Next(first, low);
            if (!HandedOut.TryAdd(port, 0))
            {
                continue;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by another listener (another test process): try another one.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>The kernel's range for outgoing connections (Linux; the usual default elsewhere).</summary>
    private static readonly Lazy<(int Low, int High)> EphemeralRange = new(() =>
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (49_152, 65_535);
        }
    });

    /// <summary>A lock file, so two processes installing the same tool at once do it once.</summary>
    public static async Task<FileStream> AcquireInstallLockAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    /// <summary>Runs an installer command to its end; throws with its error output when it fails.</summary>
    public static async Task RunToEndAsync(string fileName, string arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} failed: {await stderr}{await stdout}");
        }
    }

    /// <summary>
    /// SIGKILLs the supervised child itself (not its watchdog), as a power loss would: it saves nothing. The watchdog
    /// sees it gone and exits. For fault injection only.
    /// </summary>
    public async Task KillChildUngracefullyAsync()
    {
        using (var kill = Process.Start("pkill", ["-KILL", "-P", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM through the watchdog, then SIGKILL after 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
