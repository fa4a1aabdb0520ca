using Azure.Core.Pipeline;

namespace Relocation.Storage.Configuration;

/// <summary>
/// The HTTP transport of the storage clients when the number of connections to each storage endpoint is capped
/// (<see cref="DataStorageOptions.MaxConnectionsPerEndpoint"/>; the local host caps it, Azure does not need to).
/// Why: the emulator (Azurite) is one Node thread with a listen backlog of 511. Uncapped, a burst of concurrent calls
/// opens a new connection for each call that finds no idle one, and while that thread is busy (a save of its table
/// database blocks it for a second at ten-year size) hundreds of handshakes wait to be accepted; past 511 the kernel
/// drops the SYNs and each dropped client waits out TCP's retransmission back-off (1, 3, 7, 15 s) before it is even
/// heard. Measured: 893 listen overflows on the table port in one history-bench run and single requests waiting 7 and
/// 15 s (bench/README.md). Capped, a burst waits in this process's connection pool, first come first served, and the
/// emulator, which answers one request at a time anyway, serves it as fast as before.
/// </summary>
public static class StorageTransport
{
    /// <summary>
    /// Below Node's default keep-alive timeout (5 s): the pool closes an idle connection before the emulator does, so
    /// a call never goes out on a connection the server is closing.
    /// </summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);

    /// <summary>A transport with at most <paramref name="maxConnectionsPerEndpoint"/> connections to each host and port.</summary>
    /// <param name="maxConnectionsPerEndpoint">The cap, per host and port.</param>
    /// <param name="connected">Called for each connection opened (tests count them).</param>
    public static HttpClientTransport Create(int maxConnectionsPerEndpoint, Action? connected = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnectionsPerEndpoint, 1);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnectionsPerEndpoint,
            PooledConnectionIdleTimeout = IdleTimeout,
        };
        if (connected is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    connected();
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpClientTransport(handler);
    }
}
