using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Notifications;

/// <summary>
/// Issue 12 against a real SMTP server: one whole relocation and the mails it sends, the inbox of every role, and the
/// operator's delivery view.
/// </summary>
public sealed class NotificationMailTests(MailHostFixture host) : IClassFixture<MailHostFixture>
{
    private static readonly string[] Asked = ["DNK", "NOR", "SWE"];

    [Fact]
    public async Task FullRelocation_ThreeAskedOneOfferAcceptedArrived_ExpectedMailsOnlyAndNoProtectedDetail()
    {
        // Arrange: three States with agreements in force and their own focal point; a request whose protected details are canaries.
        var tag = Guid.NewGuid().ToString("N")[..10];
        var canaries = new[] { $"CanaryName{tag}", $"CanaryPlace{tag}", $"CanaryPhone{tag}", "1931-07-29", $"ICC-01/04-01/{tag}" };
        var s = new RelocationScenario(host, "8101");
        await SetUpStatesAsync(s, Asked);
        var before = (await host.Mail.MailsAsync()).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);

        // Act: request, SWE declines, NOR offers, VWU accepts, arrival.
        var id = await s.RaiseAsync(Body("W-8101", canaries));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, "SWE"), new { stateCode = "SWE", decision = "Decline" });
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, "NOR"), new { stateCode = "NOR", decision = "Offer", places = 3 });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = "NOR" }, HttpStatusCode.OK);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated");
        string[] expected =
        [
            $"OfferRequest -> {MailAddresses.FocalPoint("DNK")}",
            $"OfferRequest -> {MailAddresses.FocalPoint("NOR")}",
            $"OfferRequest -> {MailAddresses.FocalPoint("SWE")}",
            $"OfferReceived -> {MailAddresses.Vwu}",
            $"AcceptanceCommitted -> {MailAddresses.Vwu}",
            $"OfferNoLongerNeeded -> {MailAddresses.FocalPoint("DNK")}",
            $"OfferNoLongerNeeded -> {MailAddresses.FocalPoint("SWE")}",
            $"ProtectionReview -> {MailAddresses.Vwu}",
        ];
        // The host is shared by this class: another test's mail can still be on its way (the inbox row is written before
        // the mail is sent), so only this case's mails are counted. Delivery is at least once: a mail sent again after a
        // lost "sent" record carries the same Message-Id, so one mail per Message-Id is what a recipient's client shows.
        var mails = await WaitForCaseMailsAsync("W-8101", before, expected.Length);

        // Assert: exactly the expected mails, at the expected addresses (the list is in the message when it fails).
        var got = mails.Select(m => $"{m.Kind} -> {string.Join(',', m.To)}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(
            expected.Order(StringComparer.Ordinal).SequenceEqual(got, StringComparer.Ordinal),
            "Mails received:\n" + string.Join('\n', mails.Select(m => $"{m.Kind} -> {string.Join(',', m.To)} <{m.MessageId}> {m.Subject}")));
        var everyNewMail = (await host.Mail.MailsAsync()).Where(m => !before.Contains(m.Id)).ToArray();
        foreach (var canary in canaries)
        {
            Assert.DoesNotContain(everyNewMail, m => m.Raw.Contains(canary, StringComparison.OrdinalIgnoreCase));
        }

        // Only VWU (and NOR's own request) may name the receiving State.
        Assert.DoesNotContain(mails, m => !m.To.Contains(MailAddresses.Vwu) && !m.To.Contains(MailAddresses.FocalPoint("NOR")) && m.Raw.Contains("NOR", StringComparison.Ordinal));
        var request = Assert.Single(mails, m => m.Kind == "OfferRequest" && m.To.Contains(MailAddresses.FocalPoint("DNK")));
        foreach (var needToKnow in new[] { "Priority: Emergency", "Household: 3 person(s)", "Languages: en", "Medical care needed: no", " UTC", $"http://127.0.0.1:{host.Host.Port}/focal/offers" })
        {
            Assert.Contains(needToKnow, request.Raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Inbox_EveryRole_OwnMessagesOnlyAndRegistryCannotReadVwu()
    {
        // Arrange: a request with an offer from NOR (VWU hears of it) to NOR, SWE and DNK.
        var s = new RelocationScenario(host, "8102");
        await SetUpStatesAsync(s, Asked);
        var id = await s.RaiseAsync(Body("W-8102", ["x1", "x2", "x3", "1990-01-01", "ICC-01/04-01/8102"]));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, "NOR"), new { stateCode = "NOR", decision = "Offer", places = 3 });
        var vwuItem = await WaitForItemAsync(RelocationScenario.Vwu, "OfferReceived", "W-8102");
        var norItem = await WaitForItemAsync(TestTokens.For(Roles.StateFocalPoint, "NOR"), "OfferRequest", "W-8102");

        // Act
        var inboxes = new Dictionary<string, JsonElement[]>(StringComparer.Ordinal);
        foreach (var (name, token) in Tokens())
        {
            inboxes[name] = await ItemsAsync(token);
        }

        var registryMarksVwu = await host.SendAsync(HttpMethod.Post, $"inbox/{vwuItem.GetProperty("id").GetString()}/read", RelocationScenario.Admin, idempotencyKey: "mark-1");
        var sweMarksNor = await host.SendAsync(HttpMethod.Post, $"inbox/{norItem.GetProperty("id").GetString()}/read", TestTokens.For(Roles.StateFocalPoint, "SWE"), idempotencyKey: "mark-2");
        var vwuMarks = await host.SendAsync(HttpMethod.Post, $"inbox/{vwuItem.GetProperty("id").GetString()}/read", RelocationScenario.Vwu, idempotencyKey: "mark-3");
        var vwuUnread = await ItemsAsync(RelocationScenario.Vwu, "?unread=true");

        // Assert: each sees only its own; marking another's is a 404 and marks nothing.
        Assert.Contains(inboxes["Vwu"], i => Id(i) == Id(vwuItem));
        Assert.Contains(inboxes["NOR"], i => Id(i) == Id(norItem));
        Assert.Contains(inboxes["SWE"], i => Kind(i) == "OfferRequest" && Text(i).Contains("W-8102", StringComparison.Ordinal));
        foreach (var (name, items) in inboxes.Where(p => p.Key != "Vwu"))
        {
            Assert.DoesNotContain(items, i => Id(i) == Id(vwuItem));
            Assert.DoesNotContain(items, i => Kind(i) == "OfferReceived");
        }

        foreach (var name in new[] { "Registry", "Finance", "Auditor", "SWE", "DNK", "Vwu" })
        {
            Assert.DoesNotContain(inboxes[name], i => Id(i) == Id(norItem));
        }

        Assert.DoesNotContain(inboxes["Registry"], i => Text(i).Contains("W-8102", StringComparison.Ordinal));
        Assert.Empty(inboxes["Auditor"]);
        Assert.Equal(HttpStatusCode.NotFound, registryMarksVwu.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sweMarksNor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, vwuMarks.StatusCode);
        Assert.DoesNotContain(vwuUnread, i => Id(i) == Id(vwuItem));
        Assert.All(inboxes.Values.SelectMany(i => i), i =>
        {
            Assert.Equal(32, Id(i).Length);
            Assert.Equal(JsonValueKind.String, i.GetProperty("createdAt").ValueKind);
            Assert.Equal(JsonValueKind.String, i.GetProperty("link").ValueKind);
        });
    }

    [Fact]
    public async Task Outbox_RegistryAdmin_DeliveryOnlyNeverSubjectBodyOrState()
    {
        // Arrange
        var s = new RelocationScenario(host, "8103");
        await SetUpStatesAsync(s, Asked);
        var id = await s.RaiseAsync(Body("W-8103", ["y1", "y2", "y3", "1990-01-02", "ICC-01/04-01/8103"]));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await WaitForItemAsync(TestTokens.For(Roles.StateFocalPoint, "DNK"), "OfferRequest", "W-8103");

        // Act
        using var all = await host.SendAsync(HttpMethod.Get, "outbox", RelocationScenario.Admin);
        var text = await all.Content.ReadAsStringAsync();
        using var bad = await host.SendAsync(HttpMethod.Get, "outbox?status=Lost", RelocationScenario.Admin);
        using var vwu = await host.SendAsync(HttpMethod.Get, "outbox", RelocationScenario.Vwu);
        using var openApi = await host.SendAsync(HttpMethod.Get, "openapi.json", null);
        var paths = (await LocalHostFixture.JsonAsync(openApi)).GetProperty("paths");

        // Assert
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var items = JsonDocument.Parse(text).RootElement.EnumerateArray().ToArray();
        Assert.Contains(items, i => i.GetProperty("kind").GetString() == "OfferRequest" && i.GetProperty("recipientRole").GetString() == Roles.StateFocalPoint);
        Assert.All(items, i =>
        {
            Assert.Equal(["attempts", "id", "kind", "recipientRole", "status"], i.EnumerateObject().Select(p => p.Name).Where(n => n != "lastError").Order(StringComparer.Ordinal));
            Assert.Contains(i.GetProperty("status").GetString(), new[] { "Pending", "Sent", "Failed" });
        });
        foreach (var leak in new[] { "W-8103", "NOR", "SWE", "DNK", "subject", "body" })
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, vwu.StatusCode);
        Assert.True(paths.TryGetProperty("/api/inbox", out _));
        Assert.True(paths.TryGetProperty("/api/inbox/{id}/read", out _));
        Assert.True(paths.TryGetProperty("/api/outbox", out _));
    }

    private static object Body(string pseudonym, string[] canaries) => new
    {
        caseReference = canaries[4],
        pseudonym,
        kind = "TemporaryRelocation",
        priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
        household = new { adults = 2, children = 1 },
        needs = new { languages = new[] { "en" }, medicalCare = false },
        protectedPerson = new { fullName = canaries[0], dateOfBirth = canaries[3], currentLocation = canaries[1], contact = canaries[2] },
    };

    /// <summary>States with a focal point whose address is <see cref="MailAddresses.FocalPoint"/>, and 20 places each.</summary>
    internal static async Task SetUpStatesAsync(RelocationScenario s, IEnumerable<string> codes)
    {
        foreach (var code in codes)
        {
            await s.Ok(HttpMethod.Put, $"states/{code}", RelocationScenario.Admin, new StateInputBuilder().With(i => i with
            {
                Name = code,
                Languages = ["en"],
                FocalPoints = [new Domain.States.FocalPointFields($"Focal point {code}", MailAddresses.FocalPoint(code), "+31 70 515 8515")],
            }).BuildBody());
            await s.Ok(HttpMethod.Post, $"states/{code}/capacity", TestTokens.For(Roles.StateFocalPoint, code),
                new CapacityInputBuilder().With(i => i with { Places = 20, MaxHouseholdSize = 5, AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), NeedsFundSupport = false }).BuildBody());
        }
    }

    private static IEnumerable<(string Name, string Token)> Tokens() =>
    [
        ("Vwu", RelocationScenario.Vwu),
        ("Registry", RelocationScenario.Admin),
        ("Finance", TestTokens.For(Roles.FinanceOfficer)),
        ("Auditor", TestTokens.For(Roles.Auditor)),
        ("NOR", TestTokens.For(Roles.StateFocalPoint, "NOR")),
        ("SWE", TestTokens.For(Roles.StateFocalPoint, "SWE")),
        ("DNK", TestTokens.For(Roles.StateFocalPoint, "DNK")),
    ];

    private async Task<JsonElement[]> ItemsAsync(string token, string query = "")
    {
        var items = new List<JsonElement>();
        string? page = null;
        do
        {
            using var response = await host.SendAsync(HttpMethod.Get, "inbox" + (query.Length > 0 ? query + (page is null ? "" : $"&page={page}") : page is null ? "" : $"?page={page}"), token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await LocalHostFixture.JsonAsync(response);
            items.AddRange(json.GetProperty("items").EnumerateArray());
            page = json.TryGetProperty("nextPage", out var next) ? next.GetString() : null;
        }
        while (page is not null);

        return items.ToArray();
    }

    private async Task<JsonElement> WaitForItemAsync(string token, string kind, string pseudonym)
    {
        for (var i = 0; i < 300; i++)
        {
            var found = (await ItemsAsync(token)).FirstOrDefault(x => Kind(x) == kind && Text(x).Contains(pseudonym, StringComparison.Ordinal));
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No {kind} for {pseudonym} in the inbox.");
    }

    private static string Id(JsonElement item) => item.GetProperty("id").GetString()!;

    private static string Kind(JsonElement item) => item.GetProperty("kind").GetString()!;

    private static string Text(JsonElement item) => item.GetProperty("subject").GetString() + "\n" + item.GetProperty("body").GetString();

    /// <summary>The mails that name <paramref name="pseudonym"/>, one per Message-Id, once <paramref name="count"/> are in and no more came for 4 s.</summary>
    private async Task<ReceivedMail[]> WaitForCaseMailsAsync(string pseudonym, HashSet<string> before, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var mails = (await host.Mail.MailsAsync())
                .Where(m => !before.Contains(m.Id) && m.Raw.Contains(pseudonym, StringComparison.Ordinal))
                .DistinctBy(m => m.MessageId, StringComparer.Ordinal).ToArray();
            if (mails.Length >= count || DateTime.UtcNow > deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(4));
                return (await host.Mail.MailsAsync())
                    .Where(m => !before.Contains(m.Id) && m.Raw.Contains(pseudonym, StringComparison.Ordinal))
                    .DistinctBy(m => m.MessageId, StringComparer.Ordinal).ToArray();
            }

            await Task.Delay(250);
        }
    }
}
