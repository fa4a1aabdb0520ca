using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// The host with the crash tests' fault point between a case row and its schedule (for one pseudonym) and the
/// unscheduled-case sweep looking every second for cases older than 2 s.
/// </summary>
public sealed class HaltBeforeScheduleHostFixture : LocalHostFixture
{
    public const string Suffix = "3010";

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["ApiDiagnostics__HaltBeforeScheduleFor"] = "W-" + Suffix,
        ["Workflows__UnscheduledCases__GracePeriod"] = "00:00:02",
        ["Workflows__UnscheduledCases__Period"] = "00:00:01",
    };
}

/// <summary>Rule 7 across a kill -9 between <c>POST /api/relocations</c>'s case row and the schedule of its orchestration.</summary>
[Trait("Category", "Slow")]
public sealed class UnscheduledCaseCrashTests(HaltBeforeScheduleHostFixture host) : IClassFixture<HaltBeforeScheduleHostFixture>
{
    [Fact]
    public async Task KillBetweenTheCaseRowAndTheSchedule_AfterRestart_TheSweepSchedulesItAndItsStatesAreAskedWithoutARetry()
    {
        // Tried: one Emergency request that stops after its case row (the fault point), a kill -9 there, 1 restart, and
        // no retry by the client: nothing but the sweep can start the case's orchestration.
        var s = new RelocationScenario(host, HaltBeforeScheduleHostFixture.Suffix);
        await s.SetUpStatesAsync();
        var request = host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Emergency", consent: true), Guid.NewGuid().ToString("N"));
        var id = await HaltedCaseAsync();
        var listed = await s.Ok(HttpMethod.Get, "relocations?status=Submitted", RelocationScenario.Vwu);
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        Assert.False(request.IsCompleted, "the request answered: it did not stop at the fault point");

        await host.CrashAndRestartAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => request); // never answered, so the client has nothing to retry with
        var sent = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var asked = sent.GetProperty("rounds")[0].GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.NotEmpty(asked);
        foreach (var code in asked)
        {
            Assert.True(await AskedAsync(s, code, id), $"{code} was not asked about {id}");
        }

        Assert.Contains(host.Host.Output, line => line.Contains(id, StringComparison.Ordinal) && line.Contains("no orchestration", StringComparison.Ordinal));
    }

    /// <summary>The id the halted request logged at the fault point (its row is written by then).</summary>
    private async Task<string> HaltedCaseAsync()
    {
        for (var i = 0; i < 600; i++)
        {
            var line = host.Host.Output.FirstOrDefault(l => l.Contains("Fault injection: relocation ", StringComparison.Ordinal));
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
