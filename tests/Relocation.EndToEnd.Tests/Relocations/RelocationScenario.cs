using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>
/// The urgent relocation of the product, step by step over HTTP, shared by the end-to-end and canary tests: States with
/// agreements and capacity, an Emergency request, one State declining and one offering, acceptance, arrival.
/// </summary>
internal sealed class RelocationScenario(LocalHostFixture host, string suffix)
{
    public static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    public static readonly string Vwu = TestTokens.For(Roles.VwuOfficer, name: "VWU officer", subject: "vwu-e2e");

    /// <summary>Everything the non-VWU roles were answered, for the canary scan.</summary>
    public List<string> OtherRolesAnswers { get; } = [];

    public string Accepting { get; } = "NOR";

    public string Declining { get; } = "SWE";

    public string NotAsked { get; } = "FIN";

    public async Task SetUpStatesAsync(int places = 4)
    {
        foreach (var (code, agreement, fund) in new[] { (Accepting, true, false), (Declining, true, true), (NotAsked, false, false) })
        {
            await Ok(HttpMethod.Put, $"states/{code}", Admin, new StateInputBuilder().With(i => i with { Name = code, Languages = ["en"] }).BuildBody());
            await Ok(HttpMethod.Post, $"states/{code}/capacity", TestTokens.For(Roles.StateFocalPoint, code),
                new CapacityInputBuilder().With(i => i with { Places = places, MaxHouseholdSize = 5, AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), NeedsFundSupport = fund }).BuildBody());
            if (agreement)
            {
                var created = await Ok(HttpMethod.Post, "agreements", Admin, new AgreementInputBuilder().With(i => i with { StateCode = code }).BuildBody());
                var id = created.GetProperty("id").GetString();
                var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                await Ok(HttpMethod.Post, $"agreements/{id}/events", Admin, new { @event = "Signed", date = today });
                var inForce = await Ok(HttpMethod.Post, $"agreements/{id}/events", Admin, new { @event = "EnteredIntoForce", date = today });
                Assert.Equal("InForce", inForce.GetProperty("status").GetString());
            }
        }
    }

    public object RequestBody(string fullName, string location, string contact) => new
    {
        caseReference = $"ICC-01/04-01/{suffix}",
        pseudonym = $"W-{suffix}",
        kind = "TemporaryRelocation",
        priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
        household = new { adults = 2, children = 1 },
        needs = new { languages = new[] { "en" }, medicalCare = false },
        protectedPerson = new { fullName, dateOfBirth = "1987-04-12", currentLocation = location, contact },
    };

    /// <summary>A request of <paramref name="priority"/>, with or without the person's consent in the creation body.</summary>
    public object RequestBody(string priority, bool consent) => consent
        ? new
        {
            caseReference = $"ICC-01/04-01/{suffix}", pseudonym = $"W-{suffix}", kind = "TemporaryRelocation", priority,
            consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 2, children = 1 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Consent Example", dateOfBirth = "1987-04-12", currentLocation = "Bunia", contact = "+243 1" },
        }
        : new
        {
            caseReference = $"ICC-01/04-01/{suffix}", pseudonym = $"W-{suffix}", kind = "TemporaryRelocation", priority,
            household = new { adults = 2, children = 1 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Consent Example", dateOfBirth = "1987-04-12", currentLocation = "Bunia", contact = "+243 1" },
        };

    /// <summary>Offer by the accepting State, then VWU's acceptance (answered 200, or 202 and then followed).</summary>
    public async Task AcceptAsync(string id)
    {
        var focal = TestTokens.For(Roles.StateFocalPoint, Accepting);
        await WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await Ok(HttpMethod.Post, $"relocations/{id}/responses", focal, new { stateCode = Accepting, decision = "Offer" });
        var accepted = await Ok(HttpMethod.Post, $"relocations/{id}/acceptance", Vwu, new { stateCode = Accepting });
        if (accepted.GetProperty("status").GetString() != "OfferAccepted")
        {
            await WaitAsync(id, v => v.GetProperty("status").GetString() == "OfferAccepted");
        }
    }

    public static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<string> RaiseAsync(object body)
    {
        var created = await Send(HttpMethod.Post, "relocations", Vwu, body, HttpStatusCode.Accepted);
        // AwaitingOffers when the request opened round 1 itself (an Emergency, or a request with consent); Submitted otherwise.
        Assert.Contains(created.GetProperty("status").GetString(), new[] { "Submitted", "AwaitingOffers" });
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A case Finance can commit money to (a commitment must name an open case): a Normal request without consent stays
    /// Submitted and asks no State, so it changes nothing else the caller measures.
    /// </summary>
    public static Task<string> OpenCaseAsync(LocalHostFixture host, string suffix)
    {
        var scenario = new RelocationScenario(host, suffix);
        return scenario.RaiseAsync(scenario.RequestBody("Normal", consent: false));
    }

    public async Task<JsonElement> WaitAsync(string id, Func<JsonElement, bool> done)
    {
        for (var i = 0; i < 400; i++)
        {
            using var response = await host.SendAsync(HttpMethod.Get, $"relocations/{id}", Vwu);
            var view = await LocalHostFixture.JsonAsync(response);
            if (response.IsSuccessStatusCode && done(view))
            {
                return view;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Relocation {id} did not reach the expected state.");
    }

    public async Task<JsonElement> Ok(HttpMethod method, string path, string token, object? body = null) =>
        await Send(method, path, token, body, null);

    public async Task<JsonElement> Send(HttpMethod method, string path, string token, object? body, HttpStatusCode? expected)
    {
        using var response = await host.SendAsync(method, path, token, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!ReferenceEquals(token, Vwu))
        {
            OtherRolesAnswers.Add(text);
        }

        if (expected is { } status)
        {
            Assert.True(response.StatusCode == status, $"{method} {path}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        }
        else
        {
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static int Free(JsonElement capacityList) => capacityList.EnumerateArray().Sum(c => c.GetProperty("free").GetInt32());
}
