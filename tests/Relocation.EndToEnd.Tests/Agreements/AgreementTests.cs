using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Agreements;

/// <summary>Agreements over HTTP on the local host: the lifecycle through the orchestration, history, documents, statistics.</summary>
public sealed class AgreementTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin, name: "Registry admin", subject: "admin-e2e");
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> CreateAsync(string state, Func<Relocation.Domain.Agreements.AgreementCommand, Relocation.Domain.Agreements.AgreementCommand>? change = null)
    {
        using (var put = await host.SendAsync(HttpMethod.Put, $"states/{state}", Admin, new StateInputBuilder().BuildBody()))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        using var created = await host.SendAsync(HttpMethod.Post, "agreements", Admin,
            new AgreementInputBuilder().With(i => (change ?? (x => x))(i with { StateCode = state })).BuildBody());
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await LocalHostFixture.JsonAsync(created);
        Assert.Equal("Negotiating", body.GetProperty("status").GetString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> EventAsync(string id, string lifecycleEvent, string? date = null)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"agreements/{id}/events", Admin, new { @event = lifecycleEvent, date = date ?? Today, note = $"{lifecycleEvent} note" });
        return (response.StatusCode, await LocalHostFixture.JsonAsync(response));
    }

    private async Task<JsonElement> GetAsync(string id)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"agreements/{id}", Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await LocalHostFixture.JsonAsync(response);
    }

    [Fact]
    public async Task Lifecycle_SignToTerminate_EachStepAppliedAndInHistoryWithWhoAndWhen()
    {
        var id = await CreateAsync("BEL");
        var steps = new[] { ("Signed", "Signed"), ("EnteredIntoForce", "InForce"), ("Suspended", "Suspended"), ("Resumed", "InForce"), ("Terminated", "Terminated") };

        foreach (var (e, expected) in steps)
        {
            var (status, body) = await EventAsync(id, e);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(expected, body.GetProperty("status").GetString());
        }

        var agreement = await GetAsync(id);
        var history = agreement.GetProperty("history").EnumerateArray().ToArray();
        Assert.Equal(steps.Select(s => s.Item1), history.Select(h => h.GetProperty("event").GetString()));
        Assert.All(history, h => Assert.Equal("admin-e2e", h.GetProperty("by").GetString()));
        Assert.All(history, h => Assert.Equal(Roles.RegistryAdmin, h.GetProperty("role").GetString()));
        Assert.All(history, h => Assert.True(h.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal("Signed note", history[0].GetProperty("note").GetString());
    }

    [Fact]
    public async Task PostEvent_NotAllowedByLifecycle_Is409AndRecorded()
    {
        var id = await CreateAsync("AUT");

        var (status, problem) = await EventAsync(id, "Suspended");
        var agreement = await GetAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("Negotiating", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Negotiating", agreement.GetProperty("status").GetString());
        var refused = Assert.Single(agreement.GetProperty("history").EnumerateArray());
        Assert.Equal("Suspended", refused.GetProperty("event").GetString());
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("rejectedBecause").GetString()));
        // Additive: the problem and the refused step carry the refusal's code (and arguments) beside the English text.
        Assert.Equal("AgreementEventNotPossible", problem.GetProperty("code").GetString());
        Assert.Equal(("Suspended", "Negotiating"), (problem.GetProperty("args").GetProperty("agreementEvent").GetString(), problem.GetProperty("args").GetProperty("agreementStatus").GetString()));
        var explanation = refused.GetProperty("rejectedExplanation");
        Assert.Equal("AgreementEventNotPossible", explanation.GetProperty("code").GetString());
        Assert.Contains("Signed", explanation.GetProperty("args").GetProperty("possibleEvents").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_PutThenGet_RoundTripsByteForByteAsAnAttachmentNeverSniffed()
    {
        var id = await CreateAsync("DNK");
        var bytes = new byte[300_000];
        new Random(42).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var put = await host.Http.SendAsync(LocalHostProcess.Request(HttpMethod.Put, $"agreements/{id}/documents/signed-text.pdf", Admin, content));

        using var get = await host.SendAsync(HttpMethod.Get, $"agreements/{id}/documents/signed-text.pdf", Admin);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("application/pdf", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", Assert.Single(get.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("attachment", get.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("signed-text.pdf", get.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("application/pdf", "<html><script>alert(1)</script></html>")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "%PDF-1.7 not a word file")]
    public async Task Document_BytesNotOfTheDeclaredType_Is400AndNothingStored(string contentType, string text)
    {
        var id = await CreateAsync("ISL");
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var put = await host.Http.SendAsync(LocalHostProcess.Request(HttpMethod.Put, $"agreements/{id}/documents/note.bin", Admin, content));
        using var get = await host.SendAsync(HttpMethod.Get, $"agreements/{id}/documents/note.bin", Admin);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("bytes are not", (await LocalHostFixture.JsonAsync(put)).GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData("evil.exe", "application/x-msdownload", "Content-Type")]
    [InlineData("..hidden", "application/pdf", "name")]
    public async Task Document_BadNameOrType_Is400(string name, string contentType, string field)
    {
        var id = await CreateAsync("FIN");
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var put = await host.Http.SendAsync(LocalHostProcess.Request(HttpMethod.Put, $"agreements/{id}/documents/{name}", Admin, content));
        var problem = await LocalHostFixture.JsonAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Statistics_ForThisYear_CountWhatWasDone()
    {
        var year = DateTime.UtcNow.Year;
        using var before = await host.SendAsync(HttpMethod.Get, $"reports/agreements?year={year}", Admin);
        var start = (await LocalHostFixture.JsonAsync(before)).GetProperty("total");
        var id = await CreateAsync("SWE", i => i with { Type = Relocation.Domain.Agreements.AgreementType.InterimRelease });
        await EventAsync(id, "Signed");
        await EventAsync(id, "EnteredIntoForce");
        var other = await CreateAsync("CHE");
        await EventAsync(other, "Signed");
        await EventAsync(other, "Terminated");

        using var after = await host.SendAsync(HttpMethod.Get, $"reports/agreements?year={year}", Admin);
        var report = await LocalHostFixture.JsonAsync(after);
        var total = report.GetProperty("total");

        Assert.Equal(start.GetProperty("signed").GetInt32() + 2, total.GetProperty("signed").GetInt32());
        Assert.Equal(start.GetProperty("enteredIntoForce").GetInt32() + 1, total.GetProperty("enteredIntoForce").GetInt32());
        Assert.Equal(start.GetProperty("terminated").GetInt32() + 1, total.GetProperty("terminated").GetInt32());
        Assert.Equal(start.GetProperty("inForceAtEnd").GetInt32() + 1, total.GetProperty("inForceAtEnd").GetInt32());
        var interim = report.GetProperty("byTypeAndArrangement").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "InterimRelease");
        Assert.True(interim.GetProperty("inForceAtEnd").GetInt32() >= 1);
        Assert.Contains(report.GetProperty("byRegion").EnumerateArray(), r => r.GetProperty("region").GetString() == "WesternEuropeanOther");
    }

    [Fact]
    public async Task List_FilterByStateTypeAndStatus_ReturnsOnlyMatches()
    {
        var id = await CreateAsync("NLD");
        await EventAsync(id, "Signed");

        using var response = await host.SendAsync(HttpMethod.Get, "agreements?stateCode=NLD&type=WitnessRelocation&status=Signed", TestTokens.For(Roles.VwuOfficer));
        var list = (await LocalHostFixture.JsonAsync(response)).EnumerateArray().ToArray();
        using var bad = await host.SendAsync(HttpMethod.Get, "agreements?status=Sleeping", Admin);

        Assert.Contains(list, a => a.GetProperty("id").GetString() == id);
        Assert.All(list, a => Assert.Equal(("NLD", "Signed"), (a.GetProperty("stateCode").GetString(), a.GetProperty("status").GetString())));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Create_UnregisteredState_Is400NamingStateCode()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "agreements", Admin, new AgreementInputBuilder().With(i => i with { StateCode = "ZWE" }).BuildBody());
        var problem = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("stateCode", out _));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task KillDuringWait_AfterRestart_NextEventStillApplies()
    {
        // Tried: 1 agreement, 1 kill -9 while its orchestration waits for an event, 1 restart.
        var id = await CreateAsync("CRI");
        Assert.Equal(HttpStatusCode.OK, (await EventAsync(id, "Signed")).Status);

        await host.CrashAndRestartAsync();
        var (status, body) = await EventAsync(id, "EnteredIntoForce");
        if (status == HttpStatusCode.Accepted)
        {
            // The restarted host may take a few seconds to take its partitions back; the event is kept and applied then.
            for (var i = 0; i < 120 && body.GetProperty("status").GetString() != "InForce"; i++)
            {
                await Task.Delay(500);
                body = await GetAsync(id);
            }
        }

        Assert.Equal("InForce", body.GetProperty("status").GetString());
    }
}
