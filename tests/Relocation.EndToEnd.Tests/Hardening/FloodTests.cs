using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Hardening;

/// <summary>The local host with the shipped rate limit (not the tests' unlimited one).</summary>
public sealed class RateLimitedHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["RateLimit__Burst"] = "30",
        ["RateLimit__PerSecond"] = "2",
    };
}

/// <summary>
/// The attack of issue 13: a focal point whose State was asked posts refused answers to one Emergency case again and
/// again. The case must keep working for everyone else, the flooder must be slowed down, and every attempt must be on
/// the audit log.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FloodTests(RateLimitedHostFixture host, ITestOutputHelper output) : IClassFixture<RateLimitedHostFixture>
{
    private const int Attempts = 10_000;

    [Fact]
    public async Task Responses_TenThousandRefusedFromOneFocalPoint_CaseKeepsWorkingFlooderGets429AndEveryAttemptIsAudited()
    {
        var s = new RelocationScenario(host, "1913");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Flood Target", "Bunia", "+243 000"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var flooderSubject = $"flooder-{Guid.NewGuid():N}";
        var flooder = TestTokens.For(Roles.StateFocalPoint, s.Accepting, subject: flooderSubject);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", flooder, new { stateCode = s.Accepting, decision = "Offer", places = 3 });

        // The flood: the same State answering again, 8 at a time.
        var statuses = new ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var body = JsonSerializer.Serialize(new { stateCode = s.Accepting, decision = "Decline", note = new string('x', 400) });
        await Parallel.ForEachAsync(Enumerable.Range(0, Attempts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            using var response = await host.SendAsync(HttpMethod.Post, $"relocations/{id}/responses", flooder, body);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 without Retry-After");
            }
        });
        output.WriteLine($"{Attempts} refused answers in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}×{p.Value}"))}");

        // Everyone else's writes still work on that case.
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Declining), new { stateCode = s.Declining, decision = "Offer", places = 3 });
        var accepted = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        var cancelled = await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "Flood test over" });
        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);

        // Every attempt is on the audit log, with its outcome.
        var audited = new Dictionary<int, int>();
        string? page = null;
        do
        {
            var auditPage = await s.Ok(HttpMethod.Get, $"audit?actor={flooderSubject}" + (page is null ? string.Empty : $"&page={page}"), TestTokens.For(Roles.Auditor));
            foreach (var e in auditPage.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "PostRelocationResponse"))
            {
                var status = e.GetProperty("status").GetInt32();
                audited[status] = audited.GetValueOrDefault(status) + 1;
            }

            page = auditPage.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (page is not null);

        Assert.Equal(Attempts, statuses.Values.Sum());
        Assert.Equal([409, 429], statuses.Keys.Order());
        Assert.True(statuses[429] > Attempts / 2, "the flooder was hardly slowed down");
        Assert.Equal("OfferAccepted", accepted.GetProperty("status").GetString());
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.True(view.GetProperty("timeline").GetArrayLength() <= RelocationCase.MaxTimelineOnRow);
        Assert.Equal(statuses[409], audited.GetValueOrDefault(409));
        Assert.Equal(statuses[429], audited.GetValueOrDefault(429));
        Assert.Equal(1, audited.GetValueOrDefault(200));
    }
}
