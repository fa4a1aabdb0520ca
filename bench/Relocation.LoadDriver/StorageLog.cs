using System.Globalization;
using System.Text.RegularExpressions;

namespace Relocation.LoadDriver;

/// <summary>
/// Counts the storage operations Azurite served in a window (<c>--storage-log</c>), read from its debug log: each
/// request's arrival, its operation (Azurite's own name: <c>Table_InsertEntity</c>, <c>Messages_Dequeue</c>, …), what it
/// touched (table, queue or container; the engine's task hubs by their prefix) and its time inside the emulator. Counts,
/// not timings, decide on a shared machine; the log itself slows the emulator, so a logged run's timings are not figures.
/// </summary>
internal static partial class StorageLog
{
    /// <summary>One request as Azurite logged it.</summary>
    internal sealed record Operation(DateTime At, string Target, string Name, double EmulatorMs);

    public static IReadOnlyList<Operation> Read(string path)
    {
        var arrived = new Dictionary<string, (DateTime At, string Target)>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var operations = new List<Operation>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            // "<ISO time> <request id> <level>: <source>: <message>"
            var first = line.IndexOf(' ', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
            if (second < 0 || second - first < 30)
            {
                continue;
            }

            var id = line[(first + 1)..second];
            if (line.Contains("RequestMethod=", StringComparison.Ordinal) && RequestPattern().Match(line) is { Success: true } request
                && DateTime.TryParse(line[..first], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            {
                arrived[id] = (at, Target(request.Groups["url"].Value));
            }
            else if (line.Contains("DispatchMiddleware: Operation=", StringComparison.Ordinal))
            {
                names[id] = line[(line.IndexOf("Operation=", StringComparison.Ordinal) + "Operation=".Length)..].Trim();
            }
            else if (line.Contains("End response. TotalTimeInMS=", StringComparison.Ordinal) && arrived.Remove(id, out var start))
            {
                var total = TotalPattern().Match(line);
                operations.Add(new Operation(start.At, start.Target, names.Remove(id, out var name) ? name : "?",
                    total.Success ? double.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) : 0));
            }
        }

        return operations;
    }

    /// <summary>
    /// The storage requests as their clients traced them (<c>--storage-trace</c>: "storage-trace &lt;client&gt; &lt;start UTC&gt;
    /// &lt;ms&gt; &lt;method&gt; &lt;path&gt;", <c>Relocation.Storage.Configuration.StorageTracePolicy</c>): the start is taken
    /// where the request is made, so it is exact even when the emulator falls behind; the time is the client's.
    /// </summary>
    public static IReadOnlyList<Operation> ReadTrace(IEnumerable<string> lines, DateTime day)
    {
        var operations = new List<Operation>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[0] != "storage-trace"
                || !TimeSpan.TryParseExact(fields[2], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var at)
                || !double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                continue;
            }

            operations.Add(new Operation(day.Date + at, $"{fields[1]}:{Target("http://127.0.0.1" + fields[5])}", fields[4], ms));
        }

        return operations;
    }

    /// <summary>The lines printed for one side's window: totals, then each (target, operation) by count.</summary>
    public static IEnumerable<string> Summarise(IReadOnlyList<Operation> operations, string side, DateTime from, DateTime to, int top = 30)
    {
        var inWindow = operations.Where(o => o.At >= from && o.At <= to).ToList();
        var seconds = Math.Max(0.001, (to - from).TotalSeconds);
        yield return string.Create(CultureInfo.InvariantCulture,
            $"storage, {side}: {inWindow.Count} operations in {seconds:F1} s ({inWindow.Count / seconds:F0}/s), {inWindow.Sum(o => o.EmulatorMs):F0} ms in all; by target and operation (count, ms p50 / p95: the emulator's from its log, the client's from the trace):");
        foreach (var group in inWindow.GroupBy(o => (o.Target, o.Name)).OrderByDescending(g => g.Count()).Take(top))
        {
            var ms = group.Select(o => o.EmulatorMs).ToList();
            yield return string.Create(CultureInfo.InvariantCulture,
                $"storage, {side}:   {group.Key.Target} {group.Key.Name} {group.Count()} ({RunResult.Percentile(ms, 50):F0} / {RunResult.Percentile(ms, 95):F0})");
        }
    }

    /// <summary>
    /// What a request touched: <c>engine:&lt;part&gt;</c> for a task hub's tables, queues and leases (<c>FloorHub…</c> and
    /// <c>RelocationHub…</c> apart only by which run the window belongs to), else the table, queue or container's name.
    /// </summary>
    internal static string Target(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : url;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        // After the account's segment (the emulator's URLs carry it; the client's path may or may not).
        var account = segments.FindIndex(x => x.Equals("devstoreaccount1", StringComparison.OrdinalIgnoreCase));
        var name = account + 1 < segments.Count ? segments[account + 1] : "(account)";
        var cut = name.IndexOfAny(['(', '?']);
        name = cut >= 0 ? name[..cut] : name;
        foreach (var hub in (string[])["floorhub", "relocationhub"])
        {
            if (name.StartsWith(hub, StringComparison.OrdinalIgnoreCase))
            {
                var part = name[hub.Length..].TrimStart('-');
                // Control queues by kind, not by partition.
                return "engine:" + ControlPartition().Replace(part.Length == 0 ? "(hub)" : part.ToLowerInvariant(), "control");
            }
        }

        return name;
    }

    [GeneratedRegex(@"RequestMethod=(?<method>\S+) RequestURL=(?<url>\S+)")]
    private static partial Regex RequestPattern();

    [GeneratedRegex(@"TotalTimeInMS=([0-9.]+)")]
    private static partial Regex TotalPattern();

    [GeneratedRegex(@"^control-\d+$")]
    private static partial Regex ControlPartition();
}
