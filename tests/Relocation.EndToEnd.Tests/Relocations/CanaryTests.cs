using System.Net;
using Relocation.Domain.Security;
using Relocation.Testing;
using Xunit.Abstractions;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>
/// Protection of persons, tested as an attacker would look: unique canaries in every protected field, the whole
/// scenario run, then every table, blob and queue message of the storage account (task hub included), every answer
/// to a non-VWU role and every line the host logged are searched. Only VWU's audited case-file read may show them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CanaryTests(LocalHostFixture host, ITestOutputHelper output) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task ProtectedDetails_AfterFullScenario_AppearNowhereInClear()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var canaries = new[] { $"CanaryName{tag}", $"CanaryPlace{tag}", $"CanaryPhone{tag}", "1931-07-29" };
        var s = new RelocationScenario(host, "7777");
        await s.SetUpStatesAsync();
        var body = new
        {
            caseReference = "ICC-01/04-01/77", pseudonym = "W-7777", kind = "TemporaryRelocation", priority = "Emergency",
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = canaries[0], dateOfBirth = canaries[3], currentLocation = canaries[1], contact = canaries[2] },
        };
        var id = await s.RaiseAsync(body);
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        var nor = TestTokens.For(Roles.StateFocalPoint, s.Accepting);
        await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", nor);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", nor, new { stateCode = s.Accepting, decision = "Offer" });
        await s.Send(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting }, HttpStatusCode.OK);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/arrival", RelocationScenario.Vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "Relocated");
        foreach (var role in new[] { Roles.RegistryAdmin, Roles.FinanceOfficer, Roles.Auditor })
        {
            await s.Send(HttpMethod.Get, $"relocations/{id}/case-file", TestTokens.For(role), null, HttpStatusCode.Forbidden);
            await s.Send(HttpMethod.Get, $"relocations/{id}", TestTokens.For(role), null, HttpStatusCode.Forbidden);
        }

        await s.Ok(HttpMethod.Get, "outbox", RelocationScenario.Admin);
        await s.Ok(HttpMethod.Get, "audit", TestTokens.For(Roles.Auditor));
        // VWU's own audited read works: the canaries are really in the case file.
        using var read = await host.SendAsync(HttpMethod.Get, $"relocations/{id}/case-file", RelocationScenario.Vwu, headers: new Dictionary<string, string> { ["X-Access-Reason"] = "canary check" });
        Assert.Contains(canaries[0], await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Task.Delay(1000);

        var stored = await StorageDump.AllAsync(host.Azurite.ConnectionString);
        var logs = host.Host.Output.ToArray();
        var leaks = stored.SelectMany(item => canaries.Where(c => item.Text.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in {item.Where}"))
            .Concat(s.OtherRolesAnswers.SelectMany(a => canaries.Where(c => a.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in an answer to a non-VWU role")))
            .Concat(logs.SelectMany(l => canaries.Where(c => l.Contains(c, StringComparison.Ordinal)).Select(c => $"{c} in the host log")))
            .ToArray();

        output.WriteLine($"Scanned {stored.Count} stored items, {s.OtherRolesAnswers.Count} answers to other roles, {logs.Length} log lines.");
        Assert.Empty(leaks);
        Assert.Contains(stored, item => item.Where.StartsWith("blob case-files/", StringComparison.Ordinal));
        // The scan does see what is there: the pseudonym, which may travel, is found in the task hub's history.
        Assert.Contains(stored, item => item.Where.StartsWith("table RelocationHub", StringComparison.OrdinalIgnoreCase) && item.Text.Contains("W-7777", StringComparison.Ordinal));
        Assert.Contains(stored, item => item.Where.StartsWith("table RelocationHub", StringComparison.OrdinalIgnoreCase));
        Assert.True(logs.Length > 10, "the host logged something to scan");
    }
}
