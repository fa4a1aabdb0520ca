using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>Many acceptances racing for the same few places, over HTTP: never more held than registered, every loser a clear 409.</summary>
[Trait("Category", "Slow")]
public sealed class ConcurrencyTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const int Cases = 50;
    private const int Places = 10;

    [Fact]
    public async Task FiftyAcceptancesForTenPlaces_TenHeldFortyRefusedWith409()
    {
        var s = new RelocationScenario(host, "5000");
        var isl = TestTokens.For(Roles.StateFocalPoint, "ISL");
        await s.Ok(HttpMethod.Put, "states/ISL", RelocationScenario.Admin, new StateInputBuilder().With(i => i with { Name = "Iceland", Languages = ["en"] }).BuildBody());
        await s.Ok(HttpMethod.Post, "states/ISL/capacity", isl, new CapacityInputBuilder().With(i => i with
        {
            Places = Places, MaxHouseholdSize = 2, AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1),
        }).BuildBody());

        var ids = await Task.WhenAll(Enumerable.Range(0, Cases).Select(i => s.RaiseAsync(new
        {
            caseReference = $"ICC-02/05-{i:D2}", pseudonym = $"W-5{i:D3}", kind = "TemporaryRelocation", priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "P", dateOfBirth = "1990-01-01", currentLocation = "L", contact = "C" },
        })));
        await Task.WhenAll(ids.Select(id => s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers")));
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (id, _) =>
            await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", isl, new { stateCode = "ISL", decision = "Offer" }));

        var outcomes = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await host.SendAsync(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = "ISL" });
            var body = await LocalHostFixture.JsonAsync(response);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                // Still being processed when the answer was due: the case shows the outcome soon after.
                var view = await s.WaitAsync(id, v => v.TryGetProperty("lastAcceptance", out var a) && a.GetProperty("outcome").GetString() != "Processing");
                return view.GetProperty("lastAcceptance").GetProperty("outcome").GetString() == "Accepted" ? (200, (string?)null) : (409, view.GetProperty("lastAcceptance").GetProperty("reason").GetString());
            }

            return ((int)response.StatusCode, response.StatusCode == HttpStatusCode.Conflict ? body.GetProperty("detail").GetString() : null);
        }));

        var capacity = (await s.Ok(HttpMethod.Get, "states/ISL/capacity", RelocationScenario.Admin))[0];
        output.WriteLine($"Tried {Cases} acceptances for {Places} places: {outcomes.Count(o => o.Item1 == 200)} accepted, {outcomes.Count(o => o.Item1 == 409)} refused.");
        Assert.Equal(Places, outcomes.Count(o => o.Item1 == 200));
        Assert.Equal(Cases - Places, outcomes.Count(o => o.Item1 == 409));
        Assert.All(outcomes.Where(o => o.Item1 == 409), o => Assert.Contains("place", o.Item2, StringComparison.Ordinal));
        Assert.Equal((Places, 0), (capacity.GetProperty("held").GetInt32(), capacity.GetProperty("free").GetInt32()));
    }
}
