using System.Net;
using System.Text;
using Relocation.Api.Routing;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Hostile;

/// <summary>
/// For every write route of the route table (so new routes are covered the day they are added): missing and forged
/// tokens, wrong roles, another State's resource, and generated bad bodies. Every answer must be a 4xx problem, never a
/// 5xx, and storage must be unchanged apart from the audit log (which records refused writes) and the durable task hub.
/// </summary>
[Trait("Category", "Slow")]
public sealed class HostileInputTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const string OwnState = "NOR";
    private const string OtherState = "MLI";

    private static readonly string[] FieldNames =
    [
        "name", "region", "languages", "romeStatuteParty", "apicParty", "focalPoints", "kinds", "places", "maxHouseholdSize",
        "medicalCare", "availableFrom", "availableUntil", "needsFundSupport", "stateCode", "type", "arrangement", "costNeutral",
        "confidential", "title", "expiresOn", "event", "date", "note", "caseReference", "pseudonym", "kind", "priority",
        "household", "needs", "protectedPerson", "decision", "estimatedCost", "arrivedOn", "reason", "donorStateCode",
        "pledgeId", "amount", "eurValue", "earmark", "reference", "relocationId", "commitmentId", "payee",
    ];

    private static readonly string[] HostileValues =
    [
        "null", "-1", "0", "9223372036854775808", "-9223372036854775809", "1e309", "1.0000000000000000000001", "\"\"",
        "\"" + new string('x', 70_000) + "\"", "\"\\u0000\\u0007\"", "\"\\u202Eevil\"", "\"\\uD800\"", "\"𝕏𝕏𝕏\"", "\"2026-02-30\"",
        "\"ZZZ\"", "[]", "{}", "[1,2,3]", "true", "{\"value\":-5,\"currency\":\"EURO\"}", "\"<script>alert(1)</script>\"",
    ];

    private static readonly string[] HostileBodies =
    [
        "", "null", "[]", "42", "\"text\"", "{", "{\"a\":", "{\"x\":1}", new string('[', 200) + new string(']', 200),
        "{\"name\":\"" + new string('y', 80_000) + "\"}",
    ];

    [Fact]
    public async Task WriteRoutes_HostileRequests_Get4xxAndChangeNothing()
    {
        await SeedAsync();
        var before = await SnapshotAsync();
        var routes = ApiRouteTable.Discover().All.Where(r => r.IsWrite).ToList();
        var tried = 0;
        var failures = new List<string>();

        foreach (var route in routes)
        {
            var path = Fill(route.Template, OwnState);
            foreach (var (label, token, body, expected) in Requests(route))
            {
                tried++;
                using var response = await host.SendAsync(new HttpMethod(route.Method), path, token, body);
                var status = (int)response.StatusCode;
                if (status >= 500 || status < 400 || (expected is not null && status != expected))
                {
                    failures.Add($"{route.Name} {label}: {status} {Truncate(await response.Content.ReadAsStringAsync())}");
                }
                else if (status != 404 && status != 405 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{route.Name} {label}: {status} without problem details");
                }
            }

            if (route.Template.Contains("{code}", StringComparison.Ordinal))
            {
                tried++;
                var other = Fill(route.Template, OwnState);
                using var response = await host.SendAsync(new HttpMethod(route.Method), other, TestTokens.For(Roles.StateFocalPoint, OtherState), "{}");
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{route.Name} other State's focal point: {(int)response.StatusCode}");
                }
            }
        }

        var after = await SnapshotAsync();
        output.WriteLine($"Tried {tried} hostile requests on {routes.Count} write routes.");

        Assert.Empty(failures);
        var changed = before.Keys.Union(after.Keys).Where(k => !before.TryGetValue(k, out var b) || !after.TryGetValue(k, out var a) || a != b).ToList();
        Assert.True(changed.Count == 0, $"storage changed: {string.Join(", ", changed.Take(10))}");
        Assert.True(tried > routes.Count * 20, $"only {tried} requests tried");
    }

    [Fact]
    public async Task AllRoutes_HostilePathAndQueryValues_NeverGive5xx()
    {
        await SeedAsync();
        var segments = new[] { "%00", "..", "%2e%2e", "NOR%2F..", new string('A', 2000), "%F0%9D%95%8F", "nor", "0123456789ABCDEF0123456789ABCDEF", "'--", "%22" };
        var queries = new[] { "?asOf=2026-13-45", "?from=yesterday&to=%00", "?year=-1", "?stateCode=%27&type=Holiday&status=1", "?subject=" + new string('s', 5000) };
        var tried = 0;
        var failures = new List<string>();

        foreach (var route in ApiRouteTable.Discover().All.Where(r => r.Template.Contains('{', StringComparison.Ordinal) || !r.IsWrite))
        {
            var token = route.Anonymous ? null : TestTokens.For(route.Roles[0], route.Roles[0] == Roles.StateFocalPoint ? OwnState : null);
            var paths = segments.Select(v => "/" + string.Join('/', route.Template.Split('/').Select(x => x.StartsWith('{') ? v : x)))
                .Concat(queries.Select(q => Fill(route.Template, OwnState) + q));
            foreach (var path in paths)
            {
                tried++;
                using var response = await host.SendAsync(new HttpMethod(route.Method), path, token, route.IsWrite ? "{}" : null);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{route.Name} {Truncate(path)}: {(int)response.StatusCode}");
                }
            }
        }

        output.WriteLine($"Tried {tried} hostile paths and queries.");
        Assert.Empty(failures);
    }

    private static IEnumerable<(string Label, string? Token, string? Body, int? Expected)> Requests(ApiRoute route)
    {
        yield return ("no token", null, "{}", 401);
        yield return ("forged token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZXMiOiJSZWdpc3RyeS5BZG1pbiJ9.", "{}", 401);
        foreach (var role in Roles.All.Where(r => !route.Roles.Contains(r)))
        {
            yield return ($"wrong role {role}", TestTokens.For(role, role == Roles.StateFocalPoint ? OwnState : null), "{}", 403);
        }

        // The role the route allows, acting for the State in the path: the request gets past sign-in and reaches validation.
        var allowed = TestTokens.For(route.Roles[0], route.Roles[0] == Roles.StateFocalPoint ? OwnState : null);
        foreach (var body in HostileBodies)
        {
            yield return ($"body {Truncate(body)}", allowed, body, null);
        }

        foreach (var field in FieldNames)
        {
            foreach (var value in HostileValues)
            {
                yield return ($"{field}={Truncate(value)}", allowed, $"{{\"{field}\":{value}}}", null);
            }
        }
    }

    private async Task SeedAsync()
    {
        var admin = TestTokens.For(Roles.RegistryAdmin);
        foreach (var code in new[] { OwnState, OtherState })
        {
            using var _ = await host.SendAsync(HttpMethod.Put, $"states/{code}", admin, new StateInputBuilder().BuildBody());
        }

        using var capacity = await host.SendAsync(HttpMethod.Post, $"states/{OwnState}/capacity", TestTokens.For(Roles.StateFocalPoint, OwnState), new CapacityInputBuilder().BuildBody());
    }

    private Task<IReadOnlyDictionary<string, string>> SnapshotAsync() =>
        StorageSnapshot.TakeAsync(
            host.Azurite.ConnectionString,
            includeTable: t => !t.Equals("Audit", StringComparison.Ordinal) && !t.StartsWith("RelocationHub", StringComparison.OrdinalIgnoreCase),
            includeContainer: c => !c.StartsWith("relocationhub", StringComparison.OrdinalIgnoreCase) && !c.StartsWith("azure-webjobs", StringComparison.Ordinal) && c != "audit-anchors");

    private static string Fill(string template, string state) =>
        "/" + string.Join('/', template.Split('/').Select(segment => segment switch
        {
            "{code}" => state,
            "{id}" => "0123456789abcdef0123456789abcdef",
            "{name}" => "document.pdf",
            _ when segment.StartsWith('{') => "x",
            _ => segment,
        }));

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
