using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>
/// A case's Special Fund commitments over HTTP: Finance commits only to a case that exists and is open, and every way a
/// case ends (cancellation, withdrawal, a review's End) releases every commitment of the case, Finance's by hand too.
/// On a host whose placement clock runs fast, so a withdrawal effective in a few days takes effect within seconds.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CaseCommitmentsTests(PlacementClockHostFixture host) : IClassFixture<PlacementClockHostFixture>
{
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer);

    [Fact]
    public async Task Commitment_RelocationIdNamesNoCase_400NamingRelocationIdAndNothingPosted()
    {
        var s = new RelocationScenario(host, "1501");
        await s.SetUpStatesAsync();
        await FundAsync(s);
        var before = await s.Ok(HttpMethod.Get, "fund/balance", Finance);

        var problem = await s.Send(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = "no-such-case", eurValue = 100m, date = RelocationScenario.Today }, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("relocationId", out _), problem.GetRawText());
        Assert.Equal(before.GetProperty("sequence").GetInt64(), (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Commitment_CaseCancelled_409CaseClosedToCommitmentsAndNothingPosted()
    {
        var s = new RelocationScenario(host, "1502");
        await s.SetUpStatesAsync();
        await FundAsync(s);
        var id = await RelocationScenario.OpenCaseAsync(host, "1502");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "Moved by other means" });
        var before = await s.Ok(HttpMethod.Get, "fund/balance", Finance);

        var problem = await s.Send(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = id, eurValue = 100m, date = RelocationScenario.Today }, HttpStatusCode.Conflict);

        Assert.Equal("CaseClosedToCommitments", problem.GetProperty("code").GetString());
        Assert.Equal("Cancelled", problem.GetProperty("args").GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("sequence").GetInt64(), (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Withdrawal_EffectiveToday_EveryCommitmentOfTheCaseReleased()
    {
        var s = new RelocationScenario(host, "1503");
        var (id, before) = await PlacedWithFinanceCommitmentAsync(s);

        await Withdraw(s, id, RelocationScenario.Today);
        var released = await WaitForCommittedAsync(s, before);

        Assert.Equal(before, released);
    }

    [Fact]
    public async Task ReviewEnd_FinanceCommittedByHand_EveryCommitmentOfTheCaseReleased()
    {
        var s = new RelocationScenario(host, "1504");
        var (id, before) = await PlacedWithFinanceCommitmentAsync(s);

        await s.Ok(HttpMethod.Post, $"relocations/{id}/reviews", RelocationScenario.Vwu, new { outcome = "End", reviewedOn = RelocationScenario.Today, note = "Safe to return" });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Ended");

        Assert.Equal(before, await WaitForCommittedAsync(s, before));
    }

    [Fact]
    public async Task Withdrawal_EffectiveInEightDays_ReRelocationOpensAtOncePlacesAndMoneyKeptUntilThen()
    {
        // Eight days are about 21 s on this host's placement clock.
        var s = new RelocationScenario(host, "1505");
        var (id, before) = await PlacedWithFinanceCommitmentAsync(s);
        var placed = Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));
        var committed = (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("committed").GetDecimal();

        var next = await Withdraw(s, id, DateTime.UtcNow.AddDays(8).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        // At once: Withdrawn, linked, and the re-relocation already asking States; the old places and the money stay.
        var old = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Withdrawn");
        Assert.Equal(next, old.GetProperty("reRelocationId").GetString());
        await s.WaitAsync(next, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(placed, Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)));
        Assert.Equal(committed, (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("committed").GetDecimal());

        // On effectiveOn: the places are freed and every commitment released.
        Assert.Equal(before, await WaitForCommittedAsync(s, before, TimeSpan.FromSeconds(90)));
        Assert.True(Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)) < placed);
    }

    private static int Taken(JsonElement list) => list.EnumerateArray().Sum(c => c.GetProperty("used").GetInt32() + c.GetProperty("held").GetInt32());

    private static Task<JsonElement> FundAsync(RelocationScenario s) =>
        s.Send(HttpMethod.Post, "fund/receipts", Finance, new { donorStateCode = "NOR", amount = new { value = 5000m, currency = "EUR" }, eurValue = 5000m, date = RelocationScenario.Today }, HttpStatusCode.Created);

    /// <summary>A placed case (NOR, no fund support) to which Finance committed 700 EUR by hand; answers the committed total before that.</summary>
    private static async Task<(string Id, decimal CommittedBefore)> PlacedWithFinanceCommitmentAsync(RelocationScenario s)
    {
        await s.SetUpStatesAsync();
        await FundAsync(s);
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.AcceptAsync(id);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated");
        var before = (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("committed").GetDecimal();
        await s.Send(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = id, eurValue = 700m, date = RelocationScenario.Today }, HttpStatusCode.Created);
        Assert.Equal(before + 700m, (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("committed").GetDecimal());
        return (id, before);
    }

    private static async Task<string> Withdraw(RelocationScenario s, string id, string effectiveOn)
    {
        var answer = await s.Send(HttpMethod.Post, $"relocations/{id}/withdrawal", TestTokens.For(Roles.StateFocalPoint, s.Accepting),
            new { stateCode = s.Accepting, reason = "Reception centre closed", effectiveOn }, HttpStatusCode.Accepted);
        return answer.GetProperty("reRelocationId").GetString()!;
    }

    private static async Task<decimal> WaitForCommittedAsync(RelocationScenario s, decimal expected, TimeSpan? within = null)
    {
        var until = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        decimal committed;
        do
        {
            committed = (await s.Ok(HttpMethod.Get, "fund/balance", Finance)).GetProperty("committed").GetDecimal();
            if (committed == expected)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < until);

        return committed;
    }
}
