using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Relocation.LocalHost.Dependencies;

namespace Relocation.EndToEnd.Tests.Dependencies;

/// <summary>
/// <see cref="SupervisedProcess.FreePort"/>: a host restarted on its port after kill -9 must find it free, so the port
/// must not be one the kernel hands to outgoing connections (a CI run failed on "address already in use" that way).
/// </summary>
public sealed class SupervisedProcessTests
{
    [Fact]
    public void FreePort_CalledManyTimes_DistinctListenablePortsBelowTheEphemeralRange()
    {
        // Arrange
        var low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], CultureInfo.InvariantCulture);

        // Act
        var ports = Enumerable.Range(0, 50).Select(_ => SupervisedProcess.FreePort()).ToList();

        // Assert
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, 1_024, low - 1));
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
