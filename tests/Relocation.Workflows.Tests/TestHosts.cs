using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;

namespace Relocation.Workflows.Tests;

/// <summary>
/// Starts a <see cref="DurableTaskTestHost"/> on a port that is free. Left to itself the host picks a random port in
/// 30000–40000 without checking it, which is inside Linux's ephemeral range: under a parallel run an outgoing connection
/// can already hold it and the start fails with "address already in use" (seen in CI). The kernel's free port is
/// still only free when asked, so a start that loses that race retries on another one.
/// </summary>
internal static class TestHosts
{
    private const int Attempts = 5;

    public static async Task<DurableTaskTestHost> StartAsync(Action<DurableTaskRegistry> registry, DurableTaskTestHostOptions? options = null)
    {
        options ??= new DurableTaskTestHostOptions();
        for (var attempt = 1; ; attempt++)
        {
            options.Port = FreePort();
            try
            {
                return await DurableTaskTestHost.StartAsync(registry, options);
            }
            catch (IOException e) when (attempt < Attempts && IsAddressInUse(e))
            {
                // Another process took the port between the probe and the bind: try the next one.
            }
        }
    }

    private static bool IsAddressInUse(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
