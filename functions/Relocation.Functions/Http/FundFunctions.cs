using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

public sealed class FundFunctions(ApiPipeline api)
{
    [Function("PostFundPledge")]
    public Task<IActionResult> PostFundPledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/pledges")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostFundPledge");

    [Function("PostFundReceipt")]
    public Task<IActionResult> PostFundReceipt([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/receipts")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostFundReceipt");

    [Function("PostFundCommitment")]
    public Task<IActionResult> PostFundCommitment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/commitments")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostFundCommitment");

    [Function("ReleaseFundCommitment")]
    public Task<IActionResult> ReleaseFundCommitment([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/commitments/{id}/release")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "ReleaseFundCommitment");

    [Function("PostFundDisbursement")]
    public Task<IActionResult> PostFundDisbursement([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/disbursements")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "PostFundDisbursement");

    [Function("CorrectFundPosting")]
    public Task<IActionResult> CorrectFundPosting([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/postings/{id}/correction")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "CorrectFundPosting");

    [Function("GetFundPosting")]
    public Task<IActionResult> GetFundPosting([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fund/postings/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetFundPosting");

    [Function("GetFundBalance")]
    public Task<IActionResult> GetFundBalance([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fund/balance")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetFundBalance");

    [Function("CreateFundReport")]
    public Task<IActionResult> CreateFundReport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fund/reports")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "CreateFundReport");

    [Function("GetFundReport")]
    public Task<IActionResult> GetFundReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fund/reports/{id}")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetFundReport");

    [Function("GetFundReportCsv")]
    public Task<IActionResult> GetFundReportCsv([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fund/reports/{id}/csv")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetFundReportCsv");

    [Function("GetFundReportXlsx")]
    public Task<IActionResult> GetFundReportXlsx([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fund/reports/{id}/xlsx")] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, client, "GetFundReportXlsx");
}
