using System.Globalization;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;

namespace Relocation.LoadDriver;

/// <summary>
/// The ports a run listens on, as bench/Relocation.History takes them: <c>--port P</c>, the local host's HTTP port (the
/// floor's sidecar takes P + 1), and <c>--storage-port S</c>, Azurite's blob, queue and table ports (S, S + 1, S + 2).
/// Without them each is a free port found by probing, which two drivers started side by side can both find: give each
/// its own range. The local host's own sidecar, smtp4dev (<c>--mail</c>) and the emulator the fault harness starts
/// after a storage kill still probe.
/// </summary>
internal sealed record BenchPorts(int? Host, int? Storage)
{
    /// <summary>The options, or an error saying which one is wrong.</summary>
    public static (BenchPorts? Ports, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (host, hostError) = Port(args, "--port", 1);
        var (storage, storageError) = Port(args, "--storage-port", 2);
        var error = hostError ?? storageError;
        return error is null ? (new BenchPorts(host, storage), null) : (null, error);
    }

    /// <summary>The floor's gRPC sidecar: next to the host's port when one is given.</summary>
    public int FloorSidecar => Host is { } port ? port + 1 : AzuriteServer.FreePort();

    /// <summary>A private Azurite on <paramref name="data"/>, on the given ports or on free ones; with its debug log in <paramref name="debugLog"/> when given.</summary>
    public Task<AzuriteServer> StartAzuriteAsync(string data, string? debugLog = null) => Storage is { } port
        ? AzuriteServer.StartAsync(RepositoryPaths.Root, data, port, port + 1, port + 2, TextWriter.Null, CancellationToken.None, debugLog)
        : debugLog is null
            ? AzuriteServer.StartOnFreePortsAsync(RepositoryPaths.Root, data, TextWriter.Null, CancellationToken.None)
            : AzuriteServer.StartAsync(RepositoryPaths.Root, data, AzuriteServer.FreePort(), AzuriteServer.FreePort(), AzuriteServer.FreePort(), TextWriter.Null, CancellationToken.None, debugLog);

    /// <summary><paramref name="following"/>: how many ports after it the option also takes.</summary>
    private static (int? Port, string? Error) Port(IReadOnlyList<string> args, string name, int following)
    {
        var at = args.ToList().IndexOf(name);
        if (at < 0)
        {
            return (null, null);
        }

        return at + 1 < args.Count && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 && port + following <= 65535
            ? (port, null)
            : (null, $"{name} takes a port number from 1 to {65535 - following} (it also uses the next {following}), not '{(at + 1 < args.Count ? args[at + 1] : string.Empty)}'.");
    }
}
