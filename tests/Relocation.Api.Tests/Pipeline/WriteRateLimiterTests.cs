using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Relocation.Api.Pipeline;

namespace Relocation.Api.Tests.Pipeline;

public sealed class WriteRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    private WriteRateLimiter Limiter(int burst = 3, double perSecond = 1, int maxCallers = 16) =>
        new(Options.Create(new RateLimitOptions { Burst = burst, PerSecond = perSecond, MaxCallers = maxCallers }), _time);

    [Fact]
    public void TryAcquire_BurstSpent_RefusesUntilRefilled()
    {
        var limiter = Limiter();

        var first = Enumerable.Range(0, 4).Select(_ => limiter.TryAcquire("a", out TimeSpan _)).ToArray();
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterOneSecond = limiter.TryAcquire("a", out _);

        Assert.Equal([true, true, true, false], first);
        Assert.True(afterOneSecond);
    }

    [Fact]
    public void TryAcquire_OneCallerFlooding_DoesNotLimitAnother()
    {
        var limiter = Limiter();
        for (var i = 0; i < 100; i++)
        {
            limiter.TryAcquire("flooder", out _);
        }

        Assert.True(limiter.TryAcquire("other", out _));
    }

    [Fact]
    public void TryAcquire_ManyCallers_NeverTracksMoreThanTheLimit()
    {
        var limiter = Limiter(maxCallers: 16);

        var admitted = Enumerable.Range(0, 1000).Count(i => limiter.TryAcquire($"caller-{i}", out _));
        _time.Advance(TimeSpan.FromSeconds(10));
        var laterAdmitted = limiter.TryAcquire("late", out _);

        Assert.Equal(16, admitted);
        Assert.True(limiter.TrackedCallers <= 16);
        Assert.True(laterAdmitted);
    }
}
