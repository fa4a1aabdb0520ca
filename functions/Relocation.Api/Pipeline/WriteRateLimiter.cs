using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Relocation.Api.Pipeline;

/// <summary>How fast one caller may write: a token bucket per caller.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>Writes a caller may make at once after a quiet spell.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 30;

    /// <summary>Writes per second a caller earns back.</summary>
    [Range(0.001, 1_000_000)]
    public double PerSecond { get; set; } = 2;

    /// <summary>Callers tracked at once; the memory of the limiter never grows beyond this many small buckets.</summary>
    [Range(16, 10_000_000)]
    public int MaxCallers { get; set; } = 50_000;
}

/// <summary>
/// Per-caller token buckets for write routes, in the process's memory. Bounded: when the table is full, buckets that
/// have refilled (their caller has been quiet) are dropped; if none has, a new caller is refused until one has, so no
/// flood of identities can grow it. In Azure each instance limits on its own: the limit is per instance, which still
/// bounds what one caller can write.
/// </summary>
public sealed class WriteRateLimiter(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly RateLimitOptions _options = options.Value;
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int TrackedCallers
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one write for <paramref name="caller"/>; when none is left, how long until one is.</summary>
    public bool TryAcquire(string caller, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_buckets.TryGetValue(caller, out var bucket))
            {
                if (_buckets.Count >= _options.MaxCallers && !Prune(now))
                {
                    retryAfter = TimeSpan.FromSeconds(1);
                    return false;
                }

                bucket = new Bucket { Tokens = _options.Burst, UpdatedAt = now };
                _buckets[caller] = bucket;
            }

            var elapsed = time.GetElapsedTime(bucket.UpdatedAt, now).TotalSeconds;
            bucket.Tokens = Math.Min(_options.Burst, bucket.Tokens + (elapsed * _options.PerSecond));
            bucket.UpdatedAt = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) / _options.PerSecond)));
            return false;
        }
    }

    // Drops every bucket that would be full by now: forgetting such a caller changes nothing for it.
    private bool Prune(long now)
    {
        var full = _buckets.Where(b => b.Value.Tokens + (time.GetElapsedTime(b.Value.UpdatedAt, now).TotalSeconds * _options.PerSecond) >= _options.Burst)
            .Select(b => b.Key).ToList();
        foreach (var key in full)
        {
            _buckets.Remove(key);
        }

        return full.Count > 0;
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long UpdatedAt { get; set; }
    }
}
