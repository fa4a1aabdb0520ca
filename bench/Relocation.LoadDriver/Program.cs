using System.Diagnostics;
using System.Globalization;
using Relocation.LoadDriver;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;

// Usage: dotnet run -c Release --project bench/Relocation.LoadDriver -- [--cases 50,200] [--no-request-opening] [--no-request-acceptance] [--no-request-arrival] [--acknowledged-wait] [--no-group-commit] [--poll-only] [--offers-by-get] [--claim-first] | --mail 1,50
//        dotnet run -c Release --project bench/Relocation.LoadDriver -- faults [KILLS] [--visibility 00:00:30]
//        any of them with [--port 7301 (and the next)] [--storage-port 10301 (three ports)]
var (ports, portError) = BenchPorts.Parse(args);
if (ports is null)
{
    await Console.Error.WriteLineAsync(portError);
    return 2;
}

if (args.Length > 0 && args[0] == "faults")
{
    return await Faults.RunAsync(args.Skip(1).ToArray(), ports);
}

if (args.SkipWhile(a => a != "--mail").Skip(1).FirstOrDefault() is { } mailCounts)
{
    Console.WriteLine("| concurrent requests | all mails in | seconds | request→first mail p50 ms | p95 | request→all 5 mails p50 ms | p95 | host peak MB |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var requests in mailCounts.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
    {
        var mailData = Path.Combine(Path.GetTempPath(), "relocation-bench", Guid.NewGuid().ToString("N"));
        await using (var azurite = await ports.StartAzuriteAsync(mailData))
        {
            Console.WriteLine(await MailLatency.RunAsync(azurite.ConnectionString, requests, ports, CancellationToken.None));
        }

        try
        {
            Directory.Delete(mailData, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp clean-up.
        }
    }

    return 0;
}

var caseCounts = args.SkipWhile(a => a != "--cases").Skip(1).FirstOrDefault()?.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() ?? [50, 200];
Console.WriteLine("| run | cases | seconds | cases/s | request→offers p50 ms | p95 | acceptance→hold p50 ms | p95 | peak MB | load avg |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
var workLines = new List<string>();
var openWithRequest = !args.Contains("--no-request-opening");
var acceptWithRequest = !args.Contains("--no-request-acceptance");
var arriveWithRequest = !args.Contains("--no-request-arrival");
var readAnswers = !args.Contains("--poll-only");
var acknowledgedWait = args.Contains("--acknowledged-wait");
var groupCommit = !args.Contains("--no-group-commit");
var offersByGet = args.Contains("--offers-by-get");
var claimFirst = args.Contains("--claim-first");
// --storage-log: Azurite's debug log, read after each case count: the storage operations of each side's burst (its first
// request until its last case's offers were out), by target and kind. It slows the emulator: count with it, time without.
var storageLog = args.Contains("--storage-log");
// --storage-trace: every storage request of the floor's engine, ours' engine and ours' application traced by its client
// (exact start, client time), counted per side over its burst; cheap enough to leave timings meaningful.
var storageTrace = args.Contains("--storage-trace");
var hostSettings = args.Select((a, i) => (a, i)).Where(p => p.a == "--host-env" && p.i + 1 < args.Length && args[p.i + 1].Contains('=', StringComparison.Ordinal))
    .Select(p => (args[p.i + 1][..args[p.i + 1].IndexOf('=', StringComparison.Ordinal)], args[p.i + 1][(args[p.i + 1].IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList();
if (storageTrace)
{
    hostSettings.Add(("Engine__StorageTrace", "true"));
}

Ours.HostSettings = hostSettings;
foreach (var cases in caseCounts)
{
    var data = Path.Combine(Path.GetTempPath(), "relocation-bench", Guid.NewGuid().ToString("N"));
    var debugLog = storageLog ? Path.Combine(Path.GetTempPath(), "relocation-bench", $"azurite-debug-{Guid.NewGuid():N}.log") : null;
    Ours.OutputLog = storageLog || storageTrace ? Path.Combine(Path.GetTempPath(), "relocation-bench", $"host-output-{Guid.NewGuid():N}.log") : null;
    await using (var azurite = await ports.StartAzuriteAsync(data, debugLog))
    {
        using var process = Process.GetCurrentProcess();
        Floor.Trace = storageTrace ? new System.Collections.Concurrent.ConcurrentQueue<string>() : null;
        var floor = await Floor.RunAsync(azurite.ConnectionString, cases, ports.FloorSidecar, CancellationToken.None);
        process.Refresh();
        Console.WriteLine(floor.Row(process.PeakWorkingSet64 / 1024 / 1024));
        var ours = await Ours.RunAsync(azurite.ConnectionString, cases, ports.Host, CancellationToken.None, openWithRequest, acceptWithRequest, groupCommit, arriveWithRequest, readAnswers, acknowledgedWait, offersByGet, claimFirst);
        Console.WriteLine(ours.Result.Row(ours.PeakMemoryMb));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours/floor for {cases} cases: time {ours.Result.Elapsed.TotalSeconds / floor.Elapsed.TotalSeconds:F2}, request→offers p50 {RunResult.Percentile(ours.Result.DispatchedMs, 50) / RunResult.Percentile(floor.DispatchedMs, 50):F2} p95 {RunResult.Percentile(ours.Result.DispatchedMs, 95) / RunResult.Percentile(floor.DispatchedMs, 95):F2}, acceptance→hold p95 {RunResult.Percentile(ours.Result.HeldMs, 95) / RunResult.Percentile(floor.HeldMs, 95):F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours/floor for {cases} cases: arrival→applied p95 {RunResult.Percentile(ours.Result.ArrivedMs, 95) / RunResult.Percentile(floor.ArrivedMs, 95):F2} (ours as the user sees it), time until the engine drained {(ours.Result.Drained ?? ours.Result.Elapsed).TotalSeconds / floor.Elapsed.TotalSeconds:F2}"));
        if (debugLog is not null)
        {
            var operations = StorageLog.Read(debugLog);
            foreach (var line in StorageLog.Summarise(operations, $"floor, {cases} cases", floor.Burst.From, floor.Burst.To)
                .Concat(StorageLog.Summarise(operations, $"ours, {cases} cases", ours.Result.Burst.From, ours.Result.Burst.To)))
            {
                Console.WriteLine(line);
            }

            Console.WriteLine($"storage: the debug log is {debugLog}");
        }

        if (storageTrace)
        {
            var day = DateTime.UtcNow;
            var floorTrace = Path.ChangeExtension(Ours.OutputLog!, ".floor.log");
            await File.WriteAllLinesAsync(floorTrace, Floor.Trace!);
            Console.WriteLine($"storage: the floor's trace is {floorTrace}");
            foreach (var line in StorageLog.Summarise(StorageLog.ReadTrace(Floor.Trace!, day), $"floor, {cases} cases (client trace)", floor.Burst.From, floor.Burst.To)
                .Concat(StorageLog.Summarise(StorageLog.ReadTrace(Ours.Output, day), $"ours, {cases} cases (client trace)", ours.Result.Burst.From, ours.Result.Burst.To)))
            {
                Console.WriteLine(line);
            }
        }

        workLines.Add(floor.Work?.Line("floor") ?? string.Empty);
        workLines.Add(ours.Result.Work?.Line("ours") ?? string.Empty);
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
        // Left for the OS temp clean-up.
    }
}

foreach (var line in workLines)
{
    Console.WriteLine(line);
}

return 0;
