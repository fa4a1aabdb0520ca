using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The host with the crash tests' fault point between a create's schedule and its case row (for one pseudonym), and a
/// relocation clock 10,000 times faster (an Emergency round lasts about 9 s), so the test can see the orchestration keep
/// the round's deadline.
/// </summary>
public sealed class HaltBeforeRowHostFixture : LocalHostFixture
{
    public const string Suffix = "3012";

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["ApiDiagnostics__HaltBeforeRowFor"] = "W-" + Suffix,
        ["Workflows__Relocations__ClockScale"] = "0.0001",
    };
}

/// <summary>
/// Rule 7 across a kill -9 between <c>POST /api/relocations</c>'s schedule and its case row (the first attempt schedules
/// the orchestration side by side with the case file, and writes round 1 with the row; docs/durability.md).
/// </summary>
[Trait("Category", "Slow")]
public sealed class ScheduleBeforeRowCrashTests(HaltBeforeRowHostFixture host) : IClassFixture<HaltBeforeRowHostFixture>
{
    [Fact]
    public async Task KillBetweenTheScheduleAndTheCaseRow_RetriedWithTheSameKey_OneCaseItsStatesAskedAndItsDeadlineKept()
    {
        // Tried: one Emergency request that stops after its schedule, before its row (the fault point), a kill -9 there,
        // 1 restart, and the client's retry with the same Idempotency-Key (resumed: the ordered path, which finds the
        // orchestration the dead attempt scheduled). Nothing was answered before the kill, so nothing may be visible.
        var s = new RelocationScenario(host, HaltBeforeRowHostFixture.Suffix);
        await s.SetUpStatesAsync();
        var key = Guid.NewGuid().ToString("N");
        var body = s.RequestBody("Emergency", consent: true);
        var request = host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, key);
        var id = await HaltedCaseAsync();
        using (var missing = await host.SendAsync(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.False(request.IsCompleted, "the request answered: it did not stop at the fault point");

        await host.CrashAndRestartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => request);
        HttpStatusCode status;
        string? answeredId = null;
        var tries = 0;
        do
        {
            using var retry = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, key);
            status = retry.StatusCode;
            if (status == HttpStatusCode.Accepted)
            {
                answeredId = (await LocalHostFixture.JsonAsync(retry)).GetProperty("id").GetString();
            }
            else
            {
                await Task.Delay(250);
            }
        }
        while (status == HttpStatusCode.Conflict && ++tries < 120);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(id, answeredId);
        var sent = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var round1 = sent.GetProperty("rounds")[0];
        var asked = round1.GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.NotEmpty(asked);
        foreach (var code in asked)
        {
            Assert.True(await AskedAsync(s, code, id), $"{code} was not asked about {id}");
        }

        // The orchestration the dead attempt scheduled (or, had it given up, the one the retry scheduled again) keeps the
        // round: nobody answers, and its deadline closes round 1 and opens round 2.
        var next = await s.WaitAsync(id, v => v.GetProperty("round").GetInt32() >= 2);
        Assert.NotNull(next.GetProperty("rounds")[0].GetProperty("closedAt").GetString());
        Assert.Equal(round1.GetProperty("askedStates").ToString(), next.GetProperty("rounds")[0].GetProperty("askedStates").ToString());
    }

    /// <summary>The id the halted request logged at the fault point (its orchestration is scheduled by then, its row not written).</summary>
    private async Task<string> HaltedCaseAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            var line = host.Host.Output.FirstOrDefault(l => l.Contains("Fault injection: relocation ", StringComparison.Ordinal) && l.Contains("before its case row", StringComparison.Ordinal));
            if (line is not null)
            {
                return line.Split("Fault injection: relocation ")[1].Split(' ')[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The request did not reach the fault point:\n" + string.Join('\n', host.Host.Output.TakeLast(40)));
    }

    private static async Task<bool> AskedAsync(RelocationScenario s, string code, string id)
    {
        var focal = TestTokens.For(Roles.StateFocalPoint, code);
        for (var i = 0; i < 300; i++)
        {
            JsonElement requests = await s.Ok(HttpMethod.Get, $"states/{code}/offer-requests", focal);
            if (requests.EnumerateArray().Any(r => r.GetProperty("relocationId").GetString() == id))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
