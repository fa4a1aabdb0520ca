using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Xunit;

namespace Relocation.Testing.Fund;

/// <summary>
/// One step of a random ledger scenario, as plain numbers a property-based generator can produce: what to post
/// (<see cref="Kind"/> 0–8), for whom, how much (≤ 0 is an invalid amount), on what, and whether to reuse a key.
/// </summary>
public sealed record FundOp(int Kind, int Donor, int Amount, int Target, int Key, bool Earmarked, int Backdate);

/// <summary>What a step led to.</summary>
public sealed record FundOutcome(string Result, string? PostingId, long Sequence);

/// <summary>
/// Turns <see cref="FundOp"/>s into commands against any ledger (the in-memory book or the table ledger) and checks
/// what can be checked per step: replays answer the first posting, a reused key with other content is a 409.
/// </summary>
public sealed class FundScenario
{
    public static readonly DateOnly Start = new(2026, 1, 1);
    public static readonly DateOnly Today = Start.AddDays(400);
    private static readonly string[] Donors = ["NOR", "JPN", "CHE"];
    private static readonly string[] Currencies = ["NOK", "JPY", "EUR"];

    private readonly List<string> _pledges = [];
    private readonly List<string> _commitments = [];

    /// <summary>What each pledge still owes in its currency (minor units), so some receipts settle a pledge exactly.</summary>
    private readonly Dictionary<string, Money> _owed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateOnly> _pledgeDates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _eurById = new(StringComparer.Ordinal);
    private readonly List<(string Key, FundCommand Command, string Id)> _used = [];
    private int _step;

    public IReadOnlyList<string> Postings => [.. _eurById.Keys];

    public async Task<FundOutcome> RunAsync(FundOp op, Func<FundCommand, string, Task<PostingResult>> post)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(post);
        _step++;
        if (op.Key == 1 && _used.Count > 0)
        {
            var (key, command, id) = _used[Math.Abs(op.Target) % _used.Count];
            var replay = await post(command, key);
            Assert.True(replay.Replayed, "The same key and content must answer the first posting.");
            Assert.Equal(id, replay.Posting.Id);
            return new FundOutcome("Replayed", id, replay.Posting.Sequence);
        }

        FundCommand next;
        try
        {
            next = Build(op);
        }
        catch (DomainValidationException)
        {
            return new FundOutcome("Invalid", null, 0);
        }

        var reuse = op.Key == 2 && _used.Count > 0 ? _used[Math.Abs(op.Target) % _used.Count] : default;
        var keyToUse = reuse.Key ?? $"scenario:{_step}:{op.Kind}";
        try
        {
            var result = await post(next, keyToUse);
            if (reuse.Key is not null)
            {
                Assert.Equal(reuse.Command.ContentHash(), next.ContentHash());
                Assert.True(result.Replayed);
                return new FundOutcome("Replayed", result.Posting.Id, result.Posting.Sequence);
            }

            Assert.False(result.Replayed);
            Record(keyToUse, next, result.Posting);
            return new FundOutcome("Posted", result.Posting.Id, result.Posting.Sequence);
        }
        catch (DomainException ex)
        {
            if (reuse.Key is not null && reuse.Command.ContentHash() != next.ContentHash())
            {
                Assert.IsType<ConflictException>(ex);
            }

            return new FundOutcome(ex.GetType().Name, null, 0);
        }
    }

    private void Record(string key, FundCommand command, Posting posting)
    {
        _used.Add((key, command, posting.Id));
        _eurById[posting.Id] = posting.EurMinor;
        if (posting.Kind == PostingKind.Pledge)
        {
            _pledges.Add(posting.Id);
            _owed[posting.Id] = posting.Amount!.Value;
            _pledgeDates[posting.Id] = posting.Date;
        }
        else if (posting is { Kind: PostingKind.Receipt, TargetId: { } pledge, Amount: { } paid } && _owed.TryGetValue(pledge, out var owed))
        {
            _owed[pledge] = owed with { Minor = owed.Minor - paid.Minor };
        }
        else if (posting is { Kind: PostingKind.Correction, CorrectedPledgeId: { } corrected, Amount: { } back } && _owed.TryGetValue(corrected, out var was))
        {
            _owed[corrected] = was with { Minor = was.Minor + back.Minor };
        }
        else if (posting is { Kind: PostingKind.WriteOff, TargetId: { } written } && _owed.TryGetValue(written, out var left))
        {
            _owed[written] = left with { Minor = 0 };
        }
        else if (posting.Kind == PostingKind.Commitment)
        {
            _commitments.Add(posting.Id);
        }
    }

    private FundCommand Build(FundOp op)
    {
        var donor = Math.Abs(op.Donor) % Donors.Length;
        var date = Start.AddDays(_step);
        var backdated = date.AddDays(-Math.Abs(op.Backdate % 5));
        var earmark = op.Earmarked ? "WitnessRelocation" : null;
        decimal eur = op.Amount / 10m;
        switch (Math.Abs(op.Kind) % 9)
        {
            case 0:
                return FundCommands.Pledge(new PledgeCommand(Donors[donor], new MoneyFields(op.Amount, Currencies[donor]), eur, earmark, backdated, null), Today);
            case 1:
                return FundCommands.Receipt(new ReceiptCommand(Donors[donor], null, new MoneyFields(op.Amount, Currencies[donor]), eur, earmark, backdated, null), Today);
            case 2:
            {
                // A third of them pay exactly what is owed (settling the pledge in its currency, whatever the EUR value).
                // Mostly from the pledge's own donor; the rate moves by up to ±20 % between pledge and receipt.
                var pledge = Pick(_pledges, op.Target);
                var payer = op.Backdate != 0 && _owed.TryGetValue(pledge, out var due) ? Array.IndexOf(Currencies, due.Currency) : donor;
                var exact = op.Amount % 3 == 0 && _owed.TryGetValue(pledge, out var owed) && owed.Minor > 0 ? owed.Major : (decimal?)null;
                var amount = exact ?? op.Amount;
                var value = exact is null ? eur : Math.Max(0.01m, Math.Round(amount / 10m * (0.8m + (op.Target % 41 / 100m)), 2));
                return FundCommands.Receipt(new ReceiptCommand(Donors[payer], pledge, new MoneyFields(amount, Currencies[payer]), value, null, date, null), Today);
            }

            case 7:
                return FundCommands.WriteOff(Pick(_pledges, op.Target), new WriteOffCommand(date, "Will not be paid"), Today);

            case 8:
            {
                // The previous month's end, at a rate up to ±20 % from the pledges' own (amount / 10).
                var monthEnd = new DateOnly(date.Year, date.Month, 1).AddDays(-1);
                var factor = 0.8m + (op.Target % 41 / 100m);
                var lines = _owed.Where(o => o.Value.Minor > 0 && o.Value.Currency != "EUR" && _pledgeDates[o.Key] <= monthEnd)
                    .Select(o => new RevaluationLine(o.Key, o.Value.Minor, (long)Math.Round(o.Value.Major / 10m * factor * 100m, 0, MidpointRounding.AwayFromZero)))
                    .ToArray();
                return FundCommands.Revaluation(monthEnd.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), lines, Today);
            }

            case 3:
                return FundCommands.Commitment(new CommitmentCommand($"R{Math.Abs(op.Target) % 5}", eur * 2, date, null, earmark), Today);
            case 4:
                return FundCommands.Release(Pick(_commitments, op.Target), new ReleaseCommand(eur, date), Today);
            case 5:
                return FundCommands.Disbursement(new DisbursementCommand(Pick(_commitments, op.Target), eur, "Payee", date, null), Today, op.Backdate == 4 ? 7m : 0m);
            default:
            {
                var target = Pick(Postings, op.Target);
                var amount = _eurById.TryGetValue(target, out var known) && op.Amount % 4 != 0 ? known : Math.Max(1, op.Amount);
                FundCommands.Date(date, Today, new FieldErrors());
                return new FundCommand(PostingKind.Correction, date, amount) { TargetId = target };
            }
        }
    }

    /// <summary>An earlier id most of the time, sometimes an id that names nothing.</summary>
    private static string Pick(IReadOnlyList<string> ids, int target)
    {
        var index = Math.Abs(target) % (ids.Count + 1);
        return index < ids.Count ? ids[index] : Posting.IdFor($"nothing:{target}");
    }
}

/// <summary>The checks every ledger must pass after every step.</summary>
public static class FundInvariants
{
    public static void Hold(IReadOnlyList<Posting> postings, FundBalance balance)
    {
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(balance);
        Assert.All(postings, p => Assert.Equal(0, p.Entries.Sum(e => e.EurMinor)));
        var entries = postings.SelectMany(p => p.Entries).ToArray();
        Assert.Equal(0, entries.Sum(e => e.EurMinor));
        Assert.Equal(entries.Where(e => FundAccounts.EarmarkOf(e.Account) is not null).Sum(e => e.EurMinor), balance.Cash);
        Assert.Equal(-entries.Where(e => e.Account.StartsWith("Committed:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.Committed);
        Assert.Equal(entries.Where(e => e.Account.StartsWith("Receivable:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.PledgedOutstanding);
        Assert.Equal(entries.Where(e => e.Account.StartsWith("Disbursed:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.Disbursed);
        Assert.Equal(-entries.Where(e => e.Account.StartsWith("ExchangeGainLoss:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.ExchangeGainLoss);
        Assert.Equal(entries.Where(e => e.Account.StartsWith("WrittenOff:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.WrittenOff);
        Assert.Equal(-entries.Where(e => e.Account.StartsWith("UnrealisedExchange:", StringComparison.Ordinal)).Sum(e => e.EurMinor), balance.UnrealisedExchange);
        Assert.Equal(entries.Where(e => e.Account == FundAccounts.ProgrammeSupportCost).Sum(e => e.EurMinor), balance.ProgrammeSupportCost);

        // Earmarked cash is only ever spent (credited) by a posting for its own earmark.
        Assert.All(
            postings.SelectMany(p => p.Entries.Where(e => e.EurMinor < 0 && FundAccounts.EarmarkOf(e.Account) is { Length: > 0 }).Select(e => (p, e))),
            x => Assert.Equal(FundAccounts.EarmarkOf(x.e.Account), x.p.Earmark));
        Assert.True(balance.Available >= 0, $"Available is {balance.Available}.");
        Assert.All(balance.CashByEarmark.Values, v => Assert.True(v >= 0));
        Assert.All(balance.ByDonor, d => Assert.True(d.Outstanding >= 0));
        Assert.Equal(balance.ByDonor.Sum(d => d.Outstanding), balance.PledgedOutstanding);
        Assert.Equal(postings.Count == 0 ? 0 : postings.Max(p => p.Sequence), balance.Sequence);
        Assert.Equal(Enumerable.Range(1, postings.Count).Select(i => (long)i), postings.Select(p => p.Sequence).Order());
    }
}
