using System.Globalization;
using System.Net;
using System.Text.Json;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>The host with the bench's experiment on (the create's case file after its schedule) and Server-Timing, to see the order.</summary>
public sealed class CaseFileAfterScheduleHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["ApiDiagnostics__CaseFileAfterSchedule"] = "true",
        ["ApiDiagnostics__ServerTiming"] = "true",
    };
}

/// <summary>
/// <c>ApiDiagnostics:CaseFileAfterSchedule</c> (bench/README.md, issue 19 session 10): the case file is written once the
/// orchestration is scheduled, and the create still answers with round 1 on its row and its case file readable.
/// </summary>
public sealed class CaseFileAfterScheduleTests(CaseFileAfterScheduleHostFixture host) : IClassFixture<CaseFileAfterScheduleHostFixture>
{
    [Fact]
    public async Task Create_CaseFileAfterScheduleOn_CaseFileWrittenOnceScheduledAndRoundOneAnswered()
    {
        var s = new RelocationScenario(host, "3105");
        await s.SetUpStatesAsync();
        using var created = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Emergency", consent: true), Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        using var answer = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("AwaitingOffers", answer.RootElement.GetProperty("status").GetString());

        // The schedule starts beside the claim; the case file's span starts once the claim is in and, with the option, ends
        // after the schedule plus its own upload: claim + case file then covers the schedule (beside it, it usually does not).
        var timing = string.Join(",", created.Headers.GetValues("Server-Timing"));
        Assert.True(Duration(timing, "claim") + Duration(timing, "handler.caseFile") >= Duration(timing, "handler.schedule"), timing);

        // Written all the same: the person's details are there for the case (the row is never without its case file).
        var id = answer.RootElement.GetProperty("id").GetString();
        using var read = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu,
            headers: new Dictionary<string, string> { ["X-Access-Reason"] = "Bench experiment check" });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private static double Duration(string header, string name)
    {
        var metric = header.Split(',', StringSplitOptions.TrimEntries).Single(m => m.Split(';')[0] == name);
        var dur = metric.Split(';', StringSplitOptions.TrimEntries).Single(f => f.StartsWith("dur=", StringComparison.Ordinal));
        return double.Parse(dur[4..], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
