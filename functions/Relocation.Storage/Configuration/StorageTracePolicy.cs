using Azure.Core;
using Azure.Core.Pipeline;

namespace Relocation.Storage.Configuration;

/// <summary>
/// For the load bench's counts (bench/README.md, <c>--storage-trace</c>): one line per storage request as its client saw
/// it, "storage-trace &lt;client&gt; &lt;start UTC&gt; &lt;ms&gt; &lt;method&gt; &lt;path&gt;" (the path only: no query string, no data).
/// Counted on the client side because the emulator's own debug log stamps its lines late when it falls behind.
/// </summary>
public sealed class StorageTracePolicy(string client, Action<string> trace) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = DateTime.UtcNow;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Trace(message, start, watch);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = DateTime.UtcNow;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            Trace(message, start, watch);
        }
    }

    private void Trace(HttpMessage message, DateTime start, System.Diagnostics.Stopwatch watch) =>
        trace(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"storage-trace {client} {start:HH:mm:ss.fff} {watch.Elapsed.TotalMilliseconds:F0} {message.Request.Method} {message.Request.Uri.Path}"));
}
