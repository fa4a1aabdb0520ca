using BenchmarkDotNet.Attributes;
using Relocation.Domain.Fund;

namespace Relocation.Benchmarks;

/// <summary>
/// The ledger's rules in memory: posting (validation, entries, position update) and balance reads, current and as of a
/// past date, on a ledger of 10,000 postings. The stored ledger adds two point reads for a balance (see docs/fund.md).
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private static readonly DateOnly Start = new(2026, 1, 1);
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 28);
    private FundBook _book = new();
    private int _next;

    [Params(10_000)]
    public int Postings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _book = new FundBook();
        for (var i = 0; i < Postings; i++)
        {
            _book.Post(Command(i), $"setup-{i}", Now);
        }
    }

    [Benchmark]
    public long PostReceipt()
    {
        var i = Interlocked.Increment(ref _next);
        return _book.Post(Command(Postings + i), $"bench-{i}", Now).Posting.Sequence;
    }

    [Benchmark]
    public long BalanceNow() => _book.Position.Cash - _book.Position.Committed;

    [Benchmark]
    public long BalanceAsOfMidYear() => _book.PositionAsOf(new DateOnly(2026, 6, 30)).Cash;

    private static FundCommand Command(int i)
    {
        var date = Start.AddDays(i % 300);
        return i % 5 == 4
            ? FundCommands.Commitment(new CommitmentCommand($"r{i:D31}", 10m, Today, null), Today)
            : FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(100m, "EUR"), 100m, null, date, null), Today);
    }
}
