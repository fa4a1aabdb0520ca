using System.Net;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>Two local hosts on one Azurite task hub share the work; when one is killed the other finishes its cases.</summary>
[Trait("Category", "Slow")]
public sealed class TwoHostTests(LocalHostFixture first, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const int Cases = 6;

    [Fact]
    public async Task TwoHostsOneTaskHub_KillOne_TheOtherFinishesEveryCase()
    {
        await using var second = new LocalHostProcess(first.Azurite.ConnectionString, workerId: "second-host");
        await second.StartAsync();
        var s = new RelocationScenario(first, "6000");
        await s.SetUpStatesAsync(places: 3 * Cases);
        var ids = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            ids.Add(await s.RaiseAsync(s.RequestBody("A", "B", "C")));
        }

        await Task.WhenAll(ids.Select(id => s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers")));
        await first.Host.KillAsync();

        // Everything from here goes to the second host only.
        var viaSecond = new LocalHostFixtureView(second);
        var nor = TestTokens.For(Roles.StateFocalPoint, "NOR");
        foreach (var id in ids)
        {
            await viaSecond.OkAsync(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = "NOR", decision = "Offer", places = 1 });
        }

        foreach (var id in ids)
        {
            using var accepted = await viaSecond.SendAsync(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = "NOR" });
            Assert.True(accepted.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"acceptance: {(int)accepted.StatusCode}");
        }

        foreach (var id in ids)
        {
            await viaSecond.WaitAsync(id, "OfferAccepted");
            await viaSecond.OkAsync(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        }

        foreach (var id in ids)
        {
            await viaSecond.WaitAsync(id, "Relocated");
        }

        output.WriteLine($"Tried {Cases} cases on 2 hosts, 1 kill -9; the second host finished all {Cases}.");
        await first.Host.StartAsync();
    }

    /// <summary>Plain HTTP against one host process.</summary>
    private sealed class LocalHostFixtureView(LocalHostProcess host)
    {
        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object body) =>
            host.Http.SendAsync(LocalHostProcess.Request(method, path, token, System.Net.Http.Json.JsonContent.Create(body)));

        public async Task OkAsync(HttpMethod method, string path, string token, object body)
        {
            using var response = await SendAsync(method, path, token, body);
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        public async Task WaitAsync(string id, string status)
        {
            for (var i = 0; i < 900; i++)
            {
                using var response = await host.Http.SendAsync(LocalHostProcess.Request(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu));
                var view = await LocalHostFixture.JsonAsync(response);
                if (response.IsSuccessStatusCode && view.GetProperty("status").GetString() == status)
                {
                    return;
                }

                await Task.Delay(200);
            }

            throw new TimeoutException($"{id} did not reach {status} on the second host.");
        }
    }
}
