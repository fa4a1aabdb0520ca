using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Relocation.Domain.Common;
using Relocation.LocalHost.Fund;
using Relocation.Storage.Tables;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary>
/// The local host's stand-in for the <c>SealYears</c> timer, run in-process as the host runs a hosted service: a pass at
/// start, the next six hours later, a failed pass logged and retried (the host lives on), a stop that ends it cleanly.
/// </summary>
public sealed class YearSealServiceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Period = TimeSpan.FromHours(6);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _log = new();

    [Fact]
    public async Task StartAsync_HostStarts_EveryArchiveSealsOnceAsABackgroundJobThenStopsCleanly()
    {
        var days = new CountingArchive(2);
        var statistics = new CountingArchive(0);
        using var service = new YearSealService([days, statistics], _time, _log);

        await service.StartAsync(CancellationToken.None);
        await statistics.Called.Task.WaitAsync(Wait);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(1, days.Calls);
        Assert.Equal(1, statistics.Calls);
        // The archives scan whole partitions of past years: the storage design guard must see a background job's reads.
        Assert.Equal("background:year-seal", days.Scope);
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(": 2", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task StopAsync_DuringAPass_EndsWithoutLoggingAFailure()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new Mock<IYearArchive>(MockBehavior.Strict);
        slow.Setup(a => a.SealClosedYearsAsync(It.IsAny<CancellationToken>())).Returns(async (CancellationToken token) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return 0;
        });
        using var service = new YearSealService([slow.Object], _time, _log);

        await service.StartAsync(CancellationToken.None);
        await started.Task.WaitAsync(Wait);
        await service.StopAsync(CancellationToken.None).WaitAsync(Wait);

        // The host stopping cancels the pass: that is not a failure of the job.
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task ExecuteAsync_AnArchiveThrows_FailureLoggedByTypeAndTheNextPassRunsAfterSixHours()
    {
        var days = new CountingArchive(1, new InvalidOperationException("Azurite is restarting; protected detail"));
        var statistics = new CountingArchive(0);
        using var service = new YearSealService([days, statistics], _time, _log);

        await service.StartAsync(CancellationToken.None);
        var failure = await _log.Warned.Task.WaitAsync(Wait);
        Assert.False(service.ExecuteTask!.IsCompleted);

        // The service waits out its period on the fake clock; the wait may begin just after the warning, so advance until
        // the second pass has run (each step fires at most the one pending wait).
        using var deadline = new CancellationTokenSource(Wait);
        while (days.Calls < 2)
        {
            _time.Advance(Period);
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }

        await service.StopAsync(CancellationToken.None);

        Assert.Contains("year-seal", failure.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), failure.Message, StringComparison.Ordinal);
        // Rule 4: the exception's type only, never its message (nor a stack trace: no exception handed to the logger).
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("protected detail", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Exception is not null);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RunPassAsync_FirstArchiveThrows_LaterArchivesStillRunAndThePassFails()
    {
        // The fund's days failing must not leave the statistics lines unsealed until the next pass, six hours later.
        var days = new CountingArchive(0, new InvalidOperationException("fund days; protected detail"));
        var statistics = new CountingArchive(3);
        using var service = new YearSealService([days, statistics], _time, _log);

        await service.StartAsync(CancellationToken.None);
        await statistics.Called.Task.WaitAsync(Wait);
        var passFailed = await _log.WaitForAsync(e => e.Message.Contains(nameof(YearSealFailedException), StringComparison.Ordinal)).WaitAsync(Wait);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(1, days.Calls);
        Assert.Equal(1, statistics.Calls);
        // Each failed archive logged by its exception's type, then the pass logged as failed.
        var archiveFailed = Assert.Single(_log.Entries, e => e.Message.Contains("archive " + nameof(CountingArchive), StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, archiveFailed.Level);
        Assert.Contains(nameof(InvalidOperationException), archiveFailed.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, passFailed.Level);
        Assert.Contains("year-seal", passFailed.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(": 3", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("protected detail", StringComparison.Ordinal));
    }

    /// <summary>Seals <paramref name="sealedYears"/> on every call, or throws <paramref name="firstCallThrows"/> on the first.</summary>
    private sealed class CountingArchive(int sealedYears, Exception? firstCallThrows = null) : IYearArchive
    {
        private int _calls;

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => Volatile.Read(ref _calls);

        public string? Scope { get; private set; }

        public Task<int> SealClosedYearsAsync(CancellationToken cancellationToken)
        {
            Scope = TableQueryLog.Scope;
            var calls = Interlocked.Increment(ref _calls);
            Called.TrySetResult();
            return calls == 1 && firstCallThrows is not null ? Task.FromException<int>(firstCallThrows) : Task.FromResult(sealedYears);
        }
    }

    private sealed record Entry(LogLevel Level, string Message, Exception? Exception);

    private sealed class ListLogger : ILogger<YearSealService>
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyCollection<Entry> Entries => _entries;

        public TaskCompletionSource<Entry> Warned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The first entry, logged already or later, that matches.</summary>
        public async Task<Entry> WaitForAsync(Func<Entry, bool> match)
        {
            while (true)
            {
                var entry = _entries.FirstOrDefault(match);
                if (entry is not null)
                {
                    return entry;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10));
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new Entry(logLevel, formatter(state, exception), exception);
            _entries.Enqueue(entry);
            if (logLevel == LogLevel.Warning)
            {
                Warned.TrySetResult(entry);
            }
        }
    }
}
