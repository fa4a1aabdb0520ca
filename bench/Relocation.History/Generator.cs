using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Storage;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.History;

/// <summary>How much history the ten-year store holds (each a flag of the bench).</summary>
internal sealed record HistorySize(int Cases, int States, int Capacity, int Postings, int Audit);

/// <summary>
/// Writes a store directly through the repositories, as the application writes it (same tables, same keys, same
/// indexes): the working set both stores share (the register, each State's current capacity), and for the ten-year
/// store the history on top of it. Audit entries are inserted in batches of 100 in the audit log's row format (the
/// chain of past months is not re-hashed: the routes measured never walk it); everything else goes through the
/// repository that owns it.
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
            await register.SaveAsync(State.Register(code, new StateInput(code + " (bench)", RegionalGroup.WesternEuropeanOther, ["en"], true, true,
                [new FocalPointInput("Desk", "desk@example.org", "+00 70 000 0000")])), null, token);
            await capacities.AddAsync(Capacity.Register(Guid.NewGuid().ToString("N"), code, Terms(DateOnly.FromDateTime(Now.UtcDateTime).AddYears(-1), DateOnly.FromDateTime(Now.UtcDateTime).AddYears(3)), Now), token);
        });
    }

    public async Task HistoryAsync(HistorySize size, CancellationToken ct)
    {
        await Timed("capacity (expired, over ten years)", () => ExpiredCapacityAsync(size, ct));
        await Timed($"{size.Cases} closed cases", () => CasesAsync(size, ct));
        await Timed($"{size.Postings} postings", () => PostingsAsync(size.Postings, ct));
        await Timed($"{size.Audit} audit entries", () => AuditAsync(size.Audit, ct));
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
            c.RecordResponse(asked[0], new ResponseInput(asked[0], OfferDecision.Offer, 1, DateOnly.FromDateTime(at.UtcDateTime), null, null), at.AddHours(2));
            c.RecordResponse(asked[1], new ResponseInput(asked[1], OfferDecision.Decline, null, null, null, "No place"), at.AddHours(3));
            c.Cancel("Closed (bench history)", at.AddDays(3));
            await relocations.AddAsync(c, token);
        });
    }

    /// <summary>Pledges and the receipts that settle them, dated over ten years in order, through the ledger.</summary>
    private async Task PostingsAsync(int count, CancellationToken ct)
    {
        var ledger = _services.GetRequiredService<IFundLedger>();
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        var donors = StateCodes(20);
        for (var i = 0; i < count; i += 2)
        {
            var date = today.AddDays(-3650 + (int)(i * 3640L / Math.Max(1, count)));
            var donor = donors[i % donors.Count];
            var pledge = FundInput.Pledge(new PledgeInput(donor, new Relocation.Domain.Fund.MoneyInput(10_000m, "EUR"), 10_000m, null, date, "bench"), today);
            var pledged = await ledger.PostAsync(pledge, $"bench-pledge-{i}", ct);
            if (i + 1 < count)
            {
                var receipt = FundInput.Receipt(new ReceiptInput(donor, pledged.Posting.Id, new Relocation.Domain.Fund.MoneyInput(10_000m, "EUR"), 10_000m, null, date, "bench"), today);
                await ledger.PostAsync(receipt, $"bench-receipt-{i}", ct);
            }

            if (i % 2000 == 0 && i > 0)
            {
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {i} postings"));
            }
        }
    }

    /// <summary>Ten years of audit entries, one partition per month as the log keeps them, inserted in batches of 100.</summary>
    private async Task AuditAsync(int count, CancellationToken ct)
    {
        var table = _services.GetRequiredService<StorageClients>().Table(TableNames.Audit);
        var months = 120;
        var perMonth = Math.Max(1, count / months);
        var written = 0L;
        await Parallel.ForEachAsync(Enumerable.Range(1, months), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (m, token) =>
        {
            // Months before the current one only: this month's chain is the live log's, written by the host.
            var month = new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-m);
            var partition = month.ToString("yyyyMM", CultureInfo.InvariantCulture);
            for (var start = 1; start <= perMonth; start += 100)
            {
                var batch = Enumerable.Range(start, Math.Min(100, perMonth - start + 1)).Select(seq => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(partition, (long.MaxValue - seq).ToString("D19", CultureInfo.InvariantCulture))
                    {
                        ["Sequence"] = (long)seq, ["PreviousHash"] = "bench", ["Hash"] = "bench", ["At"] = month.AddSeconds(seq),
                        ["Subject"] = "vwu-" + (seq % 7).ToString(CultureInfo.InvariantCulture), ["SubjectName"] = "VWU officer", ["Role"] = "Vwu.Officer",
                        ["Action"] = "GET /api/relocations/{id}", ["Resource"] = "relocations/bench", ["Status"] = 200, ["CorrelationId"] = Guid.NewGuid().ToString("N"),
                    })).ToList();
                batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "head") { ["Sequence"] = (long)Math.Min(perMonth, start + 99), ["Hash"] = "bench" }));
                if (batch.Count > 100)
                {
                    await table.SubmitTransactionAsync(batch.Take(100), token);
                    await table.SubmitTransactionAsync(batch.Skip(100), token);
                }
                else
                {
                    await table.SubmitTransactionAsync(batch, token);
                }

                Interlocked.Add(ref written, batch.Count - 1);
            }
        });
    }

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
