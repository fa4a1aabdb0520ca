using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class SystemFunctions(ApiPipeline api)
{
    [Function("Health")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "Health");

    [Function("OpenApi")]
    public Task<IActionResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "OpenApi");

    [Function("QueryAudit")]
    public Task<IActionResult> QueryAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "QueryAudit");

    [Function("VerifyAudit")]
    public Task<IActionResult> VerifyAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/verify")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "VerifyAudit");
}
