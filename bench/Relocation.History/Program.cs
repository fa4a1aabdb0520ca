using System.Diagnostics;
using System.Globalization;
using Relocation.History;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;
using Relocation.Testing;

// Usage: dotnet run -c Release --project bench/Relocation.History -- [--cases 5000] [--states 200] [--capacity 2000]
//        [--postings 100000] [--audit 1000000] [--requests 100] [--clients 10] [--stores empty,ten-year] [--port 7201] [--storage-port 10201 (three ports)] [--query-log FILE] [--keep-data 1]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Length)
    .ToDictionary(p => p.a[2..], p => args[p.i + 1], StringComparer.Ordinal);
int Flag(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var size = new HistorySize(Flag("cases", 5000), Flag("states", 200), Flag("capacity", 2000), Flag("postings", 100_000), Flag("audit", 1_000_000));
var clients = Flag("clients", 10);
var requests = Flag("requests", 100);
var port = Flag("port", 0);
var stores = (options.TryGetValue("stores", out var s) ? s : "empty,ten-year").Split(',');
var asOf = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"History bench: {size.Cases} cases, {size.States} States, {size.Capacity} capacity rows, {size.Postings} postings, {size.Audit} audit entries; {clients} clients, {requests} requests per route."));

var results = new Dictionary<string, IReadOnlyList<RouteResult>>(StringComparer.Ordinal);
foreach (var store in stores)
{
    var data = Path.Combine(Path.GetTempPath(), "relocation-bench", Guid.NewGuid().ToString("N"));
    var storagePort = Flag("storage-port", 0);
    await using (var azurite = storagePort == 0
        ? await AzuriteServer.StartOnFreePortsAsync(RepositoryPaths.Root, data, TextWriter.Null, CancellationToken.None)
        : await AzuriteServer.StartAsync(RepositoryPaths.Root, data, storagePort, storagePort + 1, storagePort + 2, TextWriter.Null, CancellationToken.None))
    {
        Console.WriteLine($"[{store}] writing the store");
        var generator = new Generator(azurite.ConnectionString, Console.Out);
        var watch = Stopwatch.StartNew();
        await generator.WorkingSetAsync(size.States, CancellationToken.None);
        if (store == "ten-year")
        {
            await generator.HistoryAsync(size, CancellationToken.None);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{store}] store written in {watch.Elapsed.TotalSeconds:F0} s; starting the host"));
        await using var host = new LocalHostProcess(azurite.ConnectionString, port == 0 ? null : port);
        host.Environment["Logging__LogLevel__Default"] = "Warning";
        // The bench measures latency, not the write limit a single caller meets.
        host.Environment["RateLimit__Burst"] = "1000000";
        host.Environment["RateLimit__PerSecond"] = "1000000";
        if (options.TryGetValue("query-log", out var queryLog))
        {
            // The host's Table reads, classified (docs/storage.md): what each route costs, not only how long it takes.
            host.Environment["StorageDiagnostics__QueryLog"] = $"{queryLog}.{store}";
        }
        await host.StartAsync(CancellationToken.None);
        var load = new Load(host.Http, clients, requests, () => new StallProbe(azurite.TablePort, data));
        var walk = await load.FirstAuditWalkAsync(CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{store}] the host's first audit walk (background) recorded its result {walk.TotalSeconds:F1} s after start"));
        // The walk's result is a table write: the emulator saves it at its next 5 s tick. That save belongs to the host's
        // start, not to the first route timed (which it used to land in: 230 ms at ten years), so the timing starts after it.
        var settled = await TableDatabaseSavedAsync(data, TimeSpan.FromSeconds(6));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{store}] the emulator saved the start's writes {settled.TotalSeconds:F1} s later; timing starts now"));
        var loadBefore = await File.ReadAllTextAsync("/proc/loadavg");
        Console.WriteLine($"[{store}] emulator's table database: {TableDatabaseMegabytes(data)}");
        results[store] = await load.RunAsync(asOf, CancellationToken.None);
        var loadAfter = await File.ReadAllTextAsync("/proc/loadavg");
        Console.WriteLine($"[{store}] load average before: {string.Join(' ', loadBefore.Split(' ').Take(3))}, after: {string.Join(' ', loadAfter.Split(' ').Take(3))}");
        foreach (var r in results[store])
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Route}: p50 {r.P50:F1} ms, p95 {r.P95:F1} ms ({r.Milliseconds.Count} requests, {r.Throttled} throttled)"));
            Console.WriteLine($"    {r.Stalls}");
        }
    }

    Console.WriteLine($"[{store}] emulator's table database after the load: {TableDatabaseMegabytes(data)}");
    if (options.ContainsKey("keep-data"))
    {
        Console.WriteLine($"[{store}] data kept in {data}");
        continue;
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

if (results.TryGetValue("empty", out var empty) && results.TryGetValue("ten-year", out var tenYear))
{
    Console.WriteLine();
    Console.WriteLine("| route | empty p50 ms | empty p95 ms | ten-year p50 ms | ten-year p95 ms | p95 ten-year ÷ empty |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var e in empty)
    {
        var t = tenYear.Single(r => r.Route == e.Route);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Route} | {e.P50:F1} | {e.P95:F1} | {t.P50:F1} | {t.P95:F1} | {t.P95 / e.P95:F2} |"));
    }
}

return 0;

static async Task<TimeSpan> TableDatabaseSavedAsync(string data, TimeSpan atMost)
{
    // LokiJS writes a temporary file and renames it over this one: a new write time is a finished save.
    var file = Path.Combine(data, "__azurite_db_table__.json");
    var before = File.GetLastWriteTimeUtc(file);
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed < atMost && File.GetLastWriteTimeUtc(file) == before)
    {
        await Task.Delay(50);
    }

    return watch.Elapsed;
}

static string TableDatabaseMegabytes(string data)
{
    // LokiJS keeps every table in this one file and rewrites it whole on each save (docs/storage.md).
    var file = new FileInfo(Path.Combine(data, "__azurite_db_table__.json"));
    return file.Exists ? string.Create(CultureInfo.InvariantCulture, $"{file.Length / 1e6:F1} MB") : "absent";
}
