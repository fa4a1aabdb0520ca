using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

/// <summary>
/// The whole HTTP API as one function: every method, every path under <c>/api</c>, dispatched through
/// <c>Relocation.Api</c>'s route table by the same pipeline the local host runs. The route table is the one list of
/// routes; there is no trigger per route to keep in step with it.
/// </summary>
public sealed class ApiFunction(ApiPipeline api)
{
    public const string Name = "Api";

    [Function(Name)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, Route = "{*path}")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        await api.DispatchAsync(request.HttpContext, client);
        // The pipeline has written the whole answer.
        return new EmptyResult();
    }
}
