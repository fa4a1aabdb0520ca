using System.Text.Json;
using Azure.Data.Tables;
using Relocation.Api.Routing;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Hardening;

/// <summary>
/// The audit matrix, generated from the route table (a new route is covered the day it is added): every route ×
/// {no token, forged token, wrong role, another State's focal point, bad body}; each attempt must be on the audit log
/// with the outcome it was answered.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AuditMatrixTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    private const string OwnState = "NOR";
    private const string OtherState = "MLI";

    [Fact]
    public async Task EveryRoute_RefusedAttempts_AreAuditedWithTheirOutcome()
    {
        var admin = TestTokens.For(Roles.RegistryAdmin);
        foreach (var code in new[] { OwnState, OtherState })
        {
            using var _ = await host.SendAsync(HttpMethod.Put, $"states/{code}", admin, new StateInputBuilder().BuildBody(), idempotencyKey: $"matrix-{code}");
        }

        var sent = new List<(string Cell, string CorrelationId, int Status)>();
        var failures = new List<string>();
        foreach (var route in ApiRouteTable.Discover().All.Where(r => !r.Anonymous))
        {
            foreach (var (cell, token, body, expected) in Cells(route))
            {
                var correlationId = Guid.NewGuid().ToString("N");
                using var response = await host.SendAsync(new HttpMethod(route.Method), Fill(route.Template), token, body, idempotencyKey: route.IsWrite ? correlationId : null,
                    headers: new Dictionary<string, string> { ["X-Correlation-Id"] = correlationId });
                var status = (int)response.StatusCode;
                if (!expected.Contains(status))
                {
                    failures.Add($"{route.Name} {cell}: answered {status}, expected {string.Join("/", expected)}");
                }

                sent.Add(($"{route.Name} {cell}", correlationId, status));
            }
        }

        var audited = await AuditedAsync();
        foreach (var (cell, correlationId, status) in sent)
        {
            if (!audited.TryGetValue(correlationId, out var entry))
            {
                failures.Add($"{cell}: not audited");
            }
            else if (entry != status)
            {
                failures.Add($"{cell}: audited as {entry}, answered {status}");
            }
        }

        output.WriteLine($"{sent.Count} attempts on {ApiRouteTable.Discover().All.Count(r => !r.Anonymous)} routes; {audited.Count} audit entries read.");
        Assert.Empty(failures);
        Assert.True(sent.Count > 100, $"only {sent.Count} attempts");
    }

    [Fact]
    public async Task Verify_OneRowChangedThenOneDeleted_NamesEachBreak()
    {
        var auditor = TestTokens.For(Roles.Auditor);
        for (var i = 0; i < 5; i++)
        {
            using var _ = await host.SendAsync(HttpMethod.Post, "relocations", null, "{}");
        }

        var before = await VerifyAsync(auditor);
        Assert.True(before.GetProperty("ok").GetBoolean(), before.ToString());

        var table = new TableClient(host.Azurite.ConnectionString, "Audit");
        var rows = table.Query<TableEntity>(e => e.RowKey != "head").OrderBy(e => e.GetInt64("Sequence")).ToList();
        var changed = rows[2];
        var original = changed.GetString("Subject");
        changed["Subject"] = "someone-else";
        await table.UpdateEntityAsync(changed, changed.ETag, TableUpdateMode.Replace);
        var afterEdit = await VerifyAsync(auditor);
        changed = (await table.GetEntityAsync<TableEntity>(changed.PartitionKey, changed.RowKey)).Value;
        changed["Subject"] = original;
        await table.UpdateEntityAsync(changed, changed.ETag, TableUpdateMode.Replace);
        var restored = await VerifyAsync(auditor);
        await table.DeleteEntityAsync(rows[3].PartitionKey, rows[3].RowKey);
        var afterDelete = await VerifyAsync(auditor);

        Assert.False(afterEdit.GetProperty("ok").GetBoolean());
        Assert.Equal(rows[2].GetInt64("Sequence"), afterEdit.GetProperty("firstBreak").GetProperty("sequence").GetInt64());
        Assert.Equal(rows[2].PartitionKey, afterEdit.GetProperty("firstBreak").GetProperty("partition").GetString());
        Assert.True(restored.GetProperty("ok").GetBoolean(), restored.ToString());
        Assert.False(afterDelete.GetProperty("ok").GetBoolean());
        Assert.Equal(rows[3].GetInt64("Sequence"), afterDelete.GetProperty("firstBreak").GetProperty("sequence").GetInt64());
        Assert.Contains("missing", afterDelete.GetProperty("firstBreak").GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> VerifyAsync(string auditor)
    {
        using var response = await host.SendAsync(HttpMethod.Get, "audit/verify", auditor);
        Assert.True(response.IsSuccessStatusCode);
        return await LocalHostFixture.JsonAsync(response);
    }

    private static IEnumerable<(string Cell, string? Token, string? Body, int[] Expected)> Cells(ApiRoute route)
    {
        yield return ("no token", null, route.IsWrite ? "{}" : null, [401]);
        var forged = "eyJhbGciOiJub25lIn0." + Convert.ToBase64String("{\"sub\":\"matrix-intruder\",\"roles\":\"Auditor\"}"u8.ToArray()).TrimEnd('=') + ".";
        yield return ("forged token", forged, route.IsWrite ? "{}" : null, [401]);
        if (Roles.All.FirstOrDefault(r => !route.Roles.Contains(r)) is { } wrong)
        {
            yield return ($"wrong role {wrong}", TestTokens.For(wrong, wrong == Roles.StateFocalPoint ? OwnState : null), route.IsWrite ? "{}" : null, [403]);
        }

        // Routes every role may read (the register of States) have no State to be wrong about.
        if (route.Template.Contains("{code}", StringComparison.Ordinal) && route.Roles.Contains(Roles.StateFocalPoint) && route.Roles.Count < Roles.All.Count)
        {
            yield return ("another State", TestTokens.For(Roles.StateFocalPoint, OtherState), route.IsWrite ? "{}" : null, [403]);
        }

        if (route.IsWrite)
        {
            var allowed = TestTokens.For(route.Roles[0], route.Roles[0] == Roles.StateFocalPoint ? OwnState : null);
            yield return ("bad body", allowed, "{\"x\":", [400, 404]);
        }
    }

    private async Task<Dictionary<string, int>> AuditedAsync()
    {
        var auditor = TestTokens.For(Roles.Auditor);
        var audited = new Dictionary<string, int>(StringComparer.Ordinal);
        string? page = null;
        do
        {
            using var response = await host.SendAsync(HttpMethod.Get, "audit" + (page is null ? string.Empty : $"?page={page}"), auditor);
            var json = await LocalHostFixture.JsonAsync(response);
            foreach (var e in json.GetProperty("items").EnumerateArray())
            {
                audited.TryAdd(e.GetProperty("correlationId").GetString()!, e.GetProperty("status").GetInt32());
            }

            page = json.TryGetProperty("nextPage", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (page is not null);

        return audited;
    }

    private static string Fill(string template) =>
        "/" + string.Join('/', template.Split('/').Select(segment => segment switch
        {
            "{code}" => OwnState,
            "{id}" => "0123456789abcdef0123456789abcdef",
            "{name}" => "document.pdf",
            "{yyyy-MM}" => "2026-11",
            _ when segment.StartsWith('{') => "x",
            _ => segment,
        }));
}
