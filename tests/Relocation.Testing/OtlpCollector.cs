using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Relocation.LocalHost.Azurite;

namespace Relocation.Testing;

/// <summary>One span as the local host exported it over OTLP, and the raw bytes it was sent as (for canary scans).</summary>
public sealed record CollectedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, IReadOnlyDictionary<string, string> Attributes, string RawText)
{
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// An in-memory OTLP/HTTP trace receiver on a free loopback port: point a host at it with <see cref="Environment"/> and
/// read every span it exported, as sent over the wire. Decodes just the part of the OTLP protobuf a test needs.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        Port = AzuriteServer.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public IReadOnlyCollection<CollectedSpan> Spans => _spans;

    /// <summary>What the local host needs to export its traces here, at once.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Telemetry__Exporter"] = "otlp",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    public async Task<CollectedSpan> WaitForAsync(Func<CollectedSpan, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No such span among {_spans.Count} collected: {string.Join(", ", _spans.Select(s => s.Name).Distinct())}");
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under the pending accept.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in Decode(body.ToArray()))
                {
                    _spans.Enqueue(span);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{1: scope{1: name}, 2: Span}}}
    private static IEnumerable<CollectedSpan> Decode(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var scope = Fields(scopeSpans.Bytes).Where(f => f.Number == 1).Select(f => Text(Fields(f.Bytes).FirstOrDefault(n => n.Number == 1).Bytes)).FirstOrDefault() ?? string.Empty;
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    yield return DecodeSpan(span.Bytes ?? [], scope);
                }
            }
        }
    }

    // Span{1: trace_id, 2: span_id, 4: parent_span_id, 5: name, 9: KeyValue{1: key, 2: AnyValue{1: string, 2: bool, 3: int}}}
    private static CollectedSpan DecodeSpan(byte[] span, string scope)
    {
        var fields = Fields(span).ToArray();
        string Hex(int n) => Convert.ToHexStringLower(fields.FirstOrDefault(f => f.Number == n).Bytes ?? []);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in fields.Where(f => f.Number == 9))
        {
            var parts = Fields(kv.Bytes).ToArray();
            var key = Text(parts.FirstOrDefault(p => p.Number == 1).Bytes);
            var any = Fields(parts.FirstOrDefault(p => p.Number == 2).Bytes).FirstOrDefault();
            var value = any.Number == 1 ? Text(any.Bytes) : any.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            attributes[key] = value;
        }

        return new CollectedSpan(Hex(1), Hex(2), Hex(4), Text(fields.FirstOrDefault(f => f.Number == 5).Bytes), scope, attributes, Encoding.UTF8.GetString(span));
    }

    private static string Text(byte[]? bytes) => bytes is null ? string.Empty : Encoding.UTF8.GetString(bytes);

    private readonly record struct Field(int Number, byte[]? Bytes, ulong Value);

    private static IEnumerable<Field> Fields(byte[]? message)
    {
        if (message is null)
        {
            yield break;
        }

        var i = 0;
        while (i < message.Length)
        {
            var tag = ReadVarint(message, ref i);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, null, ReadVarint(message, ref i));
                    break;
                case 1:
                    yield return new Field(number, null, BitConverter.ToUInt64(message, i));
                    i += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref i);
                    yield return new Field(number, message[i..(i + length)], 0);
                    i += length;
                    break;
                case 5:
                    yield return new Field(number, null, BitConverter.ToUInt32(message, i));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {tag & 7}.");
            }
        }
    }

    private static ulong ReadVarint(byte[] data, ref int i)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[i++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("Malformed varint.");
    }
}
