using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Relocation.Api.Pipeline;

namespace Relocation.Functions.Http;

/// <summary>What every HTTP shim does: hand the request to the shared pipeline, which writes the whole answer.</summary>
internal static class FunctionsApi
{
    public static async Task<IActionResult> RunAsync(this ApiPipeline pipeline, HttpRequest request, DurableTaskClient workflows, string route)
    {
        ArgumentNullException.ThrowIfNull(request);
        await pipeline.RunAsync(request.HttpContext, route, workflows);
        return new EmptyResult();
    }
}
