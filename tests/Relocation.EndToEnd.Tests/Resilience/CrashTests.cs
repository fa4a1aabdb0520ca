using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Fund;
using Relocation.Storage;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// A batch of relocations driven to their ends while the host is killed with SIGKILL at random moments and restarted.
/// The driver reads each case and takes its next step, as a person would after an outage; at the end every case has
/// its expected status and no capacity holds or uses more than registered or what the cases account for.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CrashTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const int Cases = 12;
    private const int Kills = 5;

    private const decimal Cost = 1000.00m;

    private enum Plan
    {
        Relocate,
        RelocateWithFund,
        CancelAfterAcceptance,
        CancelBeforeAcceptance,
    }

    [Fact]
    public async Task BatchInFlight_FiveKillsAndRestarts_EveryCaseEndsAsPlannedAndNoPlaceIsLost()
    {
        var s = new RelocationScenario(host, "8000");
        await s.SetUpStatesAsync(places: 3 * Cases);
        using (var receipt = await host.SendAsync(HttpMethod.Post, "fund/receipts", TestTokens.For(Roles.FinanceOfficer),
            new { donorStateCode = "NOR", amount = new { value = 100_000m, currency = "EUR" }, eurValue = 100_000m, date = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, "crash-test-receipt"))
        {
            Assert.Equal(HttpStatusCode.Created, receipt.StatusCode);
        }

        var plans = new Dictionary<string, Plan>();
        for (var i = 0; i < Cases; i++)
        {
            plans[await s.RaiseAsync(s.RequestBody("A", "B", "C"))] = (Plan)(i % 4);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        var random = new Random(8000);
        var kills = 0;
        var killer = Task.Run(async () =>
        {
            for (; kills < Kills; kills++)
            {
                await Task.Delay(random.Next(1500, 5000), stop.Token);
                await host.CrashAndRestartAsync();
            }
        });

        var steps = 0;
        var done = new HashSet<string>();
        while (done.Count < plans.Count || !killer.IsCompleted)
        {
            stop.Token.ThrowIfCancellationRequested();
            foreach (var (id, plan) in plans.Where(p => !done.Contains(p.Key)))
            {
                try
                {
                    if (await StepAsync(id, plan))
                    {
                        done.Add(id);
                    }

                    steps++;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
                {
                    // The host is down or restarting: try again in a moment.
                }
            }

            await Task.Delay(200);
        }

        await killer;
        var finals = new Dictionary<string, string>();
        foreach (var id in plans.Keys)
        {
            finals[id] = (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("status").GetString()!;
        }

        var nor = await WaitForCapacityAsync(s, "NOR", 3 * plans.Count(p => p.Value == Plan.Relocate));
        var swe = await WaitForCapacityAsync(s, "SWE", 3 * plans.Count(p => p.Value == Plan.RelocateWithFund));
        // A cancellation's release frees the places, then the money, in one activity: a kill between the two leaves the
        // commitment until the activity runs again (after its message's visibility timeout), so wait for that as well.
        await WaitForCommittedAsync(s, Cost * plans.Count(p => p.Value == Plan.RelocateWithFund));
        output.WriteLine($"Tried {Cases} cases, {kills} kills and restarts, {steps} driver steps.");
        Assert.Equal(Kills, kills);
        Assert.All(plans, p => Assert.Equal(p.Value is Plan.Relocate or Plan.RelocateWithFund ? "Relocated" : "Cancelled", finals[p.Key]));
        foreach (var (capacity, plan) in new[] { (nor, Plan.Relocate), (swe, Plan.RelocateWithFund) })
        {
            Assert.Equal(3 * plans.Count(p => p.Value == plan), capacity.Used);
            Assert.Equal(0, capacity.Held);
            Assert.True(capacity.Used + capacity.Held <= capacity.Places);
        }

        // The ledger: balanced, no posting twice, and a commitment only for each case relocated with fund support.
        var postings = await LedgerAsync();
        Assert.Equal(0, postings.SelectMany(p => p.Entries).Sum(e => e.EurMinor));
        Assert.All(postings, p => Assert.Equal(0, p.Entries.Sum(e => e.EurMinor)));
        Assert.Equal(postings.Count, postings.Select(p => p.Id).Distinct().Count());
        foreach (var (id, plan) in plans)
        {
            var committed = -postings.SelectMany(p => p.Entries).Where(e => e.Account == $"Committed:{id}").Sum(e => e.EurMinor);
            Assert.Equal(plan == Plan.RelocateWithFund ? (long)(Cost * 100) : 0, committed);
            Assert.True(postings.Count(p => p.Kind == PostingKind.Commitment && p.RelocationId == id) <= 1);
        }

        var balance = await s.Ok(HttpMethod.Get, "fund/balance", TestTokens.For(Roles.FinanceOfficer));
        Assert.Equal(Cost * plans.Count(p => p.Value == Plan.RelocateWithFund), balance.GetProperty("committed").GetDecimal());

        async Task<bool> StepAsync(string id, Plan plan)
        {
            using var get = await host.SendAsync(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
            if (!get.IsSuccessStatusCode)
            {
                return false;
            }

            var view = await LocalHostFixture.JsonAsync(get);
            var status = view.GetProperty("status").GetString();
            var acceptance = view.TryGetProperty("lastAcceptance", out var a) ? a.GetProperty("outcome").GetString() : null;
            var state = plan == Plan.Relocate ? "NOR" : "SWE";
            var offered = view.GetProperty("offers").EnumerateArray().Any(o => o.GetProperty("stateCode").GetString() == state);
            switch (status)
            {
                case "Relocated" or "Cancelled":
                    return true;
                case "AwaitingOffers" when plan == Plan.CancelBeforeAcceptance:
                    await Post($"relocations/{id}/cancellation", new { reason = "plan" });
                    break;
                case "AwaitingOffers" when !offered:
                    await Post($"relocations/{id}/responses", new { stateCode = state, decision = "Offer", estimatedCost = new { amount = Cost, currency = "EUR" } }, TestTokens.For(Roles.StateFocalPoint, state));
                    break;
                case "AwaitingOffers" when acceptance != "Processing":
                    await Post($"relocations/{id}/acceptance", new { stateCode = state });
                    break;
                case "OfferAccepted" when plan is Plan.Relocate or Plan.RelocateWithFund:
                    await Post($"relocations/{id}/arrival", new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
                    break;
                case "OfferAccepted":
                    await Post($"relocations/{id}/cancellation", new { reason = "plan" });
                    break;
            }

            return false;
        }

        async Task Post(string path, object body, string? token = null)
        {
            using var response = await host.SendAsync(HttpMethod.Post, path, token ?? RelocationScenario.Vwu, body);
            Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode}");
        }
    }

    private async Task<IReadOnlyList<Posting>> LedgerAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataStorage"] = host.Azurite.ConnectionString }).Build();
        await using var services = new ServiceCollection().AddRelocationStorage(configuration).BuildServiceProvider();
        var ledger = services.GetRequiredService<IFundLedger>();
        var postings = new List<Posting>();
        await foreach (var posting in ledger.ReadAllAsync(CancellationToken.None))
        {
            postings.Add(posting);
        }

        return postings;
    }

    private static async Task WaitForCommittedAsync(RelocationScenario s, decimal expected)
    {
        for (var i = 0; i < 450; i++)
        {
            var balance = await s.Ok(HttpMethod.Get, "fund/balance", TestTokens.For(Roles.FinanceOfficer));
            if (balance.GetProperty("committed").GetDecimal() == expected)
            {
                return;
            }

            await Task.Delay(200);
        }
    }

    private static async Task<(int Places, int Held, int Used)> WaitForCapacityAsync(RelocationScenario s, string state, int expectedUsed)
    {
        (int, int, int) last = default;
        for (var i = 0; i < 300; i++)
        {
            var list = await s.Ok(HttpMethod.Get, $"states/{state}/capacity", RelocationScenario.Admin);
            var c = list.EnumerateArray().Single();
            last = (c.GetProperty("places").GetInt32(), c.GetProperty("held").GetInt32(), c.GetProperty("used").GetInt32());
            if (last.Item2 == 0 && last.Item3 == expectedUsed)
            {
                break;
            }

            await Task.Delay(200);
        }

        return last;
    }
}
