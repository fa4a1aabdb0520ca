using System.Diagnostics;
using System.Net;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// A write killed mid-way (kill -9 while its Idempotency-Key is claimed) and retried with the same key after the
/// restart is answered correctly (the recorded answer, or a safe re-execution) within 10 s of /api/health, never with
/// the 409 "in progress" a dead owner's claim used to give for 2 minutes.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IdempotencyAfterCrashTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin, subject: "admin-idem");
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task SameKeyRetry_AfterKillMidRequest_AnsweredWithin10sOfHealth()
    {
        using (var put = await host.SendAsync(HttpMethod.Put, "states/PER", Admin, new StateInputBuilder().BuildBody()))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        foreach (var delay in new[] { 5, 40, 120 })
        {
            string id;
            using (var created = await host.SendAsync(HttpMethod.Post, "agreements", Admin, new AgreementInputBuilder().With(i => i with { StateCode = "PER" }).BuildBody(), Guid.NewGuid().ToString("N")))
            {
                id = (await LocalHostFixture.JsonAsync(created)).GetProperty("id").GetString()!;
            }

            var key = Guid.NewGuid().ToString("N");
            var body = new { @event = "Signed", date = Today };
            var first = host.SendAsync(HttpMethod.Post, $"agreements/{id}/events", Admin, body, key);
            await Task.Delay(delay);
            await host.Host.KillAsync();
            try
            {
                (await first).Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Killed under it, as intended.
            }

            await host.Host.StartAsync();
            var healthy = Stopwatch.StartNew();
            HttpStatusCode status;
            TimeSpan sent;
            do
            {
                sent = healthy.Elapsed;
                using var retry = await host.SendAsync(HttpMethod.Post, $"agreements/{id}/events", Admin, body, key);
                status = retry.StatusCode;
                if (status == HttpStatusCode.Conflict)
                {
                    await Task.Delay(250);
                }
            }
            while (status == HttpStatusCode.Conflict && healthy.Elapsed < TimeSpan.FromSeconds(30));

            // The retry that is answered was sent within 10 s of /api/health (the key is no longer locked by the dead
            // host); its answer is the applied event (200) or, while the restarted engine catches up, 202 after the
            // handler's own 5 s wait for the orchestration.
            output.WriteLine($"killed {delay} ms into the request: retry sent {sent.TotalMilliseconds:0} ms after /api/health answered {(int)status} at {healthy.ElapsedMilliseconds} ms");
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Accepted, $"The retry was answered {(int)status} {healthy.ElapsedMilliseconds} ms after the host was back.");
            Assert.True(sent < TimeSpan.FromSeconds(10), $"The key stayed locked {sent.TotalMilliseconds:0} ms after the host was back.");
            using var agreement = await host.SendAsync(HttpMethod.Get, $"agreements/{id}", Admin);
            var history = (await LocalHostFixture.JsonAsync(agreement)).GetProperty("history").EnumerateArray().Count(h => h.GetProperty("event").GetString() == "Signed");
            Assert.True(history <= 1, $"Signed was recorded {history} times.");
        }
    }
}
