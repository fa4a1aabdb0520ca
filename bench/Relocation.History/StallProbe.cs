using System.Diagnostics;

namespace Relocation.History;

/// <summary>
/// Watches the emulator while a route is timed: an HTTP request to Azurite's table port every 10 ms, one after the
/// other (all three services share one Node thread, so a probe that takes long means that thread was busy, e.g. saving
/// its table database), and the table database file's write time (LokiJS rewrites the whole file on each save).
/// </summary>
internal sealed class StallProbe : IAsyncDisposable
{
    /// <summary>A probe slower than this counts as a stall of the emulator's thread.</summary>
    public const double StallMs = 50;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(long Start, long End)> _stalls = [];
    private readonly List<long> _saves = [];
    private readonly Task _probe;
    private readonly Task _watch;
    private readonly long _began = Stopwatch.GetTimestamp();
    private long _ended;

    public StallProbe(int tablePort, string dataDirectory)
    {
        _probe = ProbeAsync(new Uri($"http://127.0.0.1:{tablePort}/devstoreaccount1/Tables"));
        _watch = WatchAsync(Path.Combine(dataDirectory, "__azurite_db_table__.json"));
    }

    public IReadOnlyList<(long Start, long End)> Stalls => _stalls;

    /// <summary>When each save of the table database finished (its file's write time changed).</summary>
    public IReadOnlyList<long> Saves => _saves;

    public double WatchedMs => Stopwatch.GetElapsedTime(_began, _ended == 0 ? Stopwatch.GetTimestamp() : _ended).TotalMilliseconds;

    private async Task ProbeAsync(Uri uri)
    {
        while (!_stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _http.GetAsync(uri, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // Refused or reset: counted by its time like any answer.
            }

            var end = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(start, end).TotalMilliseconds > StallMs)
            {
                lock (_stalls)
                {
                    _stalls.Add((start, end));
                }
            }

            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchAsync(string file)
    {
        var last = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
        while (!_stop.IsCancellationRequested)
        {
            var now = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;
            if (now != last)
            {
                last = now;
                _saves.Add(Stopwatch.GetTimestamp());
            }

            try
            {
                await Task.Delay(10, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ended = Stopwatch.GetTimestamp();
        await _stop.CancelAsync();
        await Task.WhenAll(_probe, _watch);
        _http.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// The emulator's stalls during one route: how many, how long in all and at most, how many table saves, and whether the
/// route's slow requests (its slowest 5 %) overlapped a stall more often than the stalls' share of the time predicts.
/// </summary>
internal sealed record StallSummary(int Count, double TotalMs, double MaxMs, int Saves, double WatchedMs, int Slow, int SlowInStall, int FastInStall, int Fast)
{
    public static StallSummary Of(StallProbe probe, IReadOnlyList<(long Start, long End)> spans)
    {
        var stalls = probe.Stalls;
        var durations = stalls.Select(s => Stopwatch.GetElapsedTime(s.Start, s.End).TotalMilliseconds).ToList();
        var ordered = spans.OrderByDescending(s => s.End - s.Start).ToList();
        var slowCount = Math.Max(1, (int)Math.Ceiling(ordered.Count * 0.05));
        bool Overlaps((long Start, long End) span) => stalls.Any(s => s.Start < span.End && s.End > span.Start);
        var slow = ordered.Take(slowCount).ToList();
        var fast = ordered.Skip(slowCount).ToList();
        return new StallSummary(stalls.Count, durations.Sum(), durations.DefaultIfEmpty(0).Max(), probe.Saves.Count, probe.WatchedMs,
            slow.Count, slow.Count(Overlaps), fast.Count(Overlaps), fast.Count);
    }

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"emulator stalls > {StallProbe.StallMs:F0} ms: {Count} ({TotalMs:F0} ms of {WatchedMs:F0}, max {MaxMs:F0}); table saves {Saves}; slowest 5 %: {SlowInStall}/{Slow} overlap a stall, the rest: {FastInStall}/{Fast}");
}
