using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Api.Routing;
using Relocation.Domain.Security;
using Relocation.Testing.Contract;

namespace Relocation.Api.Tests.OpenApi;

/// <summary>
/// The contract generated from the route table. A new route must declare what it reads and answers
/// (<c>.Accepts&lt;T&gt;(…)</c>, <c>.Produces&lt;T&gt;(status)</c>, <c>.ProducesProblem(status)</c>): these tests name any route that does not.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly ApiRouteTable Table = ApiRouteTable.Discover();

    private static async Task<JsonElement> ServedAsync(ApiRouteTable table)
    {
        // The document exactly as GET /api/openapi.json answers it: the OpenApi route's own handler.
        var services = new ServiceCollection().AddSingleton(table).BuildServiceProvider();
        var route = Table.Get("OpenApi");
        var http = new DefaultHttpContext { RequestServices = services };
        var request = new ApiRequest(http, route, new Caller("t", "t", [], null), new(), ReadOnlyMemory<byte>.Empty, "c", null, null);
        var result = await route.Handler(services, request);
        Assert.Equal(200, result.Status);
        return JsonDocument.Parse(result.Body).RootElement.Clone();
    }

    [Fact]
    public async Task Served_EveryRouteDeclaresItsRequestAndAnswers_NoFindings()
    {
        var document = await ServedAsync(Table);

        var findings = OpenApiWalker.Findings(document, Table);

        Assert.True(findings.Count == 0, "The OpenAPI document is incomplete:\n" + string.Join("\n", findings));
    }

    [Fact]
    public async Task Served_EveryRouteOfTheTable_IsOneOperation()
    {
        var document = await ServedAsync(Table);

        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
            .Select(o => o.Value.GetProperty("operationId").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(Table.All.Select(r => r.Name).Order(StringComparer.Ordinal), operations);
    }

    private sealed class UndeclaredRoutes : IApiRoutes
    {
        public IEnumerable<ApiRoute> Routes =>
        [
            new("ThingWrite", Api.Routing.HttpMethods.Post, "things/{id}/thing", [Roles.VwuOfficer], (_, _) => Task.FromResult(ApiResult.NoContent()), "Declares nothing."),
            new("ThingRead", Api.Routing.HttpMethods.Get, "things/{id}", [Roles.VwuOfficer], (_, _) => Task.FromResult(ApiResult.NoContent()), "Declares nothing."),
        ];
    }

    [Fact]
    public async Task Served_RouteThatDeclaresNothing_IsNamedWithTheFix()
    {
        var table = new ApiRouteTable([new UndeclaredRoutes(), .. Discovered()]);
        var document = await ServedAsync(table);

        var findings = OpenApiWalker.Findings(document, table);

        Assert.Contains(findings, f => f.StartsWith("POST /api/things/{id}/thing (ThingWrite): a write with no request schema", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith("POST /api/things/{id}/thing (ThingWrite): declares no success answer", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith("GET /api/things/{id} (ThingRead): declares no success answer", StringComparison.Ordinal));
        Assert.Equal(3, findings.Count);
    }

    [Fact]
    public void Build_RequiredMemberThatDoesNotExist_Throws()
    {
        var route = new ApiRoute("Typo", Api.Routing.HttpMethods.Post, "typos", [Roles.VwuOfficer], (_, _) => Task.FromResult(ApiResult.NoContent()), "t")
            .Accepts<Relocation.Api.Features.Relocations.RelocationInput>("houshold.adults").ProducesEmpty();

        var error = Assert.Throws<InvalidOperationException>(() => Relocation.Api.OpenApi.OpenApiDocument.Build(new ApiRouteTable([new OneRoute(route)])));
        Assert.Contains("houshold.adults", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Served_RelocationRequest_HasRequiredMembersFormatsAndStringEnums()
    {
        var document = await ServedAsync(Table);
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var input = schemas.GetProperty("RelocationInput");
        Assert.Contains("protectedPerson", input.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var person = schemas.GetProperty("ProtectedPersonInput");
        Assert.Equal("date", person.GetProperty("properties").GetProperty("dateOfBirth").GetProperty("format").GetString());
        var priority = input.GetProperty("properties").GetProperty("priority");
        Assert.Contains("Emergency", priority.GetProperty("enum").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null));
        var email = schemas.GetProperty("FocalPointInput").GetProperty("properties").GetProperty("email");
        Assert.Equal("email", email.GetProperty("format").GetString());
        var problem = schemas.GetProperty("Problem");
        Assert.Contains("correlationId", problem.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(problem.GetProperty("properties").TryGetProperty("errors", out var errors));
        Assert.Contains("every invalid field", errors.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Served_CandidatesAndAudit_DeclareTheirStandingAboutAndFilters()
    {
        var document = await ServedAsync(Table);
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var candidate = schemas.GetProperty("CandidateDto").GetProperty("properties");
        Assert.Contains("Receiving", candidate.GetProperty("standing").GetRawText(), StringComparison.Ordinal);
        Assert.True(candidate.TryGetProperty("askedInRound", out _));
        Assert.True(schemas.GetProperty("AuditEntryDto").GetProperty("properties").TryGetProperty("about", out _));
        var audit = document.GetProperty("paths").GetProperty("/api/audit").GetProperty("get");
        var parameters = audit.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("description").GetString()!);
        Assert.Contains("about this resource", parameters["subject"], StringComparison.Ordinal);
        Assert.Contains("who did it", parameters["actor"], StringComparison.Ordinal);
        Assert.True(parameters.ContainsKey("action"));
    }

    [Fact]
    public async Task Served_Money_OneSchemaForRequestsAndAnswers()
    {
        var document = await ServedAsync(Table);
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var money = schemas.GetProperty("Money");
        Assert.Equal(["value", "currency"], money.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["value", "currency"], money.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(schemas.EnumerateObject(), s => s.Name != "Money" && s.Name.Contains("Money", StringComparison.Ordinal));
        const string Ref = "#/components/schemas/Money";
        Assert.Equal(Ref, RefOf(schemas.GetProperty("PledgeInput").GetProperty("properties").GetProperty("amount")));
        Assert.Equal(Ref, RefOf(schemas.GetProperty("ReceiptInput").GetProperty("properties").GetProperty("amount")));
        Assert.Equal(Ref, RefOf(schemas.GetProperty("ResponseInput").GetProperty("properties").GetProperty("estimatedCost")));
        Assert.Equal(Ref, RefOf(schemas.GetProperty("PostingDto").GetProperty("properties").GetProperty("amount")));
    }

    // A member's named model: its $ref, or the $ref among anyOf when a request may send null.
    private static string? RefOf(JsonElement member) =>
        member.TryGetProperty("$ref", out var direct) ? direct.GetString()
        : member.GetProperty("anyOf").EnumerateArray().Select(c => c.TryGetProperty("$ref", out var r) ? r.GetString() : null).Single(r => r is not null);

    [Fact]
    public async Task Served_Outbox_BareArrayWithTheNextPageInALinkHeader()
    {
        var document = await ServedAsync(Table);

        // PRODUCT.md fixes the answer as a bare array, so the page cursor travels in a declared header, and page= takes it back.
        var get = document.GetProperty("paths").GetProperty("/api/outbox").GetProperty("get");
        var ok = get.GetProperty("responses").GetProperty("200");
        Assert.Equal("#/components/headers/Link", ok.GetProperty("headers").GetProperty("Link").GetProperty("$ref").GetString());
        Assert.True(document.GetProperty("components").GetProperty("headers").TryGetProperty("Link", out _));
        Assert.Contains("page", get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var other = document.GetProperty("paths").GetProperty("/api/inbox").GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.False(other.GetProperty("headers").TryGetProperty("Link", out _));
    }

    [Fact]
    public async Task Served_PutState_DeclaresCreatedReplacedAndEveryPipelineAnswer()
    {
        var document = await ServedAsync(Table);

        var put = document.GetProperty("paths").GetProperty("/api/states/{code}").GetProperty("put");
        var statuses = put.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToArray();
        Assert.Equal(["200", "201", "400", "401", "403", "404", "409", "412", "413", "415", "429", "500", "503"], statuses);
        Assert.Equal("Registry.Admin", put.GetProperty("x-roles")[0].GetString());
        Assert.Equal("#/components/responses/Problem429", put.GetProperty("responses").GetProperty("429").GetProperty("$ref").GetString());
        var tooFast = document.GetProperty("components").GetProperty("responses").GetProperty("Problem429");
        Assert.True(tooFast.GetProperty("headers").TryGetProperty("Retry-After", out _));
        var headers = put.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Contains("Idempotency-Key", headers);
        Assert.Contains("If-Match", headers);
    }

    private static IEnumerable<IApiRoutes> Discovered() => [new OneRoute([.. Table.All])];

    private sealed class OneRoute(params ApiRoute[] routes) : IApiRoutes
    {
        public IEnumerable<ApiRoute> Routes => routes;
    }
}
