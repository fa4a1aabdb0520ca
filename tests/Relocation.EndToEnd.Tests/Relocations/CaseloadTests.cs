using System.Net;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary><c>GET /api/relocations</c>: VWU's caseload over HTTP on the local host.</summary>
public sealed class CaseloadTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task ListRelocations_OpenAndClosedCases_OpenFirstNearestDeadlineFirstThenClosed()
    {
        var s = new RelocationScenario(host, "2101");
        await s.SetUpStatesAsync();
        var normal = await s.RaiseAsync(Body(s, "2101", "Normal"));
        var emergency = await s.RaiseAsync(Body(s, "2102", "Emergency"));
        var cancelled = await s.RaiseAsync(Body(s, "2103", "Urgent"));
        await s.WaitAsync(cancelled, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{cancelled}/cancellation", RelocationScenario.Vwu, new { reason = "Threat assessment changed" });
        await s.WaitAsync(normal, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.WaitAsync(emergency, v => v.GetProperty("status").GetString() == "AwaitingOffers");

        var items = (await s.Ok(HttpMethod.Get, "relocations", RelocationScenario.Vwu)).GetProperty("items").EnumerateArray().ToArray();
        var ids = items.Select(i => i.GetProperty("id").GetString()).ToList();

        // Emergency answers are due in 24 h, Normal in 14 days; the cancelled case comes after every open one.
        Assert.True(ids.IndexOf(emergency) < ids.IndexOf(normal), string.Join(",", ids));
        Assert.True(ids.IndexOf(normal) < ids.IndexOf(cancelled), string.Join(",", ids));
        var line = items.Single(i => i.GetProperty("id").GetString() == emergency);
        Assert.Equal("W-2102", line.GetProperty("pseudonym").GetString());
        Assert.Equal("Emergency", line.GetProperty("priority").GetString());
        Assert.Equal("AwaitingOffers", line.GetProperty("status").GetString());
        Assert.Equal(1, line.GetProperty("round").GetInt32());
        Assert.True(line.GetProperty("deadline").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        // The line names the State its open round asked first (the planned one, not the best raw score). Which one is the
        // planner's choice over every open case of this shared host, so it is read from the case, not assumed.
        var asked = (await s.Ok(HttpMethod.Get, $"relocations/{emergency}", RelocationScenario.Vwu)).GetProperty("rounds")[0]
            .GetProperty("askedStates").EnumerateArray().Select(a => a.GetString()).ToArray();
        Assert.Equal(asked[0], line.GetProperty("stateCode").GetString());
        Assert.Equal(["deadline", "id", "kind", "priority", "pseudonym", "round", "stateCode", "status"], line.EnumerateObject().Select(p => p.Name).Order());
        var closed = items.Single(i => i.GetProperty("id").GetString() == cancelled);
        Assert.Equal("Cancelled", closed.GetProperty("status").GetString());
        Assert.False(closed.TryGetProperty("deadline", out _));
    }

    [Fact]
    public async Task ListRelocations_Filters_ReturnOnlyMatchingCases()
    {
        var s = new RelocationScenario(host, "2201");
        await s.SetUpStatesAsync();
        var emergency = await s.RaiseAsync(Body(s, "2201", "Emergency"));
        var urgent = await s.RaiseAsync(Body(s, "2202", "Urgent"));
        await s.WaitAsync(urgent, v => v.GetProperty("status").GetString() == "AwaitingOffers");

        var onlyUrgent = Ids(await s.Ok(HttpMethod.Get, "relocations?priority=Urgent", RelocationScenario.Vwu));
        Assert.Contains(urgent, onlyUrgent);
        Assert.DoesNotContain(emergency, onlyUrgent);
        Assert.DoesNotContain(urgent, Ids(await s.Ok(HttpMethod.Get, "relocations?status=Relocated&priority=Urgent", RelocationScenario.Vwu)));
        Assert.DoesNotContain(urgent, Ids(await s.Ok(HttpMethod.Get, "relocations?overdue=true", RelocationScenario.Vwu)));
        Assert.Contains(urgent, Ids(await s.Ok(HttpMethod.Get, "relocations?overdue=false&status=AwaitingOffers", RelocationScenario.Vwu)));
    }

    [Fact]
    public async Task ListRelocations_ManyCases_PagesWithNextPageAndLosesNone()
    {
        var s = new RelocationScenario(host, "2301");
        await s.SetUpStatesAsync();
        var raised = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            raised.Add(await s.RaiseAsync(Body(s, $"23{i:00}", "Normal")));
        }

        var seen = new List<string>();
        string? page = null;
        var pages = 0;
        do
        {
            var answer = await s.Ok(HttpMethod.Get, "relocations?priority=Normal" + (page is null ? "" : $"&page={Uri.EscapeDataString(page)}"), RelocationScenario.Vwu);
            seen.AddRange(Ids(answer));
            page = answer.TryGetProperty("nextPage", out var next) ? next.GetString() : null;
            pages++;
        }
        while (page is not null && pages < 100);

        Assert.All(raised, id => Assert.Contains(id, seen));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("status=Lost", "status")]
    [InlineData("priority=1", "priority")]
    [InlineData("overdue=yes", "overdue")]
    [InlineData("page=zz", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("page=r12", "page")]
    public async Task ListRelocations_BadQuery_400NamesTheParameter(string query, string field)
    {
        using var response = await host.SendAsync(HttpMethod.Get, $"relocations?{query}", RelocationScenario.Vwu);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await LocalHostFixture.JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData(Roles.StateFocalPoint)]
    [InlineData(Roles.FinanceOfficer)]
    [InlineData(Roles.RegistryAdmin)]
    [InlineData(Roles.Auditor)]
    public async Task ListRelocations_NotVwu_403(string role)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "relocations", TestTokens.For(role, role == Roles.StateFocalPoint ? "NOR" : null));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static System.Text.Json.Nodes.JsonObject Body(RelocationScenario s, string suffix, string priority)
    {
        var body = JsonSerializer.SerializeToNode(s.RequestBody("Name " + suffix, "Place " + suffix, "+000 " + suffix))!.AsObject();
        body["priority"] = priority;
        body["pseudonym"] = $"W-{suffix}";
        body["caseReference"] = $"ICC-01/04-01/{suffix}";
        return body;
    }

    private static string[] Ids(JsonElement answer) => answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
}
