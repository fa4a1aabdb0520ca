using System.Globalization;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;
using Relocation.Testing;
using Relocation.Testing.Faults;

namespace Relocation.LoadDriver;

/// <summary>
/// The fault-injection harness at full length (issue 10): 200 SIGKILLs of the local host by default, each printed
/// as it happens, then the table for bench/README.md. The engine's visibility timeout defaults to the host's (30 s);
/// <c>--visibility</c> sets another.
/// </summary>
internal static class Faults
{
    public static async Task<int> RunAsync(string[] args)
    {
        var kills = args.Length > 0 && int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 200;
        var visibility = args.SkipWhile(a => a != "--visibility").Skip(1).FirstOrDefault();
        var data = Path.Combine(Path.GetTempPath(), "relocation-bench", Guid.NewGuid().ToString("N"));
        FaultReport report;
        await using (var azurite = await AzuriteServer.StartOnFreePortsAsync(RepositoryPaths.Root, data, TextWriter.Null, CancellationToken.None))
        {
            await using var host = new LocalHostProcess(azurite.ConnectionString);
            if (visibility is not null)
            {
                host.Environment["Engine__VisibilityTimeout"] = visibility;
            }

            await host.StartAsync();
            var started = DateTime.UtcNow;
            report = await new FaultHarness(azurite, host, line => Console.WriteLine($"{DateTime.UtcNow - started:hh\\:mm\\:ss} {line}")).RunAsync(kills, seed: 200, CancellationToken.None);
        }

        Console.WriteLine();
        Console.WriteLine(report.Table());
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
}
