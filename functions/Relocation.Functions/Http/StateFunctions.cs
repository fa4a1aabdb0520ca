using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class StateFunctions(ApiPipeline api)
{
    [Function("PutState")]
    public Task<IActionResult> PutState([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "states/{code}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PutState");

    [Function("ListStates")]
    public Task<IActionResult> ListStates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "states")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListStates");

    [Function("GetState")]
    public Task<IActionResult> GetState([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "states/{code}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetState");

    [Function("RegisterCapacity")]
    public Task<IActionResult> RegisterCapacity([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "states/{code}/capacity")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "RegisterCapacity");

    [Function("ListCapacity")]
    public Task<IActionResult> ListCapacity([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "states/{code}/capacity")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListCapacity");

    [Function("GetCapacity")]
    public Task<IActionResult> GetCapacity([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "states/{code}/capacity/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetCapacity");

    [Function("ReviseCapacity")]
    public Task<IActionResult> ReviseCapacity([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "states/{code}/capacity/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ReviseCapacity");
}
