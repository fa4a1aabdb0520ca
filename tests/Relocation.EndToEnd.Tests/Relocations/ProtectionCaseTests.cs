using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Fund;
using Relocation.Domain.Security;
using Relocation.Storage;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>A local host whose relocation clock after acceptance runs fast: 7 days become about 18 s (rounds keep their real clock).</summary>
public sealed class PlacementClockHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Workflows__Relocations__PlacementClockScale"] = "0.00003",
    };
}

/// <summary>Issue 14 over HTTP: consent gate, withdrawal with a linked re-relocation, travel steps.</summary>
[Trait("Category", "Slow")]
public sealed class ProtectionCaseTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly Dictionary<string, string> Reason = new() { ["X-Access-Reason"] = "protection case test" };

    [Fact]
    public async Task Consent_NormalWithoutConsent_StaysSubmittedAsksNoStateUntilRecorded()
    {
        var s = new RelocationScenario(host, "1401");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Normal", consent: false));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var held = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
        Assert.Equal("Submitted", held.GetProperty("status").GetString());
        Assert.False(held.GetProperty("consentRecorded").GetBoolean());
        Assert.Equal(0, held.GetProperty("rounds").GetArrayLength());
        foreach (var code in new[] { s.Accepting, s.Declining, s.NotAsked })
        {
            var requests = await s.Ok(HttpMethod.Get, $"states/{code}/offer-requests", TestTokens.For(Roles.StateFocalPoint, code));
            Assert.DoesNotContain(requests.EnumerateArray(), r => r.GetProperty("relocationId").GetString() == id);
        }

        await s.Send(HttpMethod.Post, $"relocations/{id}/consent", RelocationScenario.Vwu, new { givenOn = "2999-01-01", recordedBy = "x", scope = "y" }, HttpStatusCode.BadRequest);
        var consented = await s.Ok(HttpMethod.Post, $"relocations/{id}/consent", RelocationScenario.Vwu,
            new { givenOn = RelocationScenario.Today, recordedBy = "VWU field officer", scope = "Relocation to a third State" });
        var asking = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");

        Assert.True(consented.GetProperty("consentRecorded").GetBoolean());
        Assert.Equal(RelocationScenario.Today, consented.GetProperty("consentOn").GetString());
        Assert.DoesNotContain("Relocation to a third State", asking.GetRawText(), StringComparison.Ordinal);
        Assert.True(asking.GetProperty("rounds")[0].GetProperty("askedStates").GetArrayLength() > 0);
        using var file = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: Reason);
        var consent = (await LocalHostFixture.JsonAsync(file)).GetProperty("consent");
        Assert.Equal("Relocation to a third State", consent.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Consent_EmergencyWithoutConsent_SentAtOnceAcceptanceRefusedUntilRecorded()
    {
        var s = new RelocationScenario(host, "1402");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: false));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Accepting), new { stateCode = s.Accepting, decision = "Offer" });

        var refused = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.Conflict);
        Assert.Contains("consent", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ConsentRequired", refused.GetProperty("code").GetString());

        await s.Ok(HttpMethod.Post, $"relocations/{id}/consent", RelocationScenario.Vwu, new { givenOn = RelocationScenario.Today, recordedBy = "VWU", scope = "Emergency move" });
        var accepted = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        Assert.Equal("OfferAccepted", accepted.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Withdrawal_ReceivingState_LinkedEmergencyWithoutThatStateCaseFileUnderNewIdOnly()
    {
        var s = new RelocationScenario(host, "1403");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Urgent", consent: true));
        // Other tests of the class share the host and may hold places of the same State: compare with before.
        static int Taken(JsonElement list) => list.EnumerateArray().Sum(c => c.GetProperty("used").GetInt32() + c.GetProperty("held").GetInt32());
        var before = Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));
        await s.AcceptAsync(id);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/travel", RelocationScenario.Vwu, new { step = "Planned", plannedOn = RelocationScenario.Today, escort = true, documents = "Issued" });
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated");
        var body = new { stateCode = s.Accepting, reason = "Reception centre closed", effectiveOn = RelocationScenario.Today };

        await s.Send(HttpMethod.Post, $"relocations/{id}/withdrawal", TestTokens.For(Roles.StateFocalPoint, s.Declining), body, HttpStatusCode.Forbidden);
        await s.Send(HttpMethod.Post, $"relocations/{id}/withdrawal", TestTokens.For(Roles.StateFocalPoint, s.Declining),
            new { stateCode = s.Declining, reason = "not ours", effectiveOn = RelocationScenario.Today }, HttpStatusCode.Forbidden);
        var answer = await s.Send(HttpMethod.Post, $"relocations/{id}/withdrawal", TestTokens.For(Roles.StateFocalPoint, s.Accepting), body, HttpStatusCode.Accepted);
        var next = answer.GetProperty("reRelocationId").GetString()!;

        Assert.Equal(id, answer.GetProperty("id").GetString());
        var old = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Withdrawn");
        Assert.Equal(next, old.GetProperty("reRelocationId").GetString());
        var linked = await s.WaitAsync(next, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        Assert.Equal("Emergency", linked.GetProperty("priority").GetString());
        Assert.Equal(id, linked.GetProperty("linkedFrom").GetString());
        Assert.Equal([s.Accepting], linked.GetProperty("excludedStates").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(s.Accepting, linked.GetProperty("rounds")[0].GetProperty("askedStates").EnumerateArray().Select(e => e.GetString()));
        var candidates = await s.Ok(HttpMethod.Get, $"relocations/{next}/candidates", RelocationScenario.Vwu);
        Assert.DoesNotContain(candidates.EnumerateArray(), c => c.GetProperty("stateCode").GetString() == s.Accepting);

        // The case file: readable under the new id (with the travel record), gone from the old one.
        using (var file = await host.SendAsync(HttpMethod.Get, $"relocations/{next}/case-file", RelocationScenario.Vwu, headers: Reason))
        {
            var view = await LocalHostFixture.JsonAsync(file);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("Consent Example", view.GetProperty("fullName").GetString());
            Assert.Equal(id, view.GetProperty("reboundFrom").GetString());
            Assert.True(view.GetProperty("travel")[0].GetProperty("escort").GetBoolean());
        }

        HttpStatusCode oldRead = HttpStatusCode.OK;
        for (var i = 0; i < 100 && oldRead != HttpStatusCode.NotFound; i++)
        {
            using var gone = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: Reason);
            oldRead = gone.StatusCode;
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.NotFound, oldRead);
        var capacity = await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin);
        Assert.Equal(before, Taken(capacity));
    }
}

/// <summary>The relocation statistics over HTTP: Registry only, this year's few cases all suppressed as "&lt;5".</summary>
[Trait("Category", "Slow")]
public sealed class RelocationStatisticsRouteTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task GetReport_FewCases_RegistryOnlyAndSmallCellsSuppressed()
    {
        var s = new RelocationScenario(host, "1407");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.AcceptAsync(id);
        var year = DateTime.UtcNow.Year;

        await s.Send(HttpMethod.Get, $"reports/relocations?year={year}", RelocationScenario.Vwu, null, HttpStatusCode.Forbidden);
        await s.Send(HttpMethod.Get, "reports/relocations?year=abc", RelocationScenario.Admin, null, HttpStatusCode.BadRequest);
        var report = await s.Ok(HttpMethod.Get, $"reports/relocations?year={year}", RelocationScenario.Admin);

        Assert.Equal("<5", report.GetProperty("requests").GetString());
        var row = Assert.Single(report.GetProperty("byPriorityAndKind").EnumerateArray());
        Assert.Equal("<5", row.GetProperty("hoursToFirstOffer").GetProperty("median").GetString());
        Assert.DoesNotContain("W-1407", report.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(s.Accepting, report.GetRawText(), StringComparison.Ordinal);
    }
}

/// <summary>The relocation clock after acceptance on the real timer path of the local host, killed with -9 halfway.</summary>
[Trait("Category", "Slow")]
public sealed class PlacementClockTests(PlacementClockHostFixture host) : IClassFixture<PlacementClockHostFixture>
{
    [Fact]
    public async Task AcceptedNotArrived_KilledHalfway_BecomesOverdueAndRegistryIsTold_ArrivalClearsIt()
    {
        // Tried: 1 case, 1 kill -9 between acceptance and the due time, 1 restart.
        var s = new RelocationScenario(host, "1404");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.AcceptAsync(id);
        var accepted = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
        Assert.Equal("OfferAccepted", accepted.GetProperty("status").GetString());

        await host.CrashAndRestartAsync();

        var overdue = await WaitLongAsync(s, id, "Overdue");
        Assert.True(DateTimeOffset.UtcNow >= overdue.GetProperty("relocationDueAt").GetDateTimeOffset());
        var registry = await InboxAsync(RelocationScenario.Admin, "W-1404", "RelocationOverdue");
        var vwu = await InboxAsync(RelocationScenario.Vwu, "W-1404", "RelocationDueReminder");
        Assert.Single(registry);
        Assert.Equal(2, vwu.Count);

        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated");
    }

    private static async Task<JsonElement> WaitLongAsync(RelocationScenario s, string id, string status)
    {
        for (var i = 0; i < 12; i++)
        {
            try
            {
                return await s.WaitAsync(id, v => v.GetProperty("status").GetString() == status);
            }
            catch (TimeoutException) when (i < 11)
            {
            }
        }

        throw new TimeoutException($"{id} never became {status}.");
    }

    private Task<List<JsonElement>> InboxAsync(string token, string pseudonym, string kind) =>
        ProtectionInbox.WaitAsync(host, token, pseudonym, kind, attempts: 100);
}

/// <summary>A local host whose clocks after acceptance run very fast: 7 days ≈ 1 s, the six-month review ≈ 31 s.</summary>
public sealed class ReviewClockHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Workflows__Relocations__PlacementClockScale"] = "0.000002",
    };
}

/// <summary>Protection reviews over HTTP, and the review timer across a kill -9.</summary>
[Trait("Category", "Slow")]
public sealed class ProtectionReviewTests(ReviewClockHostFixture host) : IClassFixture<ReviewClockHostFixture>
{
    private static int Taken(JsonElement list) => list.EnumerateArray().Sum(c => c.GetProperty("used").GetInt32() + c.GetProperty("held").GetInt32());

    private static async Task<string> PlacedAsync(RelocationScenario s)
    {
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.AcceptAsync(id);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated" && v.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == JsonValueKind.String);
        return id;
    }

    [Fact]
    public async Task Review_ExtendConfirmedByStateThenEnd_EndDateSetThenEndedAndPlacesReleased()
    {
        var s = new RelocationScenario(host, "1405");
        await s.SetUpStatesAsync();
        var before = Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));
        var id = await PlacedAsync(s);
        var focal = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        var newEnd = DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await s.Ok(HttpMethod.Post, $"relocations/{id}/reviews", RelocationScenario.Vwu, new { outcome = "Extend", reviewedOn = RelocationScenario.Today, newEndDate = newEnd, note = "Threat persists" });
        var asked = await ProtectionInbox.WaitAsync(host, focal, "W-1405", "ExtensionRequest");
        await s.Send(HttpMethod.Post, $"relocations/{id}/extension", TestTokens.For(Roles.StateFocalPoint, s.Declining), new { stateCode = s.Declining, decision = "Confirm" }, HttpStatusCode.Forbidden);
        var confirmed = await s.Ok(HttpMethod.Post, $"relocations/{id}/extension", focal, new { stateCode = s.Accepting, decision = "Confirm" });

        Assert.Single(asked);
        Assert.Equal(newEnd, confirmed.GetProperty("protectionEndsOn").GetString());
        var extended = await s.WaitAsync(id, v => v.TryGetProperty("protectionEndsOn", out var end) && end.ValueKind == JsonValueKind.String);
        Assert.Equal("Relocated", extended.GetProperty("status").GetString());
        Assert.Single(await ProtectionInbox.WaitAsync(host, RelocationScenario.Vwu, "W-1405", "ExtensionConfirmed"));

        await s.Ok(HttpMethod.Post, $"relocations/{id}/reviews", RelocationScenario.Vwu, new { outcome = "End", reviewedOn = RelocationScenario.Today, note = "Safe to return" });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Ended");
        for (var i = 0; i < 100 && Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)) != before; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(before, Taken(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)));
    }

    [Fact]
    public async Task Review_EndOnFundedPlacement_CommitmentReleasedAndLedgerSumsToZero()
    {
        // A placement the Special Fund pays for (SWE's places need fund support): End releases places and money.
        var s = new RelocationScenario(host, "1407");
        await s.SetUpStatesAsync();
        var finance = TestTokens.For(Roles.FinanceOfficer);
        await s.Send(HttpMethod.Post, "fund/receipts", finance,
            new { donorStateCode = "NOR", amount = new { value = 20000m, currency = "EUR" }, eurValue = 20000m, date = RelocationScenario.Today }, HttpStatusCode.Created);
        var before = await s.Ok(HttpMethod.Get, "fund/balance", finance);
        var placesBefore = Taken(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/capacity", RelocationScenario.Admin));
        var id = await s.RaiseAsync(s.RequestBody("Emergency", consent: true));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Declining),
            new { stateCode = s.Declining, decision = "Offer", estimatedCost = new { amount = 4200.50m, currency = "EUR" } });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Declining }, HttpStatusCode.OK);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated" && v.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == JsonValueKind.String);
        var committed = await s.Ok(HttpMethod.Get, "fund/balance", finance);

        await s.Ok(HttpMethod.Post, $"relocations/{id}/reviews", RelocationScenario.Vwu, new { outcome = "End", reviewedOn = RelocationScenario.Today, note = "Safe to return" });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Ended");
        var released = committed;
        for (var i = 0; i < 100 && released.GetProperty("committed").GetDecimal() != before.GetProperty("committed").GetDecimal(); i++)
        {
            await Task.Delay(100);
            released = await s.Ok(HttpMethod.Get, "fund/balance", finance);
        }

        Assert.Equal(before.GetProperty("committed").GetDecimal() + 4200.50m, committed.GetProperty("committed").GetDecimal());
        Assert.Equal(before.GetProperty("committed").GetDecimal(), released.GetProperty("committed").GetDecimal());
        Assert.Equal(before.GetProperty("available").GetDecimal(), released.GetProperty("available").GetDecimal());
        Assert.Equal(placesBefore, Taken(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/capacity", RelocationScenario.Admin)));
        Assert.Equal(0, await LedgerSumAsync(host.Azurite.ConnectionString));
    }

    /// <summary>The sum of every entry of every posting in the ledger, in euro cents: zero in a balanced ledger.</summary>
    private static async Task<long> LedgerSumAsync(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataStorage"] = connectionString }).Build();
        await using var services = new ServiceCollection().AddRelocationStorage(configuration).BuildServiceProvider();
        var ledger = services.GetRequiredService<IFundLedger>();
        long sum = 0;
        await foreach (var posting in ledger.ReadAllAsync(CancellationToken.None))
        {
            sum += posting.Entries.Sum(e => e.EurMinor);
        }

        return sum;
    }

    [Fact]
    public async Task ReviewNotRecorded_KilledAfterArrival_ReviewTimerEscalatesToRegistryAfterRestart()
    {
        // Tried: 1 placed temporary relocation, 1 kill -9 while its review timer runs, 1 restart.
        var s = new RelocationScenario(host, "1406");
        await s.SetUpStatesAsync();
        var id = await PlacedAsync(s);

        await host.CrashAndRestartAsync();

        var registry = await ProtectionInbox.WaitAsync(host, RelocationScenario.Admin, "W-1406", "ReviewOverdue", attempts: 600);
        Assert.Single(registry);
        Assert.Equal("Relocated", (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("status").GetString());
    }
}

/// <summary>Reads a role's inbox until messages of a kind about a pseudonym arrive.</summary>
internal static class ProtectionInbox
{
    public static async Task<List<JsonElement>> WaitAsync(LocalHostFixture host, string token, string pseudonym, string kind, int attempts = 150)
    {
        for (var i = 0; i < attempts; i++)
        {
            using var response = await host.SendAsync(HttpMethod.Get, "inbox", token);
            if (response.IsSuccessStatusCode)
            {
                var items = (await LocalHostFixture.JsonAsync(response)).GetProperty("items").EnumerateArray()
                    .Where(m => m.GetProperty("kind").GetString() == kind && m.GetProperty("subject").GetString()!.Contains(pseudonym, StringComparison.Ordinal)).ToList();
                if (items.Count > 0)
                {
                    return items;
                }
            }

            await Task.Delay(200);
        }

        return [];
    }
}
