using System.Diagnostics;
using Relocation.LocalHost.Azurite;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The local host with its own Azurite stops in every order without an unhandled exception: Ctrl+C (SIGINT), SIGTERM,
/// the storage emulator dying first, and a second Ctrl+C while the first is still shutting down.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ShutdownTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "relocation-tests", Guid.NewGuid().ToString("N"));
    private readonly int _storagePort = StoragePorts.FreeTriple();
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _host = new LocalHostProcess(null, extraArguments: ["--data", _data, "--storage-port", _storagePort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await StoragePorts.WaitUntilClosedAsync(_storagePort);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp clean-up.
        }
    }

    [Fact]
    public async Task CtrlC_StopsCleanly_NoUnhandledException()
    {
        await _host.SignalAsync("INT");

        await AssertStoppedCleanlyAsync(expectZeroExit: true);
    }

    [Fact]
    public async Task Start_AzuriteUnderItsWatchdog_InASessionOfItsOwnSoATerminalCtrlCReachesOnlyTheHost()
    {
        // The host runs in this test process's session, as it runs in a terminal's. Its dependencies must not: a Ctrl+C
        // signals the terminal's whole foreground group, and an emulator stopped with the host stops under its engine.
        var sessions = AzuritePids().Select(SessionOf).OfType<int>().ToArray();
        var ownSession = SessionOf(Environment.ProcessId);

        Assert.True(sessions.Length >= 2, "the watchdog and Azurite");
        Assert.All(sessions, session => Assert.NotEqual(ownSession, session));
        Assert.Single(sessions.Distinct());
        await _host.SignalAsync("INT");
        await AssertStoppedCleanlyAsync(expectZeroExit: true);
    }

    [Fact]
    public async Task Sigterm_StopsCleanly_NoUnhandledException()
    {
        await _host.SignalAsync("TERM");

        await AssertStoppedCleanlyAsync(expectZeroExit: true);
    }

    [Fact]
    public async Task StorageDiesFirst_ThenCtrlC_NoUnhandledException()
    {
        // The emulator is killed ungracefully under the host, then the host is asked to stop.
        foreach (var pid in AzuritePids())
        {
            using var kill = Process.Start("kill", ["-KILL", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
        }

        await StoragePorts.WaitUntilClosedAsync(_storagePort);
        await Task.Delay(1000);
        await _host.SignalAsync("INT");

        await AssertStoppedCleanlyAsync(expectZeroExit: false);
    }

    [Fact]
    public async Task SecondCtrlC_DuringShutdown_NoUnhandledException()
    {
        await _host.SignalAsync("INT");
        await Task.Delay(150);
        await _host.SignalAsync("INT");

        await AssertStoppedCleanlyAsync(expectZeroExit: false);
    }

    private async Task AssertStoppedCleanlyAsync(bool expectZeroExit)
    {
        var exit = await _host.WaitForExitAsync(TimeSpan.FromSeconds(40));
        var output = string.Join('\n', _host.Output);

        Assert.True(exit is not null, $"The host did not stop within 40 s:\n{Tail(output)}");
        // The Azure Storage provider's own NullReferenceException on stop is caught and logged as a warning; only an
        // exception that escapes (printed by the runtime as "Unhandled exception.") is a failure.
        Assert.False(output.Contains("Unhandled exception", StringComparison.Ordinal), $"An unhandled exception:\n{Tail(output)}");
        if (expectZeroExit)
        {
            Assert.True(exit == 0, $"Exit code {exit}:\n{Tail(output)}");
        }
        else
        {
            // A crash shows as 134 (abort) or 139 (segfault); 0, 1 or 130 (a second SIGINT) are orderly ends.
            Assert.True(exit is 0 or 1 or 130, $"Exit code {exit}:\n{Tail(output)}");
        }
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(30));

    /// <summary>The watchdog and its node child, from the owner file the host's Azurite writes in its data folder.</summary>
    // /proc/{pid}/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces, so count from its closing parenthesis.
    // Null for a process gone meanwhile (the watchdog's own `sleep 0.5` comes and goes).
    private static int? SessionOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    private IEnumerable<int> AzuritePids()
    {
        var watchdog = int.Parse(File.ReadAllText(Path.Combine(_data, "azurite.owner")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var children = File.Exists($"/proc/{watchdog}/task/{watchdog}/children")
            ? File.ReadAllText($"/proc/{watchdog}/task/{watchdog}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture))
            : [];
        return [.. children, watchdog];
    }
}
