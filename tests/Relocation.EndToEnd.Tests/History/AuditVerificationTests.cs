using System.Text.Json;
using Azure.Data.Tables;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.History;

/// <summary>
/// <c>GET /api/audit/verify</c> over HTTP without walking the log inside the request (issue 19): the background walk's
/// result with its time, and the entries appended since walked by the request.
/// </summary>
[Collection(QuickPassesCollection.Name)]
public sealed class AuditVerificationTests(QuickPassesFixture host)
{
    private static readonly string Auditor = TestTokens.For(Roles.Auditor);

    [Fact]
    public async Task Verify_OldEntryChangedThenANewOne_EachReportedWithTheWalkItCameFrom()
    {
        await AuditedAttemptsAsync(5);
        var table = new TableClient(host.Azurite.ConnectionString, "Audit");
        var oldest = Entries(table)[0];
        var subject = oldest.GetString("Subject");

        // An old entry, walked long ago: reported from the background walk's result, with that walk's time.
        var changedAt = DateTimeOffset.UtcNow;
        await SetSubjectAsync(table, oldest, "someone-else");
        var oldBreak = await WaitForAsync(v => Break(v) == (oldest.PartitionKey, oldest.GetInt64("Sequence")) && VerifiedAt(v) > changedAt);
        await SetSubjectAsync(table, oldest, subject);
        var restored = await WaitForAsync(v => v.GetProperty("ok").GetBoolean());

        // A new entry, changed right after it was written.
        await AuditedAttemptsAsync(3);
        var newest = Entries(table)[^1];
        await SetSubjectAsync(table, newest, "someone-else");
        var newBreak = await WaitForAsync(v => Break(v) == (newest.PartitionKey, newest.GetInt64("Sequence")));

        Assert.False(oldBreak.GetProperty("ok").GetBoolean());
        Assert.Equal("The entry was changed after it was written.", oldBreak.GetProperty("firstBreak").GetProperty("reason").GetString());
        Assert.True(restored.GetProperty("checked").GetInt64() >= 5, restored.ToString());
        Assert.False(newBreak.GetProperty("ok").GetBoolean());
        Assert.True(newBreak.GetProperty("checked").GetInt64() >= 8, newBreak.ToString());
    }

    private async Task AuditedAttemptsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            // Refused (no token), and audited as every attempt is.
            using var _ = await host.SendAsync(HttpMethod.Post, "relocations", null, "{}");
        }
    }

    private static List<TableEntity> Entries(TableClient table) =>
        table.Query<TableEntity>(e => e.RowKey != "head").OrderBy(e => e.PartitionKey, StringComparer.Ordinal).ThenBy(e => e.GetInt64("Sequence")).ToList();

    private static async Task SetSubjectAsync(TableClient table, TableEntity entry, string? subject)
    {
        var row = (await table.GetEntityAsync<TableEntity>(entry.PartitionKey, entry.RowKey)).Value;
        row["Subject"] = subject;
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }

    private static (string?, long?) Break(JsonElement verification) =>
        verification.TryGetProperty("firstBreak", out var b) && b.ValueKind == JsonValueKind.Object
            ? (b.GetProperty("partition").GetString(), b.GetProperty("sequence").GetInt64())
            : (null, null);

    private static DateTimeOffset? VerifiedAt(JsonElement verification) =>
        verification.TryGetProperty("verifiedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null;

    private async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> done)
    {
        JsonElement last = default;
        for (var i = 0; i < 120; i++)
        {
            using var response = await host.SendAsync(HttpMethod.Get, "audit/verify", Auditor);
            Assert.True(response.IsSuccessStatusCode, await host.DescribeAsync(response));
            last = await LocalHostFixture.JsonAsync(response);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(250);
        }

        Assert.Fail("The verification did not reach the expected state: " + last);
        return last;
    }
}
