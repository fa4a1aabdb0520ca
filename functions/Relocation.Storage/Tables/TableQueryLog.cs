using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Relocation.Storage.Tables;

/// <summary>How a Table read reaches its rows: what it costs as the store grows (docs/storage.md).</summary>
public enum TableReadKind
{
    /// <summary><c>Table(PartitionKey='p',RowKey='r')</c>: one row, whatever the table holds.</summary>
    Point = 1,

    /// <summary>A query whose filter starts with <c>PartitionKey eq 'p'</c>: as large as that partition (or its page).</summary>
    Partition,

    /// <summary>Any other query: the whole table.</summary>
    Scan,
}

/// <summary>One Table read as the pipeline saw it: its kind, table, partition, page size and who asked.</summary>
public sealed record TableRead(TableReadKind Kind, string Table, string? Partition, int? Top, bool Continued, string Scope)
{
    /// <summary>One tab-separated line: scope, kind, table, partition, top, continued.</summary>
    public string ToLine() => string.Join('\t', Scope, Kind, Table, Partition ?? "-", Top?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", Continued ? "next" : "first");

    public static TableRead Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var f = line.Split('\t');
        return new TableRead(Enum.Parse<TableReadKind>(f[1]), f[2], f[3] == "-" ? null : f[3],
            f[4] == "-" ? null : int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture), f[5] == "next", f[0]);
    }
}

/// <summary>
/// A diagnostic hook on the Table client's pipeline: classifies every read (point, partition, scan) and hands it to a
/// sink. Off unless configured (<c>StorageDiagnostics:QueryLog</c>, a file path): the design guard in the contract test
/// turns it on for the host it drives. Background jobs mark themselves with <see cref="Background"/>, so a read can be
/// told apart from one an HTTP request or an activity made (those are unmarked).
/// </summary>
public sealed partial class TableQueryLog : HttpPipelinePolicy
{
    private static readonly AsyncLocal<string?> CurrentScope = new();
    private readonly Action<TableRead> _sink;

    public TableQueryLog(Action<TableRead> sink) => _sink = sink ?? throw new ArgumentNullException(nameof(sink));

    /// <summary>The scope of the reads made on this async flow: <c>request</c> unless a background job said otherwise.</summary>
    public static string Scope => CurrentScope.Value ?? "request";

    /// <summary>Marks the reads of this async flow as a background job's (a timer, a relay, a report builder).</summary>
    public static IDisposable Background(string job)
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = "background:" + job;
        return new Restore(previous);
    }

    /// <summary>A sink appending one line per read to <paramref name="path"/> (lines are written whole, under a lock).</summary>
    public static TableQueryLog ToFile(string path)
    {
        var gate = new object();
        return new TableQueryLog(read =>
        {
            lock (gate)
            {
                File.AppendAllText(path, read.ToLine() + "\n");
            }
        });
    }

    /// <summary>A sink collecting reads in memory (tests of the classifier).</summary>
    public static TableQueryLog ToList(ConcurrentQueue<TableRead> reads) => new(reads.Enqueue);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Request.Method != RequestMethod.Get || Classify(message.Request.Uri.ToUri()) is not { } read)
        {
            return;
        }

        _sink(read);
    }

    /// <summary>The read a request URI makes, or null when it is not an entity read (table listing, a write).</summary>
    public static TableRead? Classify(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var last = Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        if (PointRead().Match(last) is { Success: true } point)
        {
            return new TableRead(TableReadKind.Point, point.Groups["table"].Value, Unquote(point.Groups["pk"].Value), 1, false, Scope);
        }

        if (QueryPath().Match(last) is not { Success: true } query || query.Groups["table"].Value == "Tables")
        {
            return null;
        }

        var parameters = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var filter = parameters["$filter"] ?? string.Empty;
        var top = int.TryParse(parameters["$top"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : (int?)null;
        var continued = parameters["NextPartitionKey"] is not null || parameters["NextRowKey"] is not null;
        var partition = PartitionFilter().Match(filter);
        // "PartitionKey eq 'p' and …" narrows to one partition only when nothing is or-ed beside it.
        return partition.Success && !filter.Contains(" or ", StringComparison.OrdinalIgnoreCase)
            ? new TableRead(TableReadKind.Partition, query.Groups["table"].Value, partition.Groups["pk"].Value.Replace("''", "'", StringComparison.Ordinal), top, continued, Scope)
            : new TableRead(TableReadKind.Scan, query.Groups["table"].Value, null, top, continued, Scope);
    }

    private static string Unquote(string value) => value.Replace("''", "'", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<table>[A-Za-z][A-Za-z0-9]*)\(PartitionKey='(?<pk>(?:[^']|'')*)',\s*RowKey='(?<rk>(?:[^']|'')*)'\)$")]
    private static partial Regex PointRead();

    [GeneratedRegex(@"^(?<table>[A-Za-z][A-Za-z0-9]*)(\(\))?$")]
    private static partial Regex QueryPath();

    [GeneratedRegex(@"^\s*\(?\s*PartitionKey eq '(?<pk>(?:[^']|'')*)'")]
    private static partial Regex PartitionFilter();

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => CurrentScope.Value = previous;
    }
}
