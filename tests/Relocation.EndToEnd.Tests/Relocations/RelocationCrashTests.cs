using System.Globalization;
using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>
/// kill -9 of the local host while relocation requests wait for offers. The priority table's clock is scaled down
/// (Workflows__Relocations__ClockScale) so an Emergency round lasts about 43 s and a Normal one about 10 minutes: the
/// Normal case is completed by hand after the restart, the Emergency one is left alone and its round deadline, set
/// before the kill, must still fire after it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RelocationCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClockScale = "0.0005";
    private readonly LocalHostFixture _host = new();

    public Task InitializeAsync()
    {
        _host.Environment["Workflows__Relocations__ClockScale"] = ClockScale;
        return _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        // What the host said, for a failure's diagnosis (it never logs protected details: see CanaryTests).
        foreach (var line in _host.Host.Output.Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal)).Take(40))
        {
            output.WriteLine(line);
        }

        await _host.DisposeAsync();
    }

    private static object Body(string suffix, string priority) => new
    {
        caseReference = $"ICC-01/04-01/{suffix}",
        pseudonym = $"W-{suffix}",
        kind = "TemporaryRelocation",
        priority,
        household = new { adults = 2, children = 1 },
        needs = new { languages = new[] { "en" }, medicalCare = false },
        protectedPerson = new { fullName = "A", dateOfBirth = "1987-04-12", currentLocation = "B", contact = "C" },
    };

    private async Task<JsonElement> PollAsync(RelocationScenario s, string id, Func<JsonElement, bool> done, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
            if (done(view))
            {
                return view;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Relocation {id} did not reach the expected state:\n{view}\n{string.Join('\n', _host.Host.Output.TakeLast(30))}");
            }

            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task KillWhileWaitingForOffers_AfterRestart_CaseCompletesAndDeadlineStillFires()
    {
        var s = new RelocationScenario(_host, "9001");
        await s.SetUpStatesAsync();
        var completed = await s.RaiseAsync(Body("9001", "Normal"));
        var untouched = await s.RaiseAsync(Body("9002", "Emergency"));
        await s.WaitAsync(completed, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var before = await s.WaitAsync(untouched, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var deadline = before.GetProperty("rounds")[0].GetProperty("deadline").GetDateTimeOffset();

        var killedAt = DateTimeOffset.UtcNow;
        await _host.CrashAndRestartAsync();

        // The deadline was set before the kill and falls after it: only a durable timer that survived can fire it.
        Assert.True(deadline > killedAt, $"round 1 of the Emergency case ends at {deadline:O}, after the kill at {killedAt:O}");

        var nor = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        await s.Ok(HttpMethod.Post, $"relocations/{completed}/responses", TestTokens.For(Roles.StateFocalPoint, s.Declining), new { stateCode = s.Declining, decision = "Decline" });
        await s.Ok(HttpMethod.Post, $"relocations/{completed}/responses", nor, new { stateCode = s.Accepting, decision = "Offer", places = 3 });
        using (var acceptance = await _host.SendAsync(HttpMethod.Post, $"relocations/{completed}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, idempotencyKey: Guid.NewGuid().ToString()))
        {
            // 200 when the restarted worker decided within the wait, 202 when it was still taking its partitions back.
            Assert.True(acceptance.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)acceptance.StatusCode} {await acceptance.Content.ReadAsStringAsync()}");
        }

        await PollAsync(s, completed, v => v.GetProperty("status").GetString() == "OfferAccepted", TimeSpan.FromSeconds(120));
        await s.Ok(HttpMethod.Post, $"relocations/{completed}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        var relocated = await PollAsync(s, completed, v => v.GetProperty("status").GetString() == "Relocated", TimeSpan.FromSeconds(60));
        var used = await PollCapacityUsedAsync(s, 3);

        var escalatedRound = await PollAsync(s, untouched, v => v.GetProperty("rounds").GetArrayLength() >= 2, TimeSpan.FromSeconds(180));

        Assert.Equal(3, used);
        Assert.Contains(relocated.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString() == "OfferAccepted");
        var rounds = escalatedRound.GetProperty("rounds");
        var closedAt = rounds[0].GetProperty("closedAt").GetDateTimeOffset();
        Assert.True(closedAt >= deadline, $"round 1 closed at {closedAt:O}, its deadline is {deadline:O}");
        Assert.Equal([s.NotAsked], rounds[1].GetProperty("askedStates").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(escalatedRound.GetProperty("offers").EnumerateArray());
    }

    private static async Task<int> PollCapacityUsedAsync(RelocationScenario s, int expected)
    {
        var used = 0;
        for (var i = 0; i < 240 && used != expected; i++)
        {
            used = (await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)).EnumerateArray().Sum(c => c.GetProperty("used").GetInt32());
            await Task.Delay(250);
        }

        return used;
    }
}
