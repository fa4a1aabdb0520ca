using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Foundation;

/// <summary>The foundation's slice over HTTP on the local host process: States, capacity, sign-in, errors, idempotency, audit.</summary>
public sealed class StatesAndCapacityTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin, name: "Registry admin");

    private async Task RegisterStateAsync(string code)
    {
        using var response = await host.SendAsync(HttpMethod.Put, $"states/{code}", Admin, new StateInputBuilder().BuildBody());
        Assert.True(response.IsSuccessStatusCode, $"PUT states/{code}: {await host.DescribeAsync(response)}");
    }

    private async Task<int> CapacityCountAsync(string code)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"states/{code}/capacity", Admin);
        return (await LocalHostFixture.JsonAsync(response)).GetArrayLength();
    }

    [Fact]
    public async Task Health_Anonymous_Is200()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "health", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RegisterState_ThenFocalPointRegistersCapacity_Is201AndVisible()
    {
        using var put = await host.SendAsync(HttpMethod.Put, "states/NOR", Admin, new StateInputBuilder().BuildBody());
        var focalPoint = TestTokens.For(Roles.StateFocalPoint, "NOR");

        using var created = await host.SendAsync(HttpMethod.Post, "states/NOR/capacity", focalPoint, new CapacityInputBuilder().BuildBody());
        var body = await LocalHostFixture.JsonAsync(created);
        using var list = await host.SendAsync(HttpMethod.Get, "states/NOR/capacity", focalPoint);
        var listed = await LocalHostFixture.JsonAsync(list);

        Assert.True(put.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(4, body.GetProperty("free").GetInt32());
        Assert.False(body.GetProperty("stale").GetBoolean());
        Assert.Contains(listed.EnumerateArray(), c => c.GetProperty("id").GetString() == body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task RegisterCapacity_OtherStatesFocalPoint_Is403AndWritesNothing()
    {
        await RegisterStateAsync("SEN");
        var before = await CapacityCountAsync("SEN");

        using var response = await host.SendAsync(HttpMethod.Post, "states/SEN/capacity", TestTokens.For(Roles.StateFocalPoint, "MLI"), new CapacityInputBuilder().BuildBody());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CapacityCountAsync("SEN"));
    }

    [Theory]
    [InlineData(Roles.FinanceOfficer)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.VwuOfficer)]
    public async Task PutState_WrongRole_Is403(string role)
    {
        using var response = await host.SendAsync(HttpMethod.Put, "states/DNK", TestTokens.For(role), new StateInputBuilder().BuildBody());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task ListStates_NoOrBadToken_Is401(string? authorization)
    {
        var headers = authorization is null ? null : new Dictionary<string, string> { ["Authorization"] = authorization };

        using var response = await host.SendAsync(HttpMethod.Get, "states", null, headers: headers);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ListStates_TokenSignedWithAnotherKey_Is401()
    {
        var forged = Relocation.Api.Security.DevelopmentTokenIssuer.Issue(
            new Relocation.Api.Security.AuthOptions { Issuer = TestTokens.Options.Issuer, Audience = TestTokens.Options.Audience, DevelopmentSigningKey = new string('k', 48) },
            Roles.RegistryAdmin, null, null, TimeSpan.FromHours(1));

        using var response = await host.SendAsync(HttpMethod.Get, "states", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string, string> BadCapacityBodies => new()
    {
        { "places", """{"kinds":["TemporaryRelocation"],"places":"four","maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "places", """{"kinds":["TemporaryRelocation"],"places":-2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "places", """{"kinds":["TemporaryRelocation"],"places":99999999999,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "places", """{"kinds":["TemporaryRelocation"],"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "kinds[0]", """{"kinds":["Holiday"],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "kinds[0]", """{"kinds":[1],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "availableUntil", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2027-12-01","availableUntil":"2026-12-01","needsFundSupport":false}""" },
        { "availableFrom", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"01/12/2026","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "languages[0]", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":4,"languages":["French"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "medicalCare", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":"yes","availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
        { "colour", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":4,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false,"colour":"blue"}""" },
        { "body", """{"kinds":["TemporaryRelocation"],"places":2""" },
        { "body", "" },
        { "maxHouseholdSize", """{"kinds":["TemporaryRelocation"],"places":2,"maxHouseholdSize":0,"languages":["fr"],"medicalCare":true,"availableFrom":"2026-12-01","availableUntil":"2027-12-01","needsFundSupport":false}""" },
    };

    [Theory]
    [MemberData(nameof(BadCapacityBodies))]
    public async Task RegisterCapacity_BadBody_Is400NamingFieldAndWritesNothing(string field, string body)
    {
        await RegisterStateAsync("FIN");
        var before = await CapacityCountAsync("FIN");

        using var response = await host.SendAsync(HttpMethod.Post, "states/FIN/capacity", TestTokens.For(Roles.StateFocalPoint, "FIN"), body);
        var problem = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(before, await CapacityCountAsync("FIN"));
    }

    public static TheoryData<string, string> BadStateBodies => new()
    {
        { "name", """{"name":"","region":"African","languages":["fr"],"romeStatuteParty":true,"apicParty":true,"focalPoints":[]}""" },
        { "name", $$"""{"name":"{{new string('x', 201)}}","region":"African","languages":["fr"],"romeStatuteParty":true,"apicParty":true,"focalPoints":[]}""" },
        { "region", """{"name":"Mali","region":"Europe","languages":["fr"],"romeStatuteParty":true,"apicParty":true,"focalPoints":[]}""" },
        { "romeStatuteParty", """{"name":"Mali","region":"African","languages":["fr"],"romeStatuteParty":"true","apicParty":true,"focalPoints":[]}""" },
        { "focalPoints[0].email", """{"name":"Mali","region":"African","languages":["fr"],"romeStatuteParty":true,"apicParty":true,"focalPoints":[{"name":"Desk","email":"nope","phone":"+223 20 00 00 00"}]}""" },
        { "languages", """{"name":"Mali","region":"African","languages":"fr","romeStatuteParty":true,"apicParty":true,"focalPoints":[]}""" },
    };

    [Theory]
    [MemberData(nameof(BadStateBodies))]
    public async Task PutState_BadBody_Is400NamingFieldAndWritesNothing(string field, string body)
    {
        using var response = await host.SendAsync(HttpMethod.Put, "states/MLI", Admin, body);
        var problem = await LocalHostFixture.JsonAsync(response);
        using var get = await host.SendAsync(HttpMethod.Get, "states/MLI", Admin);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task PutState_InvalidCodeInRoute_Is400()
    {
        using var response = await host.SendAsync(HttpMethod.Put, "states/XXX", Admin, new StateInputBuilder().BuildBody());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task RegisterCapacity_SameIdempotencyKeyTwice_AnswersTheSameAndStoresOne()
    {
        await RegisterStateAsync("ARG");
        var token = TestTokens.For(Roles.StateFocalPoint, "ARG");
        var key = Guid.NewGuid().ToString();
        var before = await CapacityCountAsync("ARG");

        using var first = await host.SendAsync(HttpMethod.Post, "states/ARG/capacity", token, new CapacityInputBuilder().BuildBody(), key);
        using var second = await host.SendAsync(HttpMethod.Post, "states/ARG/capacity", token, new CapacityInputBuilder().BuildBody(), key);
        using var other = await host.SendAsync(HttpMethod.Post, "states/ARG/capacity", token, new CapacityInputBuilder().WithPlaces(9).BuildBody(), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal(before + 1, await CapacityCountAsync("ARG"));
    }

    [Fact]
    public async Task ReviseCapacity_TwoConcurrentWithSameETag_OneWinsOneGets412()
    {
        await RegisterStateAsync("CHL");
        var token = TestTokens.For(Roles.StateFocalPoint, "CHL");
        using var created = await host.SendAsync(HttpMethod.Post, "states/CHL/capacity", token, new CapacityInputBuilder().BuildBody());
        var id = (await LocalHostFixture.JsonAsync(created)).GetProperty("id").GetString();
        var etag = created.Headers.ETag!.ToString();
        var ifMatch = new Dictionary<string, string> { ["If-Match"] = etag };

        var responses = await Task.WhenAll(
            host.SendAsync(HttpMethod.Put, $"states/CHL/capacity/{id}", token, new CapacityInputBuilder().WithPlaces(6).BuildBody(), headers: ifMatch),
            host.SendAsync(HttpMethod.Put, $"states/CHL/capacity/{id}", token, new CapacityInputBuilder().WithPlaces(7).BuildBody(), headers: ifMatch));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Writes_AreAudited_WithWhoRoleAndState()
    {
        await RegisterStateAsync("KEN");
        var subject = $"fp-{Guid.NewGuid():N}";
        var token = TestTokens.For(Roles.StateFocalPoint, "KEN", subject: subject);
        using var created = await host.SendAsync(HttpMethod.Post, "states/KEN/capacity", token, new CapacityInputBuilder().BuildBody());

        using var audit = await host.SendAsync(HttpMethod.Get, $"audit?actor={subject}", TestTokens.For(Roles.Auditor));
        var entries = (await LocalHostFixture.JsonAsync(audit)).GetProperty("items");

        var entry = Assert.Single(entries.EnumerateArray());
        Assert.Equal("RegisterCapacity", entry.GetProperty("action").GetString());
        Assert.Equal(Roles.StateFocalPoint, entry.GetProperty("role").GetString());
        Assert.Equal("KEN", entry.GetProperty("stateCode").GetString());
        Assert.Equal(201, entry.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task OpenApi_ListsEveryRoute()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "openapi.json", null);
        var doc = await LocalHostFixture.JsonAsync(response);

        var operations = doc.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString());
        Assert.Equal(Relocation.Api.Routing.ApiRouteTable.Discover().All.Select(r => r.Name).Order(), operations.Order());
    }

    [Fact]
    public async Task UnexpectedRoute_Is404_AndErrorsNeverCarryStackTraces()
    {
        using var response = await host.SendAsync(HttpMethod.Get, "states/NOR/capacity/not-an-id", Admin);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }
}
