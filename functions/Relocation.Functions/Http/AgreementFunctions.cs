using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class AgreementFunctions(ApiPipeline api)
{
    [Function("CreateAgreement")]
    public Task<IActionResult> CreateAgreement([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "CreateAgreement");

    [Function("PostAgreementEvent")]
    public Task<IActionResult> PostAgreementEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agreements/{id}/events")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostAgreementEvent");

    [Function("ListAgreements")]
    public Task<IActionResult> ListAgreements([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ListAgreements");

    [Function("GetAgreement")]
    public Task<IActionResult> GetAgreement([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetAgreement");

    [Function("PutAgreementDocument")]
    public Task<IActionResult> PutAgreementDocument([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "agreements/{id}/documents/{name}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PutAgreementDocument");

    [Function("GetAgreementDocument")]
    public Task<IActionResult> GetAgreementDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agreements/{id}/documents/{name}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetAgreementDocument");

    [Function("AgreementStatistics")]
    public Task<IActionResult> AgreementStatistics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/agreements")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "AgreementStatistics");

}
