using System.Net;
using System.Text.Json;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>The urgent relocation end to end over HTTP on the local host.</summary>
public sealed class RelocationEndToEndTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task EmergencyRequest_DeclineOfferAcceptArrive_CompletesWithFullTimeline()
    {
        var s = new RelocationScenario(host, "1001");
        await s.SetUpStatesAsync();
        var nor = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        var swe = TestTokens.For(Roles.StateFocalPoint, s.Declining);
        var fin = TestTokens.For(Roles.StateFocalPoint, s.NotAsked);
        var freeBefore = RelocationScenario.Free(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));

        var id = await s.RaiseAsync(s.RequestBody("Amina Example", "Bunia, Ituri", "+243 000 000"));
        var waiting = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");

        // Round 1 asks the States with an agreement in force, and only they see the request.
        var asked = waiting.GetProperty("rounds")[0].GetProperty("askedStates").EnumerateArray().Select(x => x.GetString()).Order().ToArray();
        Assert.Equal(new[] { s.Accepting, s.Declining }.Order(), asked);
        var seenByNor = await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", nor);
        var request = Assert.Single(seenByNor.EnumerateArray(), r => r.GetProperty("relocationId").GetString() == id);
        Assert.Equal(3, request.GetProperty("householdSize").GetInt32());
        Assert.Equal("W-1001", request.GetProperty("pseudonym").GetString());
        Assert.False(request.TryGetProperty("caseReference", out _));
        Assert.DoesNotContain((await s.Ok(HttpMethod.Get, $"states/{s.NotAsked}/offer-requests", fin)).EnumerateArray(), r => r.GetProperty("relocationId").GetString() == id);
        await s.Send(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", swe, null, HttpStatusCode.Forbidden);

        // A State not asked: 403; one declines, one offers; a second answer: 409.
        await s.Send(HttpMethod.Post, $"relocations/{id}/responses", fin, new { stateCode = s.NotAsked, decision = "Offer" }, HttpStatusCode.Forbidden);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", swe, new { stateCode = s.Declining, decision = "Decline", note = "No place this month" });
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = s.Accepting, decision = "Offer", places = 3, estimatedCost = new { value = 4200.50m, currency = "EUR" } });
        await s.Send(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = s.Accepting, decision = "Decline" }, HttpStatusCode.Conflict);
        await s.Send(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = s.Declining, decision = "Offer" }, HttpStatusCode.Forbidden);

        // Accepting a State that did not offer: 409; accepting the offer holds the places.
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Declining }, HttpStatusCode.Conflict);
        var accepted = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        Assert.Equal("OfferAccepted", accepted.GetProperty("status").GetString());
        var held = await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin);
        Assert.Equal(freeBefore - 3, RelocationScenario.Free(held));
        Assert.DoesNotContain((await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", nor)).EnumerateArray(), r => r.GetProperty("relocationId").GetString() == id);

        var arrived = await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal("Relocated", arrived.GetProperty("status").GetString());
        var used = await WaitForCapacityAsync(s, c => c.GetProperty("used").GetInt32() == 3);
        Assert.Equal(0, used.GetProperty("held").GetInt32());

        var timeline = (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("what").GetString()).ToArray();
        foreach (var step in new[] { "Submitted", "RoundStarted", "DeclineReceived", "OfferReceived", "AcceptanceRequested", "OfferAccepted", "Arrived" })
        {
            Assert.Contains(step, timeline);
        }

        // Each recipient finds its notifications in its own inbox (the outbox is a delivery view without content).
        Assert.Contains("OfferRequest", await WaitForInboxAsync(s, nor, "W-1001", "OfferRequest"));
        Assert.Contains("OfferNoLongerNeeded", await WaitForInboxAsync(s, swe, "W-1001", "OfferNoLongerNeeded"));
        Assert.Contains("ProtectionReview", await WaitForInboxAsync(s, RelocationScenario.Vwu, "W-1001", "ProtectionReview"));
    }

    [Fact]
    public async Task Arrival_AfterAcceptance_AnsweredWithReviewDueAndThePlacesAlreadyUsed()
    {
        var s = new RelocationScenario(host, "1919");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Arrival Example", "Bunia, Ituri", "+243 333 333"));
        await s.AcceptAsync(id);
        var usedBefore = Used(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));

        var arrived = await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = RelocationScenario.Today });
        var usedAnswered = Used(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));

        // The request applied the arrival (ArriveWithRequest): the answer has the review date, the places are used.
        Assert.Equal("Relocated", arrived.GetProperty("status").GetString());
        Assert.True(arrived.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == JsonValueKind.String, arrived.ToString());
        Assert.Equal(usedBefore + 3, usedAnswered);
        Assert.Contains("ProtectionReview", await WaitForInboxAsync(s, RelocationScenario.Vwu, "W-1919", "ProtectionReview"));
        Assert.Equal(due.GetString(), (await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu)).GetProperty("reviewDueAt").GetString());
    }

    private static int Used(JsonElement capacityList) => capacityList.EnumerateArray().Sum(c => c.GetProperty("used").GetInt32());

    [Fact]
    public async Task CaseFile_OnlyVwuWithReason_AndEveryReadAudited()
    {
        var s = new RelocationScenario(host, "1002");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Jean Example", "Goma", "+243 111 111"));

        await s.Send(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, null, HttpStatusCode.BadRequest);
        foreach (var role in new[] { Roles.RegistryAdmin, Roles.FinanceOfficer, Roles.Auditor })
        {
            await s.Send(HttpMethod.Get, $"relocations/{id}/case-file", TestTokens.For(role), null, HttpStatusCode.Forbidden);
        }

        using var response = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = "Checking contact before transfer" });
        var file = await LocalHostFixture.JsonAsync(response);
        var audit = await s.Ok(HttpMethod.Get, "audit?actor=vwu-e2e", TestTokens.For(Roles.Auditor));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Jean Example", "Goma", "+243 111 111", "1987-04-12"),
            (file.GetProperty("fullName").GetString(), file.GetProperty("currentLocation").GetString(), file.GetProperty("contact").GetString(), file.GetProperty("dateOfBirth").GetString()));
        var read = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "GetCaseFile" && e.GetProperty("status").GetInt32() == 200 && e.GetProperty("resource").GetString()!.Contains(id, StringComparison.Ordinal));
        Assert.Equal("Checking contact before transfer", read.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Acceptance_CapacityNeedsFundWithoutMoney_Is409AndCaseKeepsWaiting()
    {
        var s = new RelocationScenario(host, "1003");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var swe = TestTokens.For(Roles.StateFocalPoint, s.Declining);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", swe, new { stateCode = s.Declining, decision = "Offer", estimatedCost = new { amount = 999999.99m, currency = "EUR" } });
        var freeBefore = RelocationScenario.Free(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/capacity", RelocationScenario.Admin));

        var refused = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Declining }, HttpStatusCode.Conflict);
        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);

        Assert.Contains("Special Fund", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("AwaitingOffers", view.GetProperty("status").GetString());
        Assert.Equal(freeBefore, RelocationScenario.Free(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/capacity", RelocationScenario.Admin)));
    }

    [Fact]
    public async Task Acceptance_Refused_ReasonAndEveryTimelineDetailHaveTheirCodeBesideTheEnglish()
    {
        var s = new RelocationScenario(host, "1034");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var swe = TestTokens.For(Roles.StateFocalPoint, s.Declining);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", swe, new { stateCode = s.Declining, decision = "Offer", estimatedCost = new { amount = 999999.99m, currency = "EUR" } });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Declining }, HttpStatusCode.Conflict);

        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
        var page = await s.Ok(HttpMethod.Get, $"relocations/{id}/timeline", RelocationScenario.Vwu);

        // Additive: the English reason and details stay as they were, each with its code beside it.
        var last = view.GetProperty("lastAcceptance");
        Assert.StartsWith("The Special Fund cannot cover 999999.99 EUR", last.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("RefusedFundShort", last.GetProperty("explanation").GetProperty("code").GetString());
        Assert.Equal("999999.99", last.GetProperty("explanation").GetProperty("args").GetProperty("amount").GetString());
        foreach (var entries in new[] { view.GetProperty("timeline"), page.GetProperty("items") })
        {
            Assert.NotEmpty(entries.EnumerateArray());
            Assert.All(entries.EnumerateArray(), t =>
            {
                Assert.False(string.IsNullOrEmpty(t.GetProperty("detail").GetString()));
                Assert.True(Enum.TryParse<CaseDetailCode>(t.GetProperty("explanation").GetProperty("code").GetString(), out _), t.GetRawText());
            });
        }

        var answered = Assert.Single(view.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString() == "OfferReceived").GetProperty("explanation");
        Assert.Equal(("Answered", s.Declining, "Offer"), (answered.GetProperty("code").GetString(), answered.GetProperty("args").GetProperty("state").GetString(), answered.GetProperty("args").GetProperty("decision").GetString()));
    }

    [Fact]
    public async Task Cancellation_AfterAcceptance_ReleasesHeldPlaces()
    {
        var s = new RelocationScenario(host, "1004");
        await s.SetUpStatesAsync();
        var freeBefore = RelocationScenario.Free(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin));
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Accepting), new { stateCode = s.Accepting, decision = "Offer" });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);

        var cancelled = await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "Threat assessment changed" });
        var capacity = await WaitForCapacityAsync(s, c => c.GetProperty("held").GetInt32() == 0, freeBefore);

        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(freeBefore, RelocationScenario.Free(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)));
        Assert.Equal(0, capacity.GetProperty("held").GetInt32());
        await s.Send(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = "2026-11-28" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Create_SameIdempotencyKeyTwice_StartsOneCase()
    {
        var s = new RelocationScenario(host, "1015");
        var key = Guid.NewGuid().ToString();
        var body = s.RequestBody("Twice Example", "Kinshasa", "+243 222");

        using var first = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, key);
        using var second = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, key);
        var (a, b) = (await LocalHostFixture.JsonAsync(first), await LocalHostFixture.JsonAsync(second));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal($"/api/relocations/{a.GetProperty("id").GetString()}", a.GetProperty("statusUrl").GetString());
        var timeline = (await s.WaitAsync(a.GetProperty("id").GetString()!, v => v.GetProperty("status").GetString() != "Submitted")).GetProperty("timeline");
        Assert.Single(timeline.EnumerateArray(), t => t.GetProperty("what").GetString() == "Submitted");
    }

    [Fact]
    public async Task Create_SameKeyWithAnotherBody_Is409AndTheFirstCaseAndItsCaseFileStayAsTheyWere()
    {
        var s = new RelocationScenario(host, "1016");
        await s.SetUpStatesAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("First Example", "Goma", "+243 555"), key);
        var id = (await LocalHostFixture.JsonAsync(first)).GetProperty("id").GetString()!;
        var before = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);

        // The create's handler starts the orchestration's schedule before the key's claim is known (the claim beside the
        // schedule): the claim must still stop every write of a request it does not let through.
        using var second = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Second Example", "Bunia", "+243 666"), key);
        using var file = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = "Checking the file after a reused key" });
        var after = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Conflict), (first.StatusCode, second.StatusCode));
        var person = await LocalHostFixture.JsonAsync(file);
        Assert.Equal(("First Example", "Goma"), (person.GetProperty("fullName").GetString(), person.GetProperty("currentLocation").GetString()));
        Assert.Equal(before.GetProperty("rounds").GetRawText(), after.GetProperty("rounds").GetRawText());
        Assert.Single(after.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("what").GetString() == "Submitted");
    }

    [Fact]
    public async Task Create_Emergency_AnswersAwaitingOffersWithRoundOneAlreadyOnTheCase()
    {
        var s = new RelocationScenario(host, "1017");
        await s.SetUpStatesAsync();

        var created = await s.Send(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Early Example", "Goma", "+243 444"), HttpStatusCode.Accepted);
        var id = created.GetProperty("id").GetString()!;
        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);

        // The request opened the round before answering: no wait for the engine's dispatch.
        Assert.Equal("AwaitingOffers", created.GetProperty("status").GetString());
        Assert.Equal("AwaitingOffers", view.GetProperty("status").GetString());
        var round = Assert.Single(view.GetProperty("rounds").EnumerateArray());
        Assert.NotEmpty(round.GetProperty("askedStates").EnumerateArray());
        // The orchestration's activity follows and keeps that round: still one round, same States, once it has run.
        var asked = round.GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()).ToArray();
        var after = await s.WaitAsync(id, v => v.GetProperty("timeline").EnumerateArray().Count(t => t.GetProperty("what").GetString() == "RoundStarted") == 1);
        Assert.Equal(asked, Assert.Single(after.GetProperty("rounds").EnumerateArray()).GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()).ToArray());
    }

    [Fact]
    public async Task Create_NormalWithoutConsent_AnswersSubmittedAndOpensNoRound()
    {
        var s = new RelocationScenario(host, "1018");
        await s.SetUpStatesAsync();

        var created = await s.Send(HttpMethod.Post, "relocations", RelocationScenario.Vwu, s.RequestBody("Normal", consent: false), HttpStatusCode.Accepted);
        var view = await s.Ok(HttpMethod.Get, $"relocations/{created.GetProperty("id").GetString()}", RelocationScenario.Vwu);

        Assert.Equal("Submitted", created.GetProperty("status").GetString());
        Assert.Equal(0, view.GetProperty("rounds").GetArrayLength());
    }

    [Fact]
    public async Task Create_WithoutIdempotencyKey_Is400AndStartsNoCase()
    {
        var s = new RelocationScenario(host, "1016");
        var body = s.RequestBody("Keyless Example", "Kinshasa", "+243 333");

        using var first = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, LocalHostProcess.NoIdempotencyKey);
        using var second = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, body, LocalHostProcess.NoIdempotencyKey);
        var problem = await LocalHostFixture.JsonAsync(first);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (first.StatusCode, second.StatusCode));
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.DoesNotContain("Keyless", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InvalidFields_400NamesThemAndNeverEchoesProtectedValues()
    {
        var secret = "SecretCanary" + new string('z', 600);
        using var response = await host.SendAsync(HttpMethod.Post, "relocations", RelocationScenario.Vwu, new
        {
            caseReference = "ICC-01/04-01/06", pseudonym = "Amina", kind = "TemporaryRelocation", priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 0, children = 0 }, needs = new { languages = new[] { "fr" }, medicalCare = false },
            protectedPerson = new { fullName = "SecretCanaryName", dateOfBirth = "1987-04-12", currentLocation = secret, contact = "x" },
        });
        var text = await response.Content.ReadAsStringAsync();
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "pseudonym", "household.adults", "protectedPerson.currentLocation" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} named in {text}");
        }

        Assert.DoesNotContain("SecretCanary", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Amina", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseFile_ReasonTooLong_Is400NamingTheHeader()
    {
        var s = new RelocationScenario(host, "1016");
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));

        using var response = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = new string('r', 501) });
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-Access-Reason", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Candidates_VwuOnly_RankedWithReasons()
    {
        var s = new RelocationScenario(host, "1017");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));

        var candidates = (await s.Ok(HttpMethod.Get, $"relocations/{id}/candidates", RelocationScenario.Vwu)).EnumerateArray().ToArray();
        await s.Send(HttpMethod.Get, $"relocations/{id}/candidates", TestTokens.For(Roles.StateFocalPoint, s.Accepting), null, HttpStatusCode.Forbidden);

        var codes = candidates.Select(c => c.GetProperty("stateCode").GetString()).ToArray();
        Assert.Contains(s.NotAsked, codes);
        Assert.True(Array.IndexOf(codes, s.Accepting) < Array.IndexOf(codes, s.NotAsked), "a State with an agreement in force ranks above an ad hoc one");
        Assert.All(candidates, c => Assert.NotEmpty(c.GetProperty("reasons").EnumerateArray()));
        // The States the workflow asked or planned come first (Candidates_RoundOpen_…); the rest by score.
        var scores = candidates.Where(c => c.GetProperty("standing").GetString() == "Ranked").Select(c => c.GetProperty("score").GetInt32()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Candidates_RoundOpen_StatesAskedComeFirstInTheOrderAsked()
    {
        var s = new RelocationScenario(host, "1041");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        var view = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var asked = view.GetProperty("rounds")[0].GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()).ToArray();

        var candidates = (await s.Ok(HttpMethod.Get, $"relocations/{id}/candidates", RelocationScenario.Vwu)).EnumerateArray().ToArray();

        Assert.NotEmpty(asked);
        Assert.Equal(asked, candidates.Take(asked.Length).Select(c => c.GetProperty("stateCode").GetString()));
        Assert.All(candidates.Take(asked.Length), c => Assert.Equal(("Asked", 1, "AskedInRound"),
            (c.GetProperty("standing").GetString(), c.GetProperty("askedInRound").GetInt32(), c.GetProperty("explanations")[1].GetProperty("code").GetString())));
        Assert.Equal(Enumerable.Range(1, candidates.Length), candidates.Select(c => c.GetProperty("rank").GetInt32()));
    }

    [Fact]
    public async Task Audit_SubjectIsACase_EveryAttemptAboutItWhoeverActedRefusedOnesIncluded()
    {
        var s = new RelocationScenario(host, "1042");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.Send(HttpMethod.Get, $"relocations/{id}/case-file", TestTokens.For(Roles.RegistryAdmin, subject: "admin-1042"), null, HttpStatusCode.Forbidden);
        using var read = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = "Check 1042" });

        var about = (await s.Ok(HttpMethod.Get, $"audit?subject={id}", TestTokens.For(Roles.Auditor))).GetProperty("items").EnumerateArray().ToArray();
        var byVwu = (await s.Ok(HttpMethod.Get, $"audit?subject={id}&actor=vwu-e2e&action=GetCaseFile", TestTokens.For(Roles.Auditor))).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.All(about, e => Assert.Equal(id, e.GetProperty("about").GetString()));
        Assert.Contains(about, e => e.GetProperty("subject").GetString() == "admin-1042" && e.GetProperty("status").GetInt32() == 403);
        var own = Assert.Single(byVwu);
        Assert.Equal(("Check 1042", 200), (own.GetProperty("reason").GetString(), own.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task Candidates_OpenSetPlanned_PlannedStateMarkedAndEveryStateHasItsPlanReason()
    {
        var s = new RelocationScenario(host, "1031");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));

        var candidates = (await s.Ok(HttpMethod.Get, $"relocations/{id}/candidates", RelocationScenario.Vwu)).EnumerateArray().ToArray();

        Assert.Single(candidates, c => c.GetProperty("planned").GetBoolean());
        Assert.All(candidates, c => Assert.StartsWith("plan: ", c.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal));
        Assert.All(candidates, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("plan").GetString())));
    }

    [Fact]
    public async Task Candidates_EveryReason_HasItsCodeAndArgumentsAtTheSamePlace()
    {
        var s = new RelocationScenario(host, "1033");
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));

        var candidates = (await s.Ok(HttpMethod.Get, $"relocations/{id}/candidates", RelocationScenario.Vwu)).EnumerateArray().ToArray();

        Assert.NotEmpty(candidates);
        Assert.All(candidates, c =>
        {
            // Additive: the English reasons stay, each with its code beside it for a console to word in its language.
            var reasons = c.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToArray();
            var explanations = c.GetProperty("explanations").EnumerateArray().ToArray();
            Assert.Equal(reasons.Length, explanations.Length);
            Assert.All(explanations, e => Assert.True(Enum.TryParse<CandidateReasonCode>(e.GetProperty("code").GetString(), out _), e.GetRawText()));
            Assert.All(explanations, e => Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind));
            Assert.StartsWith("Plan", explanations[0].GetProperty("code").GetString(), StringComparison.Ordinal);
            Assert.Equal("PlacesFree", explanations[^1].GetProperty("code").GetString());
            Assert.Equal(reasons[^1], $"{explanations[^1].GetProperty("args").GetProperty("free").GetString()} place(s) free for a household of {explanations[^1].GetProperty("args").GetProperty("householdSize").GetString()}");
        });
        var planned = Assert.Single(candidates, c => c.GetProperty("planned").GetBoolean());
        Assert.Equal("PlanPlanned", planned.GetProperty("explanations")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task CapacityGaps_RegistryAdminOnly_DemandAgainstPlacesPerDimension()
    {
        var s = new RelocationScenario(host, "1032");
        await s.SetUpStatesAsync();
        await s.RaiseAsync(s.RequestBody("A", "B", "C"));

        var report = await s.Ok(HttpMethod.Get, "reports/capacity-gaps", RelocationScenario.Admin);
        await s.Send(HttpMethod.Get, "reports/capacity-gaps", RelocationScenario.Vwu, null, HttpStatusCode.Forbidden);

        Assert.True(report.GetProperty("openRequests").GetInt32() >= 1);
        var rows = report.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["householdSize", "kind", "language", "medicalCare", "region"], rows.Select(r => r.GetProperty("dimension").GetString()).Distinct().Order(StringComparer.Ordinal));
        var temporary = Assert.Single(rows, r => r.GetProperty("dimension").GetString() == "kind" && r.GetProperty("value").GetString() == "TemporaryRelocation");
        Assert.True(temporary.GetProperty("persons").GetInt32() >= 3);
        Assert.True(temporary.GetProperty("freePlaces").GetInt32() > 0);
        Assert.DoesNotContain("W-1032", report.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acceptance_CapacityNeedsFund_CommitsEstimatedCost_AndCancellationReleasesIt()
    {
        var s = new RelocationScenario(host, "1005");
        await s.SetUpStatesAsync();
        var finance = TestTokens.For(Roles.FinanceOfficer);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (var receipt = await host.SendAsync(HttpMethod.Post, "fund/receipts", finance,
            new { donorStateCode = "NOR", amount = new { value = 20000m, currency = "EUR" }, eurValue = 20000m, date = today }, Guid.NewGuid().ToString()))
        {
            Assert.Equal(HttpStatusCode.Created, receipt.StatusCode);
        }

        var before = await s.Ok(HttpMethod.Get, "fund/balance", finance);
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, s.Declining),
            new { stateCode = s.Declining, decision = "Offer", estimatedCost = new { amount = 4200.50m, currency = "EUR" } });

        var accepted = await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Declining }, HttpStatusCode.OK);
        var committed = await s.Ok(HttpMethod.Get, "fund/balance", finance);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "Moved by other means" });
        var released = await WaitForBalanceAsync(s, finance, b => b.GetProperty("committed").GetDecimal() == before.GetProperty("committed").GetDecimal());

        Assert.True(accepted.GetProperty("accepted").GetProperty("fundCommitted").GetBoolean());
        Assert.Equal(before.GetProperty("committed").GetDecimal() + 4200.50m, committed.GetProperty("committed").GetDecimal());
        Assert.Equal(before.GetProperty("available").GetDecimal() - 4200.50m, committed.GetProperty("available").GetDecimal());
        Assert.Equal(before.GetProperty("available").GetDecimal(), released.GetProperty("available").GetDecimal());
    }

    [Fact]
    public async Task Cancellation_FinanceCommittedByHandPartlyReleasedAndDisbursed_RemainderReleasedAndDisbursedUntouched()
    {
        // Arrange: Finance commits 1000 EUR to the case by hand, releases 100 and disburses 200 (PRODUCT.md: "VWU can
        // cancel at any point: holds and commitments are released").
        var s = new RelocationScenario(host, "1006");
        await s.SetUpStatesAsync();
        var finance = TestTokens.For(Roles.FinanceOfficer);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await FinanceAsync("fund/receipts", new { donorStateCode = "NOR", amount = new { value = 5000m, currency = "EUR" }, eurValue = 5000m, date = today });
        var before = await s.Ok(HttpMethod.Get, "fund/balance", finance);
        var commitment = (await FinanceAsync("fund/commitments", new { relocationId = id, eurValue = 1000m, date = today })).GetProperty("id").GetString()!;
        await FinanceAsync($"fund/commitments/{commitment}/release", new { eurValue = 100m, date = today });
        await FinanceAsync("fund/disbursements", new { commitmentId = commitment, eurValue = 200m, payee = "Relocation service provider", date = today });
        var open = await s.Ok(HttpMethod.Get, "fund/balance", finance);

        // Act
        await s.Ok(HttpMethod.Post, $"relocations/{id}/cancellation", RelocationScenario.Vwu, new { reason = "Moved by other means" });
        var released = await WaitForBalanceAsync(s, finance, b => b.GetProperty("committed").GetDecimal() == before.GetProperty("committed").GetDecimal());

        // Assert: 700 was still committed, none is now; the 200 paid stays paid; nothing is left to disburse on the commitment.
        Assert.Equal(before.GetProperty("committed").GetDecimal() + 700m, open.GetProperty("committed").GetDecimal());
        Assert.Equal(before.GetProperty("cash").GetDecimal() - 200m, released.GetProperty("cash").GetDecimal());
        Assert.Equal(before.GetProperty("available").GetDecimal() - 200m, released.GetProperty("available").GetDecimal());
        using var more = await host.SendAsync(HttpMethod.Post, "fund/disbursements", finance,
            new { commitmentId = commitment, eurValue = 0.01m, payee = "Relocation service provider", date = today }, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, more.StatusCode);

        async Task<System.Text.Json.JsonElement> FinanceAsync(string path, object body)
        {
            using var response = await host.SendAsync(HttpMethod.Post, path, finance, body, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await LocalHostFixture.JsonAsync(response);
        }
    }

    private static async Task<System.Text.Json.JsonElement> WaitForBalanceAsync(RelocationScenario s, string token, Func<System.Text.Json.JsonElement, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var balance = await s.Ok(HttpMethod.Get, "fund/balance", token);
            if (done(balance))
            {
                return balance;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The fund balance did not change as expected.");
    }

    private static async Task<System.Text.Json.JsonElement> WaitForCapacityAsync(RelocationScenario s, Func<System.Text.Json.JsonElement, bool> done, int? totalFree = null)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin);
            var match = list.EnumerateArray().FirstOrDefault(done);
            if (match.ValueKind != System.Text.Json.JsonValueKind.Undefined && (totalFree is null || RelocationScenario.Free(list) == totalFree))
            {
                return match;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The capacity did not change as expected.");
    }

    private static async Task<string[]> WaitForInboxAsync(RelocationScenario s, string token, string pseudonym, string kind)
    {
        for (var i = 0; i < 100; i++)
        {
            var kinds = (await s.Ok(HttpMethod.Get, "inbox", token)).GetProperty("items").EnumerateArray()
                .Where(m => m.GetProperty("subject").GetString()!.Contains(pseudonym, StringComparison.Ordinal)).Select(m => m.GetProperty("kind").GetString()!).ToArray();
            if (kinds.Contains(kind))
            {
                return kinds;
            }

            await Task.Delay(100);
        }

        return [];
    }

    [Fact]
    public async Task RegisterCapacity_UrgentRoundThatAskedNobody_SameRoundSentToTheNewCapacity()
    {
        // An Urgent request nobody has registered room for (a household of 6 with medical needs, an acquitted person):
        // round 1 asks nobody and, Urgent, waits (72 h) rather than ending. A capacity that fits is registered: the
        // registration signals the waiting round (PlanChanged; the round's own look, after 30 s, is the fallback) and
        // round 1 itself is sent to it.
        var s = new RelocationScenario(host, "3005");
        await s.Ok(HttpMethod.Put, "states/ISL", RelocationScenario.Admin, new Relocation.Testing.Builders.StateInputBuilder().With(i => i with { Name = "ISL", Languages = ["en"] }).BuildBody());
        var id = await s.RaiseAsync(new
        {
            caseReference = "ICC-01/04-01/3005", pseudonym = "W-3005", kind = "AcquittedPersonRelocation", priority = "Urgent",
            consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 4, children = 2 }, needs = new { languages = new[] { "en" }, medicalCare = true },
            protectedPerson = new { fullName = "Replan Example", dateOfBirth = "1980-01-01", currentLocation = "Bunia", contact = "+243 2" },
        });
        var waiting = await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        Assert.Equal(0, waiting.GetProperty("rounds")[0].GetProperty("askedStates").GetArrayLength());

        await s.Ok(HttpMethod.Post, "states/ISL/capacity", TestTokens.For(Roles.StateFocalPoint, "ISL"),
            new Relocation.Testing.Builders.CapacityInputBuilder().With(i => i with
            {
                Kinds = [global::Relocation.Domain.Capacities.RelocationKind.AcquittedPersonRelocation], Places = 6, MaxHouseholdSize = 6, MedicalCare = true,
                AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(2),
            }).BuildBody());
        var sent = await s.WaitAsync(id, v => v.GetProperty("rounds")[0].GetProperty("askedStates").GetArrayLength() > 0);

        Assert.Equal(["ISL"], sent.GetProperty("rounds")[0].GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, sent.GetProperty("rounds").GetArrayLength());
    }
}
