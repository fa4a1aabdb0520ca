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

    [Fact]
    public async Task KillRightAfterARequest_WhileItsRoundIsPlanned_AfterRestartSentOnceToldItsStatesAndSentRoundsUnchanged()
    {
        // Tried: 6 open Normal cases (each round opening plans all of them: point reads of the open set and a CP-SAT
        // solve), then an Emergency request and a kill -9 as soon as it is accepted (202), 1 restart. The kill lands
        // before, during or after its round's planning; the test cannot see which, so it asserts what must hold in all
        // three: one round 1, asked once, and no round already sent changed behind a State's back.
        var s = new RelocationScenario(host, "3004");
        await s.SetUpStatesAsync(places: 30);
        var open = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            open.Add(await s.RaiseAsync(s.RequestBody("Normal", consent: true)));
        }

        var before = new Dictionary<string, string>();
        foreach (var id in open)
        {
            var view = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
            before[id] = Round1(view);
        }

        var subject = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await host.CrashAndRestartAsync();

        var sent = await s.WaitAsync(subject, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var rounds = sent.GetProperty("rounds");
        Assert.Equal(1, rounds.GetArrayLength());
        var asked = rounds[0].GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.NotEmpty(asked);
        Assert.Equal(asked.Length, asked.Distinct(StringComparer.Ordinal).Count());
        // The request opens round 1 itself and answers once it is on the row: the kill can land before its States are
        // told. The orchestration's activity, after the restart, tells them: every asked State sees the request.
        foreach (var code in asked)
        {
            var focal = Relocation.Testing.TestTokens.For(Relocation.Domain.Security.Roles.StateFocalPoint, code);
            for (var i = 0; i < 300 && !(await s.Ok(HttpMethod.Get, $"states/{code}/offer-requests", focal)).EnumerateArray().Any(r => r.GetProperty("relocationId").GetString() == subject); i++)
            {
                await Task.Delay(100);
            }

            Assert.Contains((await s.Ok(HttpMethod.Get, $"states/{code}/offer-requests", focal)).EnumerateArray(), r => r.GetProperty("relocationId").GetString() == subject);
        }

        foreach (var id in open)
        {
            var view = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
            Assert.Equal(before[id], Round1(view));
        }
    }

    [Fact]
    public async Task KillRightAfterAnAcceptance_AfterRestartTheSagaFindsTheHoldAndArrivalUsesThePlacesOnce()
    {
        // Tried: an acceptance answered by the request with the places held (the request carries it out), then a kill -9
        // at once, before or while the orchestration's saga joins it; 1 restart. The saga in the new process finds the
        // decision on the row and the hold on the capacity row: it holds nothing again, marks the step applied, and the
        // arrival after it (applied only once the acceptance is) turns exactly the household's places into used ones.
        var s = new RelocationScenario(host, "3005");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Accepting), new { stateCode = s.Accepting, decision = "Offer" });

        var before = await HeldAndUsedAsync(s);
        var accepted = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        var atAnswer = await HeldAndUsedAsync(s);
        await host.CrashAndRestartAsync();

        Assert.Equal("OfferAccepted", accepted.GetProperty("status").GetString());
        Assert.Equal((before.Held + 3, before.Used), atAnswer);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated" && v.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Equal((before.Held, before.Used + 3), await HeldAndUsedAsync(s));
    }

    private static async Task<(int Held, int Used)> HeldAndUsedAsync(RelocationScenario s)
    {
        var list = await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin);
        return (list.EnumerateArray().Sum(c => c.GetProperty("held").GetInt32()), list.EnumerateArray().Sum(c => c.GetProperty("used").GetInt32()));
    }

    // Round 1 as sent: its States and when it started (its closing may come later, at its deadline).
    private static string Round1(System.Text.Json.JsonElement view) =>
        view.GetProperty("rounds")[0].GetProperty("askedStates").GetRawText() + " " + view.GetProperty("rounds")[0].GetProperty("startedAt").GetString();
}
