using System.Text.Json;
using Relocation.Api.Routing;

namespace Relocation.Testing.Contract;

/// <summary>
/// Walks an OpenAPI document against the route table and lists what a client could not be generated from: a route
/// missing from the document, a write with no request schema, an operation with no success answer, an answer or body
/// without a schema, a reference to no component. Each finding says how to fix it at the route's declaration.
/// </summary>
public static class OpenApiWalker
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static IReadOnlyList<string> Findings(JsonElement document, ApiRouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var findings = new List<string>();
        var operations = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                var id = operation.Value.TryGetProperty("operationId", out var idElement) ? idElement.GetString()! : $"{operation.Name} {path.Name}";
                operations[id] = operation.Value;
                CheckReferences(operation.Value, document, id, findings);
            }
        }

        foreach (var route in table.All)
        {
            var where = $"{route.Method} /api/{route.Template} ({route.Name})";
            if (!operations.TryGetValue(route.Name, out var operation))
            {
                findings.Add($"{where}: not in the document.");
                continue;
            }

            var hasBody = operation.TryGetProperty("requestBody", out var body);
            if (route.IsWrite && !hasBody && !route.ReadsNoBody)
            {
                findings.Add($"{where}: a write with no request schema; declare .Accepts<TInput>(\"requiredMember\", …), .AcceptsFile(mediaTypes) or .AcceptsNoBody().");
            }

            if (hasBody)
            {
                foreach (var content in body.GetProperty("content").EnumerateObject())
                {
                    if (!content.Value.TryGetProperty("schema", out _))
                    {
                        findings.Add($"{where}: request body {content.Name} has no schema.");
                    }
                }
            }

            var responses = operation.GetProperty("responses").EnumerateObject().ToArray();
            if (!responses.Any(r => r.Name.StartsWith('2')))
            {
                findings.Add($"{where}: declares no success answer; declare .Produces<TAnswer>(status), .ProducesFile(status, mediaTypes) or .ProducesEmpty().");
            }

            foreach (var named in responses)
            {
                var response = named.Value.TryGetProperty("$ref", out var shared) ? Shared(document, shared.GetString()!, where, findings) : named;
                var declared = route.Answers.FirstOrDefault(a => a.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) == named.Name);
                var hasContent = response.Value.TryGetProperty("content", out var content);
                if (!hasContent && (named.Name[0] is '4' or '5' || declared is { BodyType: not null } || declared is { MediaTypes.Count: > 0 }))
                {
                    findings.Add($"{where}: answer {named.Name} has a body but no content in the document.");
                }

                if (hasContent)
                {
                    foreach (var media in content.EnumerateObject())
                    {
                        if (!media.Value.TryGetProperty("schema", out _))
                        {
                            findings.Add($"{where}: answer {named.Name} ({media.Name}) has no schema.");
                        }
                    }
                }
            }

            if (!route.Anonymous && !operation.TryGetProperty("x-roles", out _))
            {
                findings.Add($"{where}: no x-roles.");
            }
        }

        if (document.TryGetProperty("components", out var components))
        {
            CheckReferences(components, document, "components", findings);
        }

        foreach (var id in operations.Keys.Where(id => table.All.All(r => r.Name != id)))
        {
            findings.Add($"{id}: in the document but not in the route table.");
        }

        return findings;
    }

    private static JsonProperty Shared(JsonElement document, string reference, string where, List<string> findings)
    {
        const string prefix = "#/components/responses/";
        var name = reference.StartsWith(prefix, StringComparison.Ordinal) ? reference[prefix.Length..] : reference;
        if (document.GetProperty("components").TryGetProperty("responses", out var shared))
        {
            foreach (var response in shared.EnumerateObject().Where(r => r.Name == name))
            {
                return response;
            }
        }

        findings.Add($"{where}: {reference} refers to no shared response.");
        using var empty = JsonDocument.Parse("{\"x\":{}}");
        return empty.RootElement.Clone().EnumerateObject().First();
    }

    private static void CheckReferences(JsonElement element, JsonElement document, string where, List<string> findings)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        var parts = property.Value.GetString()!.Split('/');
                        if (parts is not ["#", "components", var kind, var name]
                            || !document.GetProperty("components").TryGetProperty(kind, out var group) || !group.TryGetProperty(name, out _))
                        {
                            findings.Add($"{where}: {property.Value.GetString()} refers to nothing in the document.");
                        }
                    }
                    else
                    {
                        CheckReferences(property.Value, document, where, findings);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CheckReferences(item, document, where, findings);
                }

                break;
        }
    }
}
