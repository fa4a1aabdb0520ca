using System.Net;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The host with the crash tests' held schedule (for one pseudonym: the create answers, its orchestration's schedule is
/// never sent), the unscheduled-case sweep looking every second for cases older than 2 s, and a relocation clock 10,000
/// times faster (an Emergency round lasts about 9 s), so the test can see an orchestration keep round 1's deadline.
/// </summary>
public sealed class HoldScheduleHostFixture : LocalHostFixture
{
    public const string Suffix = "3014";

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["ApiDiagnostics__HoldScheduleFor"] = "W-" + Suffix,
        ["Workflows__UnscheduledCases__GracePeriod"] = "00:00:02",
        ["Workflows__UnscheduledCases__Period"] = "00:00:01",
        ["Workflows__Relocations__ClockScale"] = "0.0001",
    };
}

/// <summary>
/// Rule 7 across a kill -9 after <c>POST /api/relocations</c> answered 202 and before its orchestration's schedule landed
/// (the first attempt does not wait for it; docs/durability.md, "The first round").
/// </summary>
[Trait("Category", "Slow")]
public sealed class HeldScheduleCrashTests(HoldScheduleHostFixture host) : IClassFixture<HoldScheduleHostFixture>
{
    [Fact]
    public async Task KillAfterTheAnswerBeforeTheScheduleLanded_AfterRestart_TheSweepStartsItAndRoundOnesDeadlineOpensRoundTwo()
    {
        // Tried: one Emergency request answered 202 AwaitingOffers with its schedule held back (the fault point), a kill -9,
        // 1 restart, and no retry (the client has its answer): nothing but the sweep can start the case's orchestration,
        // and only an orchestration closes round 1 at its deadline and opens round 2.
        var s = new RelocationScenario(host, HoldScheduleHostFixture.Suffix);
        await s.SetUpStatesAsync();
        using var answer = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Emergency", consent: true), Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var accepted = await LocalHostFixture.JsonAsync(answer);
        Assert.Equal("AwaitingOffers", accepted.GetProperty("status").GetString());
        var id = accepted.GetProperty("id").GetString()!;
        Assert.True(await LoggedAsync($"Fault injection: relocation {id} answered with its schedule held back"), "the schedule was not held: the fault point was not reached");
        var round1 = (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("rounds")[0];

        await host.CrashAndRestartAsync();

        var next = await s.WaitAsync(id, v => v.GetProperty("round").GetInt32() >= 2);
        Assert.NotNull(next.GetProperty("rounds")[0].GetProperty("closedAt").GetString());
        Assert.Equal(round1.GetProperty("askedStates").ToString(), next.GetProperty("rounds")[0].GetProperty("askedStates").ToString());
        Assert.Contains(host.Host.Output, l => l.Contains(id, StringComparison.Ordinal) && l.Contains("had no orchestration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancelledBeforeTheScheduleLanded_TheReconcilerStartsTheOrchestrationAndTheAskedStatesAreTold()
    {
        // No crash: the create answered with its schedule still under way (held here for good), and VWU cancels at once.
        // The cancellation's step needs an orchestration (States were asked): the reconciler finds none, starts it from the
        // row and raises the step; the orchestration tells the asked States. Before session 12 the step was dropped as stuck.
        var s = new RelocationScenario(host, HoldScheduleHostFixture.Suffix);
        await s.SetUpStatesAsync();
        using var answer = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Emergency", consent: true), Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var id = (await LocalHostFixture.JsonAsync(answer)).GetProperty("id").GetString()!;
        Assert.True(await LoggedAsync($"Fault injection: relocation {id} answered with its schedule held back"), "the schedule was not held: the fault point was not reached");
        var asked = (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("rounds")[0].GetProperty("askedStates")[0].GetString()!;

        await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "No longer needed" });

        Assert.True(await LoggedAsync($"Relocation {id} had no orchestration"), "the reconciler did not start the case's orchestration");
        var focal = TestTokens.For(Roles.StateFocalPoint, asked);
        var told = false;
        for (var i = 0; i < 300 && !told; i++)
        {
            var inbox = await s.Ok(HttpMethod.Get, "inbox", focal);
            told = inbox.GetProperty("items").EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "Cancelled"
                && m.GetProperty("subject").GetString()!.Contains("W-" + HoldScheduleHostFixture.Suffix, StringComparison.Ordinal));
            await Task.Delay(told ? 0 : 100);
        }

        Assert.True(told, $"{asked} was not told of the cancellation");
    }

    /// <summary>The host's output is read as it comes: a line logged before the answer may arrive just after it.</summary>
    private async Task<bool> LoggedAsync(string text)
    {
        for (var i = 0; i < 300; i++)
        {
            if (host.Host.Output.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
