using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Storage;
using Relocation.Storage.Audit;
using Relocation.Storage.Configuration;
using Relocation.Storage.Fund;
using Relocation.Storage.Tables;

namespace Relocation.History;

/// <summary>How much history the ten-year store holds (each a flag of the bench).</summary>
internal sealed record HistorySize(int Cases, int States, int Capacity, int Postings, int Audit);

/// <summary>
/// Writes a store directly through the repositories, as the application writes it (same tables, same keys, same
/// indexes): the working set both stores share (the register, each State's current capacity), and for the ten-year
/// store the history on top of it. Audit entries go through <see cref="AuditArchive"/> as sealed months; everything
/// else goes through the repository that owns it.
/// </summary>
internal sealed class Generator(string connectionString, TextWriter log)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly ServiceProvider _services = Build(connectionString);

    public static IReadOnlyList<string> StateCodes(int count) =>
        // The register's ISO codes in a fixed order, the States the load uses first.
        new[] { "NOR", "SWE", "FIN", "DNK", "NLD" }.Concat(AllCountries().Except(["NOR", "SWE", "FIN", "DNK", "NLD"], StringComparer.Ordinal)).Take(count).ToArray();

    public async Task WorkingSetAsync(int states, CancellationToken ct)
    {
        await _services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(ct);
        var register = _services.GetRequiredService<IStateRepository>();
        var capacities = _services.GetRequiredService<ICapacityRepository>();
        await Parallel.ForEachAsync(StateCodes(states), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (code, token) =>
        {
            await register.SaveAsync(State.Register(code, new StateCommand(code + " (bench)", RegionalGroup.WesternEuropeanOther, ["en"], true, true,
                [new FocalPointFields("Desk", "desk@example.org", "+00 70 000 0000")])), null, token);
            await capacities.AddAsync(Capacity.Register(Guid.NewGuid().ToString("N"), code, Terms(DateOnly.FromDateTime(Now.UtcDateTime).AddYears(-1), DateOnly.FromDateTime(Now.UtcDateTime).AddYears(3)), Now), token);
        });
    }

    public async Task HistoryAsync(HistorySize size, CancellationToken ct)
    {
        await Timed("capacity (expired, over ten years)", () => ExpiredCapacityAsync(size, ct));
        // What the daily capacity job has done by then: every expired row moved to the archive table.
        await Timed("the daily capacity job's archiving", () => _services.GetRequiredService<ICapacityRepository>().ListAllAsync(ct));
        await Timed($"{size.Cases} closed cases", () => CasesAsync(size, ct));
        await Timed($"{size.Postings} postings", () => PostingsAsync(size.Postings, ct));
        await Timed($"{size.Audit} audit entries", () => AuditAsync(size.Audit, ct));
        // What the year job (SealYears) has done by then: the fund's days and the cases' statistics lines of every year
        // two or more years back moved into blobs.
        await Timed("the year job's seal of closed years", async () =>
        {
            foreach (var archive in _services.GetServices<IYearArchive>())
            {
                await archive.SealClosedYearsAsync(ct);
            }
        });
    }

    private async Task Timed(string what, Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  wrote {what} in {watch.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task ExpiredCapacityAsync(HistorySize size, CancellationToken ct)
    {
        var capacities = _services.GetRequiredService<ICapacityRepository>();
        var codes = StateCodes(size.States);
        var count = Math.Max(0, size.Capacity - codes.Count);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var from = today.AddDays(-3650 + (i * 3000 / Math.Max(1, count)));
            await capacities.AddAsync(Capacity.Register(Guid.NewGuid().ToString("N"), codes[i % codes.Count], Terms(from, from.AddDays(180)), Now.AddDays(-3650)), token);
        });
    }

    /// <summary>Closed cases over ten years: each asked three States, had one offer and was cancelled or relocated elsewhere.</summary>
    private async Task CasesAsync(HistorySize size, CancellationToken ct)
    {
        var relocations = _services.GetRequiredService<IRelocationRepository>();
        var codes = StateCodes(size.States);
        await Parallel.ForEachAsync(Enumerable.Range(0, size.Cases), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var at = Now.AddDays(-3650 + (i * 3640.0 / size.Cases));
            var c = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts(
                string.Create(CultureInfo.InvariantCulture, $"ICC-01/{i % 30:D2}-01/{i % 97:D2}"), string.Create(CultureInfo.InvariantCulture, $"H-{i:D5}"),
                RelocationKind.TemporaryRelocation, RelocationPriority.Urgent, new Household(1 + (i % 3), i % 2), new Needs(["en"], i % 5 == 0)), at, "Vwu.Officer", DateOnly.FromDateTime(at.UtcDateTime));
            var asked = Enumerable.Range(0, 3).Select(k => codes[(i + k) % codes.Count]).ToArray();
            c.StartRound(1, [.. asked.Select(s => new AskedState(s, "cap-" + s, false, 1000))], at, at.AddHours(72));
            c.RecordResponse(asked[0], new ResponseCommand(asked[0], OfferDecision.Offer, 1, DateOnly.FromDateTime(at.UtcDateTime), null, null), at.AddHours(2));
            c.RecordResponse(asked[1], new ResponseCommand(asked[1], OfferDecision.Decline, null, null, null, "No place"), at.AddHours(3));
            c.Cancel("Closed (bench history)", at.AddDays(3));
            await relocations.AddAsync(c, token);
        });
    }

    /// <summary>
    /// Pledges and the receipts that settle them, dated over ten years in order, through the ledger's import: the rows
    /// posting each in turn would leave (slots, documents, donor and day rows, the head; the full segments' blobs and key
    /// map as the seal job leaves them a week on; tested equal to posting one by one in <c>TableFundLedgerTests</c>),
    /// written in transactions of 100 instead of ~10 round trips a posting.
    /// </summary>
    private async Task PostingsAsync(int count, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var donors = StateCodes(20);
        var postings = new List<(FundCommand, string)>(count);
        for (var i = 0; i < count; i += 2)
        {
            var date = today.AddDays(-3650 + (int)(i * 3640L / Math.Max(1, count)));
            var donor = donors[i % donors.Count];
            postings.Add((FundCommands.Pledge(new PledgeCommand(donor, new Relocation.Domain.Fund.MoneyFields(10_000m, "EUR"), 10_000m, null, date, "bench"), today), $"bench-pledge-{i}"));
            if (i + 1 < count)
            {
                postings.Add((FundCommands.Receipt(new ReceiptCommand(donor, Posting.IdFor($"bench-pledge-{i}"), new Relocation.Domain.Fund.MoneyFields(10_000m, "EUR"), 10_000m, null, date, "bench"), today), $"bench-receipt-{i}"));
            }
        }

        await _services.GetRequiredService<IFundLedgerImport>().ImportAsync(postings, ct);
    }

    /// <summary>
    /// Ten years of audit entries as the log keeps them after ten years: every month before this one sealed into one
    /// blob (hash-chained, through <see cref="AuditArchive"/>, as the anchor job leaves them; the previous month too, as
    /// it is once it has been over for a day). This month's chain is the live log's, written by the host.
    /// </summary>
    private async Task AuditAsync(int count, CancellationToken ct)
    {
        var archive = _services.GetRequiredService<AuditArchive>();
        var months = 120;
        var perMonth = Math.Max(1, count / months);
        var thisMonth = new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(1, months), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (m, token) =>
        {
            var month = thisMonth.AddMonths(-m);
            await archive.WriteSealedMonthAsync(month.ToString("yyyyMM", CultureInfo.InvariantCulture), Enumerable.Range(1, perMonth).Select(seq => Entry(month, seq, perMonth)), token);
        });
    }

    private static Relocation.Domain.Audit.AuditEntry Entry(DateTimeOffset month, int seq, int perMonth) =>
        new(month.AddSeconds(seq * 2_500_000.0 / perMonth), "vwu-" + (seq % 7).ToString(CultureInfo.InvariantCulture), "VWU officer", "Vwu.Officer", null,
            "GET /api/relocations/{id}", "relocations/bench", 200, Guid.NewGuid().ToString("N"));

    private static CapacityTerms Terms(DateOnly from, DateOnly until) =>
        new([RelocationKind.TemporaryRelocation, RelocationKind.WitnessRelocation], 5000, 10, ["en"], true, from, until, false);

    private static IEnumerable<string> AllCountries() =>
        Enumerable.Range(0, 26 * 26 * 26).Select(n => new string([(char)('A' + (n / 676)), (char)('A' + (n / 26 % 26)), (char)('A' + (n % 26))])).Where(IsoCodes.IsCountry);

    private static ServiceProvider Build(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataStorage"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRelocationStorage(configuration);
        return services.BuildServiceProvider();
    }
}
