using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Relocation.Api.Json;
using Relocation.Api.Routing;
using Relocation.Domain.Security;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Xunit.Abstractions;

namespace Relocation.Contract.Tests;

/// <summary>
/// Every route of the API called through Prism's validating proxy, with the answers a client meets on the way (201 and
/// 200 on PUT, 202, 404, 400, 409, 412): Prism checks each request and each answer against the served document, and
/// the test fails on any violation it reports. The same run guards the storage design: the host logs every Table read
/// it makes, and a read on a request or activity path that is neither a point read nor a bounded partition fails it
/// (<see cref="StorageDesignGuard"/>, docs/storage.md). Every route is called, so a new route is guarded as it lands.
/// </summary>
public sealed class PrismProxyTests(PrismProxyFixture prism, ITestOutputHelper output) : IClassFixture<PrismProxyFixture>
{
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    private static readonly string Vwu = TestTokens.For(Roles.VwuOfficer, name: "VWU officer", subject: "vwu-contract");
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer);
    private static readonly string Auditor = TestTokens.For(Roles.Auditor);
    private static readonly string Nor = TestTokens.For(Roles.StateFocalPoint, "NOR");
    private static readonly string Swe = TestTokens.For(Roles.StateFocalPoint, "SWE");
    private static readonly ApiRouteTable Table = ApiRouteTable.Discover();
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);
    private readonly List<string> _headerViolations = [];

    [Fact]
    public async Task EveryRoute_ThroughPrismValidatingProxy_NoViolation()
    {
        await GetAsync("health", null);
        await GetAsync("openapi.json", null);

        // The register: PUT creates (201) then replaces (200, with If-Match); reads, and a State that is not there.
        var stateBody = new StateInputBuilder().With(i => i with { Name = "Norway", Languages = ["en", "nb"] }).BuildBody();
        using (var created = await SendAsync(HttpMethod.Put, "states/NOR", Admin, stateBody, HttpStatusCode.Created))
        {
            var etag = created.Headers.GetValues("ETag").Single();
            await SendAsync(HttpMethod.Put, "states/NOR", Admin, stateBody, HttpStatusCode.OK, headers: new() { ["If-Match"] = etag });
        }

        await SendAsync(HttpMethod.Put, "states/NOR", Admin, stateBody, HttpStatusCode.PreconditionFailed, headers: new() { ["If-Match"] = "\"stale\"" });
        await SendAsync(HttpMethod.Put, "states/SWE", Admin, new StateInputBuilder().With(i => i with { Name = "Sweden", Languages = ["en", "sv"] }).BuildBody(), HttpStatusCode.Created);
        await SendAsync(HttpMethod.Put, "states/FIN", Admin, new StateInputBuilder().With(i => i with { Name = "" }).BuildBody(), HttpStatusCode.BadRequest);
        await GetAsync("states", Vwu);
        await GetAsync("states/NOR", Nor);
        await SendAsync(HttpMethod.Get, "states/ZZZ", Admin, null, HttpStatusCode.NotFound);

        // Capacity: registered by the State's focal point, read, revised under If-Match.
        var capacityId = string.Empty;
        foreach (var (code, token) in new[] { ("NOR", Nor), ("SWE", Swe) })
        {
            var capacity = new CapacityInputBuilder().With(i => i with
            {
                Places = 4,
                MaxHouseholdSize = 5,
                Languages = ["en"],
                AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1),
                AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1),
            }).BuildBody();
            var registered = await JsonAsync(HttpMethod.Post, $"states/{code}/capacity", token, capacity, HttpStatusCode.Created);
            capacityId = code == "NOR" ? Id(registered) : capacityId;
        }

        await GetAsync("states/NOR/capacity", Vwu);
        using (var current = await SendAsync(HttpMethod.Get, $"states/NOR/capacity/{capacityId}", Nor, null, HttpStatusCode.OK))
        {
            var revised = new CapacityInputBuilder().With(i => i with
            {
                Places = 5,
                MaxHouseholdSize = 5,
                Languages = ["en"],
                AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1),
                AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1),
            }).BuildBody();
            await SendAsync(HttpMethod.Put, $"states/NOR/capacity/{capacityId}", Nor, revised, HttpStatusCode.OK, headers: new() { ["If-Match"] = current.Headers.GetValues("ETag").Single() });
        }

        // Agreements in force for both States, with a document and the year's report.
        var agreementId = string.Empty;
        foreach (var code in new[] { "NOR", "SWE" })
        {
            var agreement = await JsonAsync(HttpMethod.Post, "agreements", Admin, new AgreementInputBuilder().With(i => i with { StateCode = code }).BuildBody(), HttpStatusCode.Accepted);
            agreementId = Id(agreement);
            await JsonAsync(HttpMethod.Post, $"agreements/{agreementId}/events", Admin, new { @event = "Signed", date = Today }, null);
            await JsonAsync(HttpMethod.Post, $"agreements/{agreementId}/events", Admin, new { @event = "EnteredIntoForce", date = Today }, null);
        }

        await SendAsync(HttpMethod.Post, $"agreements/{agreementId}/events", Admin, new { @event = "EnteredIntoForce", date = Today }, HttpStatusCode.Conflict);
        await GetAsync("agreements?stateCode=NOR&type=WitnessRelocation&status=InForce", Vwu);
        await GetAsync($"agreements/{agreementId}", Admin);
        await SendAsync(HttpMethod.Get, $"agreements/{new string('0', 32)}", Admin, null, HttpStatusCode.NotFound);
        using (var document = new ByteArrayContent(Encoding.UTF8.GetBytes("Note verbale of 30 November 2026.\n")))
        {
            document.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            await SendAsync(HttpMethod.Put, $"agreements/{agreementId}/documents/note.txt", Admin, document, HttpStatusCode.Created);
        }

        await SendAsync(HttpMethod.Get, $"agreements/{agreementId}/documents/note.txt", Admin, null, HttpStatusCode.OK);
        await GetAsync($"reports/agreements?year={DateTime.UtcNow.Year}", Admin);
        await GetAsync("reports/capacity-gaps", Admin);

        // A relocation from request to arrival: offers requested, one State declines, one offers, VWU accepts.
        var relocation = await JsonAsync(HttpMethod.Post, "relocations", Vwu, RelocationBody("A1"), HttpStatusCode.Accepted);
        var relocationId = Id(relocation);
        await WaitAsync($"relocations/{relocationId}", Vwu, r => r.GetProperty("status").GetString() == "AwaitingOffers");
        await GetAsync("relocations?priority=Emergency&overdue=false", Vwu);
        await GetAsync($"relocations/{relocationId}/timeline", Vwu);
        await GetAsync($"relocations/{relocationId}/candidates", Vwu);
        await SendAsync(HttpMethod.Get, $"relocations/{relocationId}/case-file", Vwu, null, HttpStatusCode.OK, headers: new() { ["X-Access-Reason"] = "Contract test: arranging travel." });
        await SendAsync(HttpMethod.Get, $"relocations/{new string('0', 32)}", Vwu, null, HttpStatusCode.NotFound);
        foreach (var (code, token) in new[] { ("NOR", Nor), ("SWE", Swe) })
        {
            await WaitAsync($"states/{code}/offer-requests", token, r => r.GetArrayLength() > 0);
        }

        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/responses", Swe, new { stateCode = "SWE", decision = "Decline", note = "No place this month." }, HttpStatusCode.OK);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/responses", Nor,
            new { stateCode = "NOR", decision = "Offer", places = 3, availableFrom = Today, estimatedCost = new { value = 1250.50m, currency = "EUR" } }, HttpStatusCode.OK);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/consent", Vwu, new { givenOn = Today, recordedBy = "VWU officer", scope = "Relocation" }, HttpStatusCode.OK);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/acceptance", Vwu, new { stateCode = "NOR" }, null);
        await WaitAsync($"relocations/{relocationId}", Vwu, r => r.GetProperty("status").GetString() == "OfferAccepted");
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/travel", Vwu, new { step = "Planned", plannedOn = Today, escort = true, documents = "Issued" }, HttpStatusCode.OK);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/arrival", Vwu, new { arrivedOn = Today }, HttpStatusCode.OK);

        // Issue 14 after arrival: a review asks for an extension, the State confirms, then the State withdraws.
        var later = DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/reviews", Vwu, new { outcome = "Extend", reviewedOn = Today, newEndDate = later, note = "Threat persists." }, HttpStatusCode.OK);
        await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/extension", Nor, new { stateCode = "NOR", decision = "Confirm" }, HttpStatusCode.OK);
        var withdrawn = await JsonAsync(HttpMethod.Post, $"relocations/{relocationId}/withdrawal", Nor, new { stateCode = "NOR", reason = "Reception centre closed.", effectiveOn = Today }, HttpStatusCode.Accepted);
        await GetAsync($"reports/relocations?year={DateTime.UtcNow.Year}", Admin);

        // A body with several mistakes the document allows (Prism passes it on): one 400 names every one of them.
        var invalid = await JsonAsync(HttpMethod.Post, "relocations", Vwu, new
        {
            caseReference = "<script>",
            pseudonym = "W-1",
            kind = "TemporaryRelocation",
            priority = "Emergency",
            household = new { adults = 0, children = 1 },
            needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Contract Witness", dateOfBirth = "1987-04-12", currentLocation = "Bunia", contact = "+243 000 000" },
        }, HttpStatusCode.BadRequest);
        Assert.Equal(["caseReference", "household.adults", "pseudonym"], invalid.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        var cancelled = await JsonAsync(HttpMethod.Post, "relocations", Vwu, RelocationBody("B2"), HttpStatusCode.Accepted);
        await JsonAsync(HttpMethod.Post, $"relocations/{Id(cancelled)}/cancellation", Vwu, new { reason = "The threat has passed." }, HttpStatusCode.OK);

        // Notifications: the caller's inbox, one message marked read, and the operator's delivery view.
        var inbox = await WaitAsync("inbox", Vwu, r => r.GetProperty("items").GetArrayLength() > 0);
        await GetAsync("inbox?unread=true", Vwu);
        await JsonAsync(HttpMethod.Post, $"inbox/{Id(inbox.GetProperty("items")[0])}/read", Vwu, null, HttpStatusCode.OK);
        await GetAsync("outbox?status=Pending", Admin);
        await GetAsync("outbox?status=Sent", Admin);
        await GetAsync("outbox", Admin);

        // The Special Fund: every posting kind, a correction, the balance and a report in both formats.
        // A commitment names an open case: the re-relocation the withdrawal opened.
        var reRelocationId = withdrawn.GetProperty("reRelocationId").GetString()!;
        var pledge = await JsonAsync(HttpMethod.Post, "fund/pledges", Finance, new { donorStateCode = "NOR", amount = new { value = 100_000m, currency = "EUR" }, eurValue = 100_000m, date = Today }, HttpStatusCode.Created);
        await JsonAsync(HttpMethod.Post, "fund/receipts", Finance, new { donorStateCode = "NOR", pledgeId = Id(pledge), amount = new { value = 60_000m, currency = "EUR" }, eurValue = 60_000m, date = Today, reference = "Transfer 1" }, HttpStatusCode.Created);
        var commitment = await JsonAsync(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = reRelocationId, eurValue = 20_000m, date = Today }, HttpStatusCode.Created);
        await SendAsync(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = reRelocationId, eurValue = 1_000_000m, date = Today }, HttpStatusCode.Conflict);
        await SendAsync(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = "R-0002", eurValue = 1_000m, date = Today }, HttpStatusCode.BadRequest);
        await SendAsync(HttpMethod.Post, "fund/commitments", Finance, new { relocationId = Id(cancelled), eurValue = 1_000m, date = Today }, HttpStatusCode.Conflict);
        await JsonAsync(HttpMethod.Post, $"fund/commitments/{Id(commitment)}/release", Finance, new { eurValue = 5_000m, date = Today }, HttpStatusCode.Created);
        await JsonAsync(HttpMethod.Post, "fund/disbursements", Finance, new { commitmentId = Id(commitment), eurValue = 10_000m, payee = "Relocation service provider", date = Today }, HttpStatusCode.Created);
        var second = await JsonAsync(HttpMethod.Post, "fund/pledges", Finance, new { donorStateCode = "SWE", amount = new { value = 5_000m, currency = "SEK" }, eurValue = 450m, date = Today, earmark = "Witnesses" }, HttpStatusCode.Created);
        await JsonAsync(HttpMethod.Post, $"fund/postings/{Id(second)}/correction", Finance, new { eurValue = 450m, date = Today, reference = "Entered twice" }, HttpStatusCode.Created);
        await GetAsync($"fund/postings/{Id(pledge)}", Finance);
        await GetAsync($"fund/balance?asOf={Today}", Finance);

        // Issue 15: rates, a donor of the register, a pledge at the month's rate, its revaluation and write-off, the forecast, a statement.
        var firstOfMonth = DateOnly.FromDateTime(DateTime.UtcNow);
        firstOfMonth = new DateOnly(firstOfMonth.Year, firstOfMonth.Month, 1);
        var previousMonth = firstOfMonth.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        using (await SendAsync(HttpMethod.Put, $"fund/rates/{previousMonth}", Finance, new { rates = new Dictionary<string, decimal> { ["SEK"] = 0.09m } }, HttpStatusCode.OK))
        using (await SendAsync(HttpMethod.Put, "fund/donors/SE-FOUNDATION", Finance, new { name = "A Swedish foundation", kind = "Foundation", country = "SWE" }, HttpStatusCode.Created))
        {
        }

        var sek = await JsonAsync(HttpMethod.Post, "fund/pledges", Finance, new { donorId = "SE-FOUNDATION", amount = new { value = 10_000m, currency = "SEK" }, eurValue = 850m, date = firstOfMonth.AddMonths(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dueDate = Today }, HttpStatusCode.Created);
        await JsonAsync(HttpMethod.Post, "fund/revaluations", Finance, new { month = previousMonth }, HttpStatusCode.Created);
        await JsonAsync(HttpMethod.Post, $"fund/pledges/{Id(sek)}/write-off", Finance, new { date = Today, reason = "Will not be paid" }, HttpStatusCode.Created);
        await GetAsync("fund/forecast", Finance);
        await GetAsync($"fund/donors/SE-FOUNDATION/statement?to={Today}", Finance);
        var report = await JsonAsync(HttpMethod.Post, "fund/reports", Finance, new { }, HttpStatusCode.Accepted);
        await WaitAsync($"fund/reports/{Id(report)}", Finance, r => r.GetProperty("status").GetString() == "Completed");
        await SendAsync(HttpMethod.Get, $"fund/reports/{Id(report)}/csv", Finance, null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Get, $"fund/reports/{Id(report)}/xlsx", Finance, null, HttpStatusCode.OK);

        // The audit log.
        await GetAsync($"audit?from={Today}", Auditor);
        await GetAsync("audit/verify", Auditor);

        // A role that may not (403) is answered by the API, not by Prism.
        await SendAsync(HttpMethod.Get, "audit", Finance, null, HttpStatusCode.Forbidden);

        var missed = Table.All.Select(r => r.Name).Where(n => !_covered.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(missed.Length == 0, "Routes not called through Prism: " + string.Join(", ", missed));
        var violations = prism.Violations().Concat(_headerViolations).ToArray();
        output.WriteLine($"{_covered.Count} routes called through Prism; {violations.Length} violations.");
        Assert.True(violations.Length == 0, "Prism found violations:\n" + string.Join("\n", violations));

        var reads = prism.TableReads();
        output.WriteLine($"{reads.Count} Table reads: " + string.Join(", ", reads.GroupBy(r => r.Kind).Select(g => $"{g.Key} {g.Count()}")));
        // The hook saw the round opening read the candidate snapshot and a focal point read its open requests.
        Assert.Contains(reads, r => r is { Kind: Storage.Tables.TableReadKind.Partition, Table: "CandidateData" });
        Assert.Contains(reads, r => r is { Kind: Storage.Tables.TableReadKind.Partition, Table: "OfferRequests" });
        var unbounded = StorageDesignGuard.Violations(reads);
        Assert.True(unbounded.Count == 0, "Reads that grow with history on a request or activity path (docs/storage.md):\n" + string.Join("\n", unbounded));
    }

    [Fact]
    public async Task Violations_AnswerTheDocumentDoesNotAllow_AreReported()
    {
        // The negative control: the same host behind a Prism whose document says health answers a State. If this
        // passes, a silent Prism is not why the scenario above finds nothing.
        var document = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(prism.DocumentFile))!;
        document["paths"]!["/api/health"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"] =
            new System.Text.Json.Nodes.JsonObject { ["$ref"] = "#/components/schemas/StateDto" };
        var documentFile = await ContractTools.WriteDocumentAsync(document.ToJsonString());
        var logFile = Path.Combine(Path.GetTempPath(), "relocation-tests", $"prism-control-{Guid.NewGuid():N}.log");
        var (other, client) = await prism.StartPrismAsync(documentFile, logFile);
        try
        {
            using var response = await client.GetAsync("health");

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("prism/errors#VIOLATIONS", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(response.Headers.Contains("sl-violations"));
            await Task.Delay(200);
            Assert.NotEmpty(PrismProxyFixture.Violations(logFile));
        }
        finally
        {
            client.Dispose();
            await other.DisposeAsync();
            File.Delete(documentFile);
        }
    }

    private static object RelocationBody(string suffix) => new
    {
        caseReference = $"ICC-01/04-01/{suffix}",
        pseudonym = $"W-{(suffix == "A1" ? "4101" : "4102")}",
        kind = "TemporaryRelocation",
        priority = "Emergency",
        consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation" },
        household = new { adults = 2, children = 1 },
        needs = new { languages = new[] { "en" }, medicalCare = false },
        protectedPerson = new { fullName = "Contract Witness", dateOfBirth = "1987-04-12", currentLocation = "Bunia", contact = "+243 000 000" },
    };

    private static string Id(JsonElement element) => element.GetProperty("id").GetString()!;

    private async Task<JsonElement> GetAsync(string path, string? token) => await JsonAsync(HttpMethod.Get, path, token, null, HttpStatusCode.OK);

    private async Task<JsonElement> WaitAsync(string path, string token, Func<JsonElement, bool> done)
    {
        for (var i = 0; i < 300; i++)
        {
            var answer = await GetAsync(path, token);
            if (done(answer))
            {
                return answer;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"GET {path} did not reach the expected state.");
    }

    private async Task<JsonElement> JsonAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode? expected)
    {
        using var response = await SendAsync(method, path, token, body, expected);
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Sends through Prism and checks the status (any 2xx when <paramref name="expected"/> is null). A 422, or a 500
    /// that Prism wrote, is Prism refusing what it saw: the assertion shows its reasons.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body, HttpStatusCode? expected, Dictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body switch
            {
                null => null,
                HttpContent content => content,
                _ => JsonContent.Create(body, options: ApiJson.Options),
            },
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (method != HttpMethod.Get)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var match = Table.Match(method.Method, new Microsoft.AspNetCore.Http.PathString("/api/" + path.Split('?')[0]));
        Assert.True(match.Route is not null, $"{method} {path} is no route of the API.");
        _covered.Add(match.Route.Name);

        var response = await prism.Proxy.SendAsync(request);
        if (response.Headers.TryGetValues("sl-violations", out var reported))
        {
            // Prism lists here what it found, warnings included, even when it lets the answer through.
            _headerViolations.Add($"{method} {path}: {string.Join(" ", reported)}");
        }

        var status = (int)response.StatusCode;
        if (expected is { } wanted ? response.StatusCode != wanted : status is < 200 or > 299)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                output.WriteLine(string.Join("\n", prism.Host.Output.TakeLast(30)));
            }

            Assert.Fail($"{method} {path}: expected {(expected is null ? "2xx" : ((int)expected).ToString(CultureInfo.InvariantCulture))}, got {status} {text}");
        }

        return response;
    }
}
