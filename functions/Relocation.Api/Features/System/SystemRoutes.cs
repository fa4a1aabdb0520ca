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
        new("Health", HttpMethods.Get, "health", [], (_, _) => Task.FromResult(ApiResult.Ok(new { status = "Healthy", version = Version })),
            "Answers 200 when the API is up; anonymous."),
        new("OpenApi", HttpMethods.Get, "openapi.json", [], (sp, _) => Task.FromResult(OpenApi(sp)),
            "This OpenAPI document, generated from the route table; anonymous."),
    ];

    private static ApiResult OpenApi(IServiceProvider services)
    {
        var table = (ApiRouteTable)services.GetService(typeof(ApiRouteTable))!;
        return ApiResult.Ok(OpenApiDocument.Build(table, Version));
    }
}

/// <summary>Writes an OpenAPI 3.1 document of the route table: paths, methods, roles, parameters and the common answers.</summary>
internal static class OpenApiDocument
{
    public static JsonObject Build(ApiRouteTable table, string version)
    {
        var paths = new JsonObject();
        foreach (var group in table.All.GroupBy(r => "/api/" + r.Template))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                var responses = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } };
                if (!route.Anonymous)
                {
                    responses["401"] = new JsonObject { ["description"] = "No valid bearer token." };
                    responses["403"] = new JsonObject { ["description"] = "Role or State not allowed." };
                }

                if (route.IsWrite)
                {
                    responses["400"] = new JsonObject { ["description"] = "Invalid input; problem details name each field." };
                    responses["409"] = new JsonObject { ["description"] = "Conflicts with the current state, or Idempotency-Key reused." };
                }

                var parameters = new JsonArray();
                foreach (var name in RouteParameters(route.Template))
                {
                    parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
                }

                if (route.IsWrite)
                {
                    parameters.Add(new JsonObject { ["name"] = "Idempotency-Key", ["in"] = "header", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });
                }

                var operation = new JsonObject
                {
                    ["operationId"] = route.Name,
                    ["summary"] = route.Summary,
                    ["parameters"] = parameters,
                    ["responses"] = responses,
                    ["x-roles"] = new JsonArray(route.Roles.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
                };
                if (!route.Anonymous)
                {
                    operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
                }

                item[route.Method.ToLowerInvariant()] = operation;
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject { ["title"] = "Relocation API", ["version"] = version },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                },
            },
        };
    }

    private static IEnumerable<string> RouteParameters(string template) =>
        template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').Split(':')[0]);

}
