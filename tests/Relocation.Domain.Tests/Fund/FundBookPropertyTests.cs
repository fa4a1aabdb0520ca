using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Relocation.Domain.Fund;
using Relocation.Testing.Fund;

namespace Relocation.Domain.Tests.Fund;

public sealed class FundBookPropertyTests
{
    internal static readonly Gen<FundOp> Op =
        from kind in Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Constant(1)), (3, Gen.Constant(2)), (4, Gen.Constant(3)), (2, Gen.Constant(4)), (3, Gen.Constant(5)), (1, Gen.Constant(6)), (2, Gen.Constant(7)), (2, Gen.Constant(8)))
        from donor in Gen.Choose(0, 2)
        from amount in Gen.Frequency((1, Gen.Choose(-3, 0)), (12, Gen.Choose(1, 50_000)))
        from target in Gen.Choose(0, 40)
        from key in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        from earmarked in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from backdate in Gen.Choose(0, 4)
        select new FundOp(kind, donor, amount, target, key, earmarked, backdate);

    [Property(MaxTest = 500)]
    public Property Post_RandomSequences_InvariantsHoldAndReplaysChangeNothing() =>
        Prop.ForAll(Gen.ArrayOf(Op).ToArbitrary(), ops =>
        {
            var book = new FundBook();
            var scenario = new FundScenario();
            var now = new DateTimeOffset(2027, 2, 1, 12, 0, 0, TimeSpan.Zero);
            foreach (var op in ops)
            {
                var before = System.Text.Json.JsonSerializer.Serialize(book.Position);
                var count = book.Postings.Count;
                var outcome = scenario.RunAsync(op, (c, k) => Task.FromResult(book.Post(c, k, now))).GetAwaiter().GetResult();
                if (outcome.Result != "Posted")
                {
                    // Refusals and replays write nothing.
                    Assert.Equal(count, book.Postings.Count);
                    Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(book.Position));
                }

                FundInvariants.Hold(book.Postings, FundBalance.From(book.Position, null));
                Assert.True(book.Position.CommitmentsFit());
                Assert.All(book.Documents.Values, d => Assert.True(d.Remaining >= 0));

                // A pledge never owes less than nothing in its own currency, and once nothing is owed its receivable is cleared.
                Assert.All(book.Documents.Values.Where(d => d.Kind == PostingKind.Pledge), d =>
                {
                    Assert.InRange(d.OutstandingAmount, 0, d.CorrectedBy is null ? d.AmountMinor : 0);
                    Assert.True(d.OutstandingAmount > 0 || d.Remaining == 0, $"Pledge {d.Id} is settled in its currency but {d.Remaining} EUR is still receivable.");
                });
            }

            // The running position is the fold of the postings, and the position as of the last date is the same.
            var fold = new FundPosition();
            foreach (var posting in book.Postings)
            {
                fold.Apply(posting);
            }

            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(fold), System.Text.Json.JsonSerializer.Serialize(book.Position));
            Assert.Equal(book.Position.Cash, book.PositionAsOf(FundScenario.Today).Cash);
            return true;
        });

    [Fact]
    public async Task Post_GeneratedScenario_ExercisesEveryOutcome()
    {
        // Several generated ledgers, so rarer postings (a gain on a settled pledge, a revaluation) are not left to one draw.
        var outcomes = new List<string>();
        var postings = new List<Posting>();
        for (var round = 0; round < 8; round++)
        {
            var book = new FundBook();
            var scenario = new FundScenario();
            foreach (var op in Gen.Sample(Op, 400, 30))
            {
                outcomes.Add((await scenario.RunAsync(op, (c, k) => Task.FromResult(book.Post(c, k, DateTimeOffset.UnixEpoch)))).Result);
            }

            postings.AddRange(book.Postings);
        }

        // Guards the property above against a generator that only ever produces refusals.
        Assert.True(outcomes.Count(o => o == "Posted") >= 800, string.Join(",", outcomes.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}")));
        Assert.Contains("ConflictException", outcomes);
        Assert.Contains("Replayed", outcomes);
        Assert.Contains("Invalid", outcomes);
        Assert.Contains(postings, p => p.Kind == PostingKind.Disbursement);
        Assert.Contains(postings, p => p.Kind == PostingKind.WriteOff);
        Assert.Contains(postings, p => p.Kind == PostingKind.Revaluation);
        Assert.Contains(postings, p => p.SupportCostMinor > 0);
        Assert.Contains(postings, p => p.Entries.Any(e => e.Account.StartsWith("ExchangeGainLoss:", StringComparison.Ordinal) && e.EurMinor < 0));
        Assert.Contains(postings, p => p.Entries.Any(e => e.Account.StartsWith("ExchangeGainLoss:", StringComparison.Ordinal) && e.EurMinor > 0));
        Assert.Contains(postings, p => p.Kind == PostingKind.Disbursement && p.Entries.Any(e => FundAccounts.EarmarkOf(e.Account) is { Length: > 0 }));
    }
}
