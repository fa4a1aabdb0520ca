using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>The local host exporting its traces over OTLP to an in-memory collector of the test.</summary>
public sealed class TracedLocalHostFixture : LocalHostFixture, IDisposable
{
    public OtlpCollector Telemetry { get; } = new();

    protected override IReadOnlyDictionary<string, string> HostEnvironment => Telemetry.Environment;

    public void Dispose() => Telemetry.Dispose();
}

/// <summary>
/// Protection of persons, tested as an attacker would look: unique canaries in every protected field, the whole
/// scenario run, then every table, blob and queue message of the storage account (task hub included), every answer
/// to a non-VWU role, every line the host logged and every span it exported are searched. Only VWU's audited case-file
/// read may show them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CanaryTests(TracedLocalHostFixture host, ITestOutputHelper output) : IClassFixture<TracedLocalHostFixture>
{
    // One W3C trace context for the whole case, as a client following one relocation sends it on each call.
    private const string TraceId = "5e1ec7ed0c0ffee0a11ce0b0b0cafe01";
    [Fact]
    public async Task ProtectedDetails_AfterFullScenario_AppearNowhereInClear()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        // Issue 14's fields too: the consent record (by whom, scope), the travel date and a review note live only in the case file.
        var travelOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(517).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var canaries = new[] { $"CanaryName{tag}", $"CanaryPlace{tag}", $"CanaryPhone{tag}", "1931-07-29", $"CanaryOfficer{tag}", $"CanaryScope{tag}", travelOn, $"CanaryReviewNote{tag}" };
        var s = new RelocationScenario(host, "7777");
        await s.SetUpStatesAsync();
        var body = new
        {
            caseReference = "ICC-01/04-01/77", pseudonym = "W-7777", kind = "TemporaryRelocation", priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = canaries[4], scope = canaries[5] },
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = canaries[0], dateOfBirth = canaries[3], currentLocation = canaries[1], contact = canaries[2] },
        };
        host.Http.DefaultRequestHeaders.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");
        var id = await s.RaiseAsync(body);
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var nor = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", nor);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = s.Accepting, decision = "Offer" });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        host.Http.DefaultRequestHeaders.Remove("traceparent");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/travel", RelocationScenario.Vwu, new { step = "Planned", plannedOn = travelOn, escort = true, documents = "Requested" });
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated" && v.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == JsonValueKind.String);
        // An extension asked of the State: the note stays in the case file, the State's message names none of it.
        await s.Ok(HttpMethod.Post, $"relocations/{id}/reviews", RelocationScenario.Vwu, new
        {
            outcome = "Extend", reviewedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            newEndDate = DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), note = canaries[7],
        });
        foreach (var role in new[] { Roles.RegistryAdmin, Roles.FinanceOfficer, Roles.Auditor })
        {
            await s.Send(HttpMethod.Get, $"relocations/{id}/case-file", TestTokens.For(role), null, HttpStatusCode.Forbidden);
            await s.Send(HttpMethod.Get, $"relocations/{id}", TestTokens.For(role), null, HttpStatusCode.Forbidden);
        }

        await s.Ok(HttpMethod.Get, "outbox", RelocationScenario.Admin);
        await s.Ok(HttpMethod.Get, "audit", TestTokens.For(Roles.Auditor));
        // VWU's own audited read works: the canaries are really in the case file.
        using var read = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = "canary check" });
        var file = await read.Content.ReadAsStringAsync();
        Assert.All(canaries, c => Assert.Contains(c, file, StringComparison.Ordinal));
        await Task.Delay(1000);

        var stored = await StorageDump.AllAsync(host.Azurite.ConnectionString);
        var logs = host.Host.Output.ToArray();
        await host.Telemetry.WaitForAsync(span => span.Name == "activity:RecordAcceptanceActivity" && span.Attribute("durabletask.task.instance_id") == id, TimeSpan.FromSeconds(30));
        var spans = host.Telemetry.Spans.ToArray();
        var leaks = stored.SelectMany(item => canaries.Where(c => item.Text.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in {item.Where}"))
            .Concat(s.OtherRolesAnswers.SelectMany(a => canaries.Where(c => a.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in an answer to a non-VWU role")))
            .Concat(logs.SelectMany(l => canaries.Where(c => l.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in the host log")))
            .Concat(spans.SelectMany(span => canaries.Where(c => span.RawText.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in span {span.Name}")))
            .ToArray();

        output.WriteLine($"Scanned {stored.Count} stored items, {s.OtherRolesAnswers.Count} answers to other roles, {logs.Length} log lines, {spans.Length} spans.");
        Assert.Empty(leaks);
        Assert.Contains(stored, item => item.Where.StartsWith("blob case-files/", StringComparison.Ordinal));
        // The scan does see what is there: the pseudonym, which may travel, is found in the task hub's history.
        Assert.Contains(stored, item => item.Where.StartsWith("table RelocationHub", StringComparison.OrdinalIgnoreCase) && item.Text.Contains("W-7777", StringComparison.Ordinal));
        Assert.Contains(stored, item => item.Where.StartsWith("table RelocationHub", StringComparison.OrdinalIgnoreCase));
        Assert.True(logs.Length > 10, "the host logged something to scan");
        AssertOneTrace(spans, id);
    }

    /// <summary>
    /// The relocation from request to acceptance is one trace: the API's spans continue the caller's context, the
    /// orchestration continues the request that started it, and every orchestration and activity span of this case,
    /// acceptance included, is in it.
    /// </summary>
    private void AssertOneTrace(CollectedSpan[] spans, string id)
    {
        var durable = spans.Where(span => span.Scope == "Microsoft.DurableTask" && span.Attribute("durabletask.task.instance_id") == id).ToArray();
        var api = spans.Where(span => span.Scope == "Relocation.Api" && span.Name is "CreateRelocation" or "PostRelocationResponse" or "AcceptRelocationOffer").ToArray();
        foreach (var span in durable.Concat(api))
        {
            output.WriteLine($"{span.TraceId} {span.ParentSpanId,-16} {span.SpanId} {span.Scope,-22} {span.Name}");
        }

        Assert.All(durable.Concat(api), span => Assert.Equal(TraceId, span.TraceId));
        Assert.Equal(["AcceptRelocationOffer", "CreateRelocation", "PostRelocationResponse"], api.Select(span => span.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(durable, span => span.Name == "activity:StartRelocationRoundActivity");
        Assert.Contains(durable, span => span.Name == "activity:HoldPlacesActivity");
        // The orchestration's start is a child of the API span of the request that created it.
        var create = Assert.Single(spans, span => span.Name == "CreateRelocation" && span.TraceId == TraceId);
        Assert.Contains(spans, span => span.Name.StartsWith("create_orchestration:", StringComparison.Ordinal) && span.ParentSpanId == create.SpanId);
        Assert.All(api, span => Assert.Equal("00f067aa0ba902b7", span.ParentSpanId));
    }
}
