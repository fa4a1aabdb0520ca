using System.Text.Json;
using Azure.Data.Tables;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Relocations;

/// <summary>
/// <c>GET /api/states/{code}/offer-requests</c> over HTTP, answered from the State's index rows (docs/storage.md, "The
/// offer-request index"): rows are changed or put back under the host, as older code or a crash would have left them.
/// </summary>
public sealed class OfferRequestIndexTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private TableClient Index => new(host.Azurite.ConnectionString, "OfferRequests");

    [Fact]
    public async Task OfferRequests_RowCarriesTheLine_AnsweredFromTheRowNotTheCase()
    {
        var (s, id) = await RaisedAsync("8201");
        var nor = Focal(s.Accepting);
        var listed = await ListedAsync(s, s.Accepting, id);
        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
        Assert.Equal(("W-8201", "TemporaryRelocation", "Emergency", 3, false, 1), (listed.GetProperty("pseudonym").GetString(), listed.GetProperty("kind").GetString(),
            listed.GetProperty("priority").GetString(), listed.GetProperty("householdSize").GetInt32(), listed.GetProperty("medicalCare").GetBoolean(), listed.GetProperty("round").GetInt32()));
        Assert.Equal(["en"], listed.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(view.GetProperty("rounds")[0].GetProperty("deadline").GetDateTimeOffset(), listed.GetProperty("responseDueAt").GetDateTimeOffset());

        // The row is what is listed: a change to it (and to it only) shows.
        var row = (await Index.GetEntityAsync<TableEntity>(s.Accepting, id)).Value;
        row["Pseudonym"] = "W-ROW";
        await Index.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        Assert.Equal("W-ROW", Single(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", nor), id).GetProperty("pseudonym").GetString());
    }

    [Fact]
    public async Task OfferRequests_RowLeftMarkedByACrashAfterTheAnswer_NotListedAndRemoved()
    {
        var (s, id) = await RaisedAsync("8202");
        await ListedAsync(s, s.Declining, id);
        var before = (await Index.GetEntityAsync<TableEntity>(s.Declining, id)).Value;
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Declining), new { stateCode = s.Declining, decision = "Decline" });
        Assert.False(await RowExistsAsync(s.Declining, id));

        // What a crash between the answer's case write and its delete leaves: the row, marked before the write.
        before["Closing"] = true;
        await Index.UpsertEntityAsync(before, TableUpdateMode.Replace);

        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);
        Assert.False(await RowExistsAsync(s.Declining, id));
    }

    [Fact]
    public async Task OfferRequests_RowWrittenBackByALateRoundOpening_NotListedAndRemoved()
    {
        var (s, id) = await RaisedAsync("8206");
        await ListedAsync(s, s.Declining, id);
        // The first list checked the new row against its case and confirmed it: later lists trust it as stored.
        var before = (await Index.GetEntityAsync<TableEntity>(s.Declining, id)).Value;
        Assert.False(before.GetBoolean("Unconfirmed"));
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Declining), new { stateCode = s.Declining, decision = "Decline" });
        Assert.False(await RowExistsAsync(s.Declining, id));

        // What a round opening that read the case before the answer writes after the answer's delete: the line, unconfirmed.
        before["Unconfirmed"] = true;
        await Index.UpsertEntityAsync(before, TableUpdateMode.Replace);

        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);
        Assert.False(await RowExistsAsync(s.Declining, id));
    }

    [Fact]
    public async Task OfferRequests_UnmarkedRowPastItsDeadline_CheckedAgainstTheCaseAndRemoved()
    {
        var (s, id) = await RaisedAsync("8203");
        await ListedAsync(s, s.Declining, id);
        var before = (await Index.GetEntityAsync<TableEntity>(s.Declining, id)).Value;
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Declining), new { stateCode = s.Declining, decision = "Decline" });

        // A row whose delete was lost some other way (an opening's rerun racing the answer): trusted only until its deadline.
        before["Deadline"] = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Index.UpsertEntityAsync(before, TableUpdateMode.Replace);

        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);
        Assert.False(await RowExistsAsync(s.Declining, id));
    }

    [Fact]
    public async Task OfferRequests_RowsWrittenByOlderCode_OpenOneListedFromTheCaseAnsweredOneRemoved()
    {
        var (s, id) = await RaisedAsync("8204");
        await ListedAsync(s, s.Accepting, id);
        await ListedAsync(s, s.Declining, id);
        // Rows as the index held them before they carried their line: keys only.
        await Index.UpsertEntityAsync(new TableEntity(s.Accepting, id), TableUpdateMode.Replace);
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Declining), new { stateCode = s.Declining, decision = "Decline" });
        await Index.UpsertEntityAsync(new TableEntity(s.Declining, id), TableUpdateMode.Replace);

        var open = Single(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", Focal(s.Accepting)), id);
        Assert.Equal(("W-8204", 3, 1), (open.GetProperty("pseudonym").GetString(), open.GetProperty("householdSize").GetInt32(), open.GetProperty("round").GetInt32()));
        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);
        Assert.False(await RowExistsAsync(s.Declining, id));

        // Answered, the old row goes with the answer's case write, as every row does.
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Accepting), new { stateCode = s.Accepting, decision = "Offer", places = 3 });
        Assert.False(await RowExistsAsync(s.Accepting, id));
        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", Focal(s.Accepting))), i => i == id);
    }

    [Fact]
    public async Task OfferRequests_Answered_DisappearsFromThatStateOnly()
    {
        var (s, id) = await RaisedAsync("8205");
        await ListedAsync(s, s.Accepting, id);
        await ListedAsync(s, s.Declining, id);

        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Focal(s.Accepting), new { stateCode = s.Accepting, decision = "Offer", places = 3 });

        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/offer-requests", Focal(s.Accepting))), i => i == id);
        Assert.False(await RowExistsAsync(s.Accepting, id));
        Assert.Contains(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);

        // The acceptance closes the round: the State that never answered no longer sees it either.
        await s.Ok(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "OfferAccepted");
        Assert.DoesNotContain(Ids(await s.Ok(HttpMethod.Get, $"states/{s.Declining}/offer-requests", Focal(s.Declining))), i => i == id);
        Assert.False(await RowExistsAsync(s.Declining, id));
    }

    private async Task<(RelocationScenario Scenario, string Id)> RaisedAsync(string suffix)
    {
        var s = new RelocationScenario(host, suffix);
        await s.SetUpStatesAsync();
        var id = await s.RaiseAsync(s.RequestBody("Index Example", "Bunia, Ituri", "+243 820 000"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        return (s, id);
    }

    /// <summary>The State's listing of the case, once its index row is written (the rows follow the request's answer).</summary>
    private static async Task<JsonElement> ListedAsync(RelocationScenario s, string code, string id)
    {
        for (var i = 0; ; i++)
        {
            var list = await s.Ok(HttpMethod.Get, $"states/{code}/offer-requests", Focal(code));
            if (list.EnumerateArray().Any(r => r.GetProperty("relocationId").GetString() == id) || i == 200)
            {
                return Single(list, id);
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> RowExistsAsync(string code, string id) => (await Index.GetEntityIfExistsAsync<TableEntity>(code, id)).HasValue;

    private static string Focal(string code) => TestTokens.For(Roles.StateFocalPoint, code);

    private static JsonElement Single(JsonElement list, string id) => Assert.Single(list.EnumerateArray(), r => r.GetProperty("relocationId").GetString() == id);

    private static string?[] Ids(JsonElement list) => [.. list.EnumerateArray().Select(r => r.GetProperty("relocationId").GetString())];
}
