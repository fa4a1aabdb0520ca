using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using Relocation.Api.Routing;
using Relocation.Api.Telemetry;
using Relocation.Functions.Http;

namespace Relocation.Functions.Tests;

/// <summary>
/// The Functions app's one HTTP trigger, called in-process as the worker calls it (the function class from the app's
/// container, an ASP.NET Core request): every route of the OpenAPI document is answered by its own route, which the
/// API's span names.
/// </summary>
public sealed class ApiDispatchTests : IDisposable
{
    private static readonly AsyncLocal<List<string>?> Spans = new();
    // No storage here: the audit log is a stand-in, or every refused request would answer 503 (an audit entry that
    // cannot be written fails the request).
    private readonly IHost _host = FunctionsApp.BuildHost(s => s.AddSingleton(Mock.Of<Relocation.Domain.Audit.IAuditLog>()));
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == ApiTelemetry.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        ActivityStopped = activity => Spans.Value?.Add(activity.DisplayName),
    };

    public ApiDispatchTests() => ActivitySource.AddActivityListener(_listener);

    [Fact]
    public async Task Run_EveryOperationOfTheOpenApiDocument_IsAnsweredByThatRoute()
    {
        var (status, body, _) = await SendAsync("GET", "/api/openapi.json");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name.ToUpperInvariant(),
                Id: op.Value.GetProperty("operationId").GetString()!, Anonymous: op.Value.GetProperty("x-roles").GetArrayLength() == 0)))
            .ToArray();
        Assert.Equal(ApiRouteTable.Discover().All.Count, operations.Length);

        foreach (var operation in operations)
        {
            var (answer, json, spans) = await SendAsync(operation.Method, Fill(operation.Path));

            // Without a token a protected route says 401, an anonymous one answers: either way its own route answered.
            Assert.True(spans.SequenceEqual([operation.Id]), $"{operation.Method} {operation.Path}: answered by [{string.Join(", ", spans)}], not {operation.Id}");
            Assert.Equal(operation.Anonymous ? 200 : 401, answer);
            using var parsed = JsonDocument.Parse(json);
        }
    }

    [Fact]
    public async Task Run_PathOfNoRoute_Answers404ProblemWithoutRunningARoute()
    {
        var (status, body, spans) = await SendAsync("GET", "/api/no-such-thing/at-all");

        Assert.Equal(404, status);
        Assert.Empty(spans);
        Assert.Equal(404, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Run_MethodThePathDoesNotHave_Answers405WithAllow()
    {
        var http = NewContext("DELETE", "/api/states/NOR");

        await RunAsync(http);

        Assert.Equal(405, http.Response.StatusCode);
        Assert.Equal(["GET", "PUT"], http.Response.Headers.Allow.ToString().Split(", ").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/api/fund/reports/0123456789abcdef0123456789abcdef/csv", "GetFundReportCsv", "id")]
    [InlineData("GET", "/api/states/NOR/capacity/0123456789abcdef0123456789abcdef", "GetCapacity", "id")]
    [InlineData("PUT", "/api/agreements/0123456789abcdef0123456789abcdef/documents/signed.pdf", "PutAgreementDocument", "name")]
    [InlineData("HEAD", "/api/states/NOR", "GetState", "code")]
    public void Match_PathOfARoute_FindsItAndItsValues(string method, string path, string route, string value)
    {
        var match = _host.Services.GetRequiredService<ApiRouteTable>().Match(method, path);

        Assert.Equal(route, match.Route?.Name);
        Assert.True(match.Values.ContainsKey(value));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _host.Dispose();
    }

    private static string Fill(string template) => string.Join('/', template.Split('/').Select(segment => segment switch
    {
        "{code}" => "NOR",
        "{id}" => "0123456789abcdef0123456789abcdef",
        "{name}" => "signed.pdf",
        _ when segment.StartsWith('{') => "x",
        _ => segment,
    }));

    private DefaultHttpContext NewContext(string method, string path)
    {
        var http = new DefaultHttpContext { RequestServices = _host.Services.CreateScope().ServiceProvider };
        http.Request.Method = method;
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static async Task RunAsync(DefaultHttpContext http)
    {
        var function = ActivatorUtilities.CreateInstance<ApiFunction>(http.RequestServices);
        await function.Run(http.Request, new Mock<DurableTaskClient>("test").Object);
    }

    private async Task<(int Status, string Body, IReadOnlyList<string> Spans)> SendAsync(string method, string path)
    {
        var spans = new List<string>();
        Spans.Value = spans;
        var http = NewContext(method, path);
        await RunAsync(http);
        Spans.Value = null;
        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()), spans);
    }
}
