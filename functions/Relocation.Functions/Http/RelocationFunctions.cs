using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class RelocationFunctions(ApiPipeline api)
{
    [Function("CreateRelocation")]
    public Task<IActionResult> CreateRelocation([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relocations")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "CreateRelocation");

    [Function("GetRelocation")]
    public Task<IActionResult> GetRelocation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relocations/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetRelocation");

    [Function("GetRelocationTimeline")]
    public Task<IActionResult> GetRelocationTimeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relocations/{id}/timeline")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetRelocationTimeline");

    [Function("GetRelocationCandidates")]
    public Task<IActionResult> GetRelocationCandidates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relocations/{id}/candidates")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetRelocationCandidates");

    [Function("GetCaseFile")]
    public Task<IActionResult> GetCaseFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "relocations/{id}/case-file")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetCaseFile");

    [Function("ListOfferRequests")]
    public Task<IActionResult> ListOfferRequests([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "states/{code}/offer-requests")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListOfferRequests");

    [Function("PostRelocationResponse")]
    public Task<IActionResult> PostRelocationResponse([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relocations/{id}/responses")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostRelocationResponse");

    [Function("AcceptRelocationOffer")]
    public Task<IActionResult> AcceptRelocationOffer([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relocations/{id}/acceptance")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "AcceptRelocationOffer");

    [Function("RecordRelocationArrival")]
    public Task<IActionResult> RecordRelocationArrival([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relocations/{id}/arrival")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "RecordRelocationArrival");

    [Function("CancelRelocation")]
    public Task<IActionResult> CancelRelocation([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "relocations/{id}/cancellation")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "CancelRelocation");
}
