using System.Net;
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

    private enum Plan
    {
        Relocate,
        CancelAfterAcceptance,
        CancelBeforeAcceptance,
    }

    [Fact]
    public async Task BatchInFlight_FiveKillsAndRestarts_EveryCaseEndsAsPlannedAndNoPlaceIsLost()
    {
        var s = new RelocationScenario(host, "8000");
        await s.SetUpStatesAsync(places: 3 * Cases);
        var plans = new Dictionary<string, Plan>();
        for (var i = 0; i < Cases; i++)
        {
            plans[await s.RaiseAsync(s.RequestBody("A", "B", "C"))] = (Plan)(i % 3);
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

        var expectedUsed = 3 * plans.Count(p => p.Value == Plan.Relocate);
        var capacity = await WaitForCapacityAsync(s, expectedUsed);
        output.WriteLine($"Tried {Cases} cases, {kills} kills and restarts, {steps} driver steps.");
        Assert.Equal(Kills, kills);
        Assert.All(plans, p => Assert.Equal(p.Value == Plan.Relocate ? "Relocated" : "Cancelled", finals[p.Key]));
        Assert.Equal(expectedUsed, capacity.Used);
        Assert.Equal(0, capacity.Held);
        Assert.True(capacity.Used + capacity.Held <= capacity.Places);

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
            var offered = view.GetProperty("offers").EnumerateArray().Any(o => o.GetProperty("stateCode").GetString() == "NOR");
            switch (status)
            {
                case "Relocated" or "Cancelled":
                    return true;
                case "AwaitingOffers" when plan == Plan.CancelBeforeAcceptance:
                    await Post($"relocations/{id}/cancellation", new { reason = "plan" });
                    break;
                case "AwaitingOffers" when !offered:
                    await Post($"relocations/{id}/responses", new { stateCode = "NOR", decision = "Offer" }, TestTokens.For(Roles.StateFocalPoint, "NOR"));
                    break;
                case "AwaitingOffers" when acceptance != "Processing":
                    await Post($"relocations/{id}/acceptance", new { stateCode = "NOR" });
                    break;
                case "OfferAccepted" when plan == Plan.Relocate:
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

    private static async Task<(int Places, int Held, int Used)> WaitForCapacityAsync(RelocationScenario s, int expectedUsed)
    {
        (int, int, int) last = default;
        for (var i = 0; i < 300; i++)
        {
            var list = await s.Ok(HttpMethod.Get, "states/NOR/capacity", RelocationScenario.Admin);
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
