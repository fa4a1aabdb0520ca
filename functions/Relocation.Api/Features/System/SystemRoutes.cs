using System.Reflection;
using System.Text.Json.Nodes;
using Relocation.Api.Routing;

namespace Relocation.Api.Features.System;

internal sealed class SystemRoutes : IApiRoutes
{
    private static readonly string Version =
        typeof(SystemRoutes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";

    public IEnumerable<ApiRoute> Routes =>
    [
        new ApiRoute("Health", HttpMethods.Get, "health", [], (_, _) => Task.FromResult(ApiResult.Ok(new HealthDto("Healthy", Version))),
            "Answers 200 when the API is up; anonymous.").Produces<HealthDto>(),
        new ApiRoute("OpenApi", HttpMethods.Get, "openapi.json", [], (sp, _) => Task.FromResult(OpenApi(sp)),
            "This OpenAPI document, generated from the route table; anonymous.").Produces<JsonObject>(200, "The OpenAPI 3.1 document."),
    ];

    private static ApiResult OpenApi(IServiceProvider services)
    {
        var table = (ApiRouteTable)services.GetService(typeof(ApiRouteTable))!;
        return ApiResult.Ok(Relocation.Api.OpenApi.OpenApiDocument.For(table));
    }
}

/// <summary>The API is up, and which build answers.</summary>
internal sealed record HealthDto(string Status, string Version);
