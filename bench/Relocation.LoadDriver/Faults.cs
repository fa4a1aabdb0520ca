using System.Globalization;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;
using Relocation.Testing;
using Relocation.Testing.Faults;

namespace Relocation.LoadDriver;

/// <summary>
/// The fault-injection harness at full length (issue 10): 200 SIGKILLs of the local host by default, each printed
/// as it happens, then the table for bench/README.md. The engine's visibility timeout defaults to the host's (30 s);
/// <c>--visibility</c> sets another; <c>--storage-kill-every n</c> also SIGKILLs Azurite at every n-th kill.
/// </summary>
internal static class Faults
{
    public static async Task<int> RunAsync(string[] args, BenchPorts ports)
    {
        var kills = args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 200;
        var visibility = Option(args, "--visibility");
        var storageEvery = Option(args, "--storage-kill-every") is { } every ? int.Parse(every, CultureInfo.InvariantCulture) : 0;
        var data = Path.Combine(Path.GetTempPath(), "relocation-bench", Guid.NewGuid().ToString("N"));
        FaultReport report;
        var azurite = await ports.StartAzuriteAsync(data);
        var harness = (FaultHarness?)null;
        try
        {
            await using var host = new LocalHostProcess(azurite.ConnectionString, ports.Host);
            if (visibility is not null)
            {
                host.Environment["Engine__VisibilityTimeout"] = visibility;
            }

            await host.StartAsync();
            var started = DateTime.UtcNow;
            harness = new FaultHarness(azurite, host, line => Console.WriteLine($"{DateTime.UtcNow - started:hh\\:mm\\:ss} {line}"));
            report = await harness.RunAsync(kills, seed: 200, CancellationToken.None, storageEvery);
        }
        finally
        {
            // After a storage kill the harness runs a new emulator: stop whichever is running now.
            await (harness?.Storage ?? azurite).DisposeAsync();
        }

        Console.WriteLine();
        Console.WriteLine(report.Table());
        foreach (var loss in report.LostByEmulator)
        {
            Console.WriteLine($"LOST BY THE EMULATOR: {loss}");
        }

        foreach (var violation in report.Violations)
        {
            Console.WriteLine($"VIOLATION: {violation}");
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp clean-up.
        }

        return report.StepsLost == 0 && report.Violations.Count == 0 ? 0 : 1;
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
