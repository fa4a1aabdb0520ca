using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.History;

/// <summary>
/// A host whose background passes run fast enough to watch: the audit walk every second, the relay every half second
/// against an SMTP port that refuses (each message is given up after one try), and the outbox paged by two.
/// </summary>
public sealed class QuickPassesFixture : LocalHostFixture
{
    private readonly string _refusingPort = FreePort().ToString(CultureInfo.InvariantCulture);

    // --smtp-port keeps e-mail on (the test host turns it off otherwise); a relay that is not 127.0.0.1 starts no smtp4dev.
    protected override IReadOnlyList<string> HostArguments => ["--smtp-port", _refusingPort];

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Audit__VerifyEvery"] = "00:00:01",
        ["Notifications__OutboxPageSize"] = "2",
        ["Notifications__MaxAttempts"] = "1",
        ["Notifications__PollInterval"] = "00:00:00.500",
        ["Smtp__Host"] = "127.0.0.2",
        ["Smtp__Port"] = _refusingPort,
        ["Smtp__Timeout"] = "00:00:03",
    };

    // A port nothing listens on: taken from the system, then released.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class QuickPassesCollection : ICollectionFixture<QuickPassesFixture>
{
    public const string Name = "Quick background passes";
}
