using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class NotificationFunctions(ApiPipeline api)
{
    [Function("ListInbox")]
    public Task<IActionResult> ListInbox([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListInbox");

    [Function("MarkInboxRead")]
    public Task<IActionResult> MarkInboxRead([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "inbox/{id}/read")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "MarkInboxRead");

    [Function("ListOutbox")]
    public Task<IActionResult> ListOutbox([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "outbox")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListOutbox");
}
