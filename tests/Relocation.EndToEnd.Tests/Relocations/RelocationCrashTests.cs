using System.Net;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>A local host whose relocation clock runs 10,000 times faster: an Emergency round lasts about 9 s.</summary>
public sealed class FastClockHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Workflows__Relocations__ClockScale"] = "0.0001",
    };
}

[Trait("Category", "Slow")]
public sealed class RelocationCrashTests(FastClockHostFixture host) : IClassFixture<FastClockHostFixture>
{
    [Fact]
    public async Task KillWhileWaitingForOffers_AfterRestart_AnswersCompleteOneCaseAndTheDeadlineFiresForTheOther()
    {
        // Tried: 2 cases, 1 kill -9 while both wait for offers, 1 restart.
        var s = new RelocationScenario(host, "3003");
        await s.SetUpStatesAsync();
        var answered = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        var silent = await s.RaiseAsync(s.RequestBody("D", "E", "F"));
        await s.WaitAsync(answered, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.WaitAsync(silent, v => v.GetProperty("status").GetString() == "AwaitingOffers");

        await host.CrashAndRestartAsync();

        var nor = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        await s.Ok(HttpMethod.Post, $"relocations/{answered}/responses", nor, new { stateCode = s.Accepting, decision = "Offer" });
        var accepted = await s.Send(HttpMethod.Post, $"relocations/{answered}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, null);
        if (accepted.GetProperty("status").GetString() != "OfferAccepted")
        {
            accepted = await s.WaitAsync(answered, v => v.GetProperty("status").GetString() == "OfferAccepted");
        }

        await s.Ok(HttpMethod.Post, $"relocations/{answered}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        var relocated = await s.WaitAsync(answered, v => v.GetProperty("status").GetString() == "Relocated");
        var nextRound = await s.WaitAsync(silent, v => v.GetProperty("round").GetInt32() >= 2);

        Assert.Equal("Relocated", relocated.GetProperty("status").GetString());
        Assert.NotNull(nextRound.GetProperty("rounds")[0].GetProperty("closedAt").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "health", null)).StatusCode);
    }
}
