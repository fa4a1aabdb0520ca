using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Relocation.Api.Json;
using Relocation.Api.Problems;
using Relocation.Api.Routing;

namespace Relocation.Api.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the route table. Nothing in it is written by hand: paths, parameters and answers come
/// from each <see cref="ApiRoute"/>'s declarations, and every schema is exported by
/// <see cref="JsonSchemaExporter"/> from the very types and <see cref="ApiJson.Options"/> the API serialises with, so
/// the contract cannot drift from the code. Named object types become components (their C# names), which is what a
/// client generator turns into models.
/// </summary>
public static class OpenApiDocument
{
    /// <summary>The contract's version: changed when the contract changes, not on every build, so the committed copy stays comparable.</summary>
    public const string ContractVersion = "2026-12-01";

    public const string SchemaPrefix = "#/components/schemas/";

    private static readonly ConditionalWeakTable<ApiRouteTable, string> Cache = [];

    /// <summary>The document of <paramref name="table"/>, built once per table.</summary>
    public static JsonObject For(ApiRouteTable table) =>
        (JsonObject)JsonNode.Parse(Cache.GetValue(table, t => Build(t).ToJsonString(Indented)))!;

    /// <summary>The document as the committed copy holds it (indented, '\n' line ends, ending with a newline).</summary>
    public static string ToText(ApiRouteTable table) => For(table).ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    private static readonly JsonSerializerOptions Indented = new(ApiJson.Options) { WriteIndented = true };

    public static JsonObject Build(ApiRouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var schemas = new SchemaRegistry();
        var paths = new JsonObject();
        foreach (var group in table.All.GroupBy(r => "/api/" + r.Template))
        {
            var item = new JsonObject();
            foreach (var route in group)
            {
                item[route.Method.ToLowerInvariant()] = Operation(route, schemas);
            }

            paths[group.Key] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Relocation API",
                ["version"] = ContractVersion,
                ["description"] = "The International Criminal Court Registry's relocation system: States, their capacity and agreements, " +
                    "urgent relocation requests, the Special Fund for Relocations and the audit log. Every write takes an Idempotency-Key; " +
                    "errors are RFC 9457 problem details with the correlation id; x-roles lists the roles (claim 'roles') that may call an operation.",
                ["license"] = new JsonObject { ["name"] = "Proprietary", ["identifier"] = "LicenseRef-ICC-Registry" },
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "http://127.0.0.1:7071", ["description"] = "The local host (dotnet run --project functions/Relocation.LocalHost)." }),
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
            ["tags"] = new JsonArray(table.All.Select(r => Tag(r.Template)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(t => (JsonNode)new JsonObject { ["name"] = t, ["description"] = $"Routes under /api/{t}." }).ToArray()),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Components(),
                ["responses"] = ProblemResponses(schemas),
                ["headers"] = Headers(),
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["bearerFormat"] = "JWT",
                        ["description"] = "A token with a 'roles' claim (and 'state', the ISO 3166-1 alpha-3 code, for State.FocalPoint).",
                    },
                },
            },
        };
    }

    private static string Tag(string template) => template.Split('/')[0].Split('.')[0];

    private static JsonObject Operation(ApiRoute route, SchemaRegistry schemas)
    {
        var operation = new JsonObject
        {
            ["operationId"] = route.Name,
            ["summary"] = route.Summary,
            ["tags"] = new JsonArray(Tag(route.Template)),
        };

        var parameters = new JsonArray();
        foreach (var name in RouteParameters(route.Template))
        {
            var schema = new JsonObject { ["type"] = "string" };
            if (name == "code")
            {
                schema["pattern"] = "^[A-Z]{3}$";
            }

            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "path",
                ["required"] = true,
                ["description"] = name == "code" ? "The State's ISO 3166-1 alpha-3 code." : $"The {name}.",
                ["schema"] = schema,
            });
        }

        foreach (var parameter in route.Parameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = parameter.Name,
                ["in"] = parameter.In == ApiParameterLocation.Query ? "query" : "header",
                ["required"] = parameter.Required,
                ["description"] = parameter.Description,
                ["schema"] = schemas.Inline(parameter.Type),
            });
        }

        if (route.IsWrite && !route.Parameters.Any(p => p.Name == ApiHeaders.IdempotencyKey))
        {
            parameters.Add(new JsonObject
            {
                ["name"] = ApiHeaders.IdempotencyKey,
                ["in"] = "header",
                ["required"] = route.Creates,
                ["description"] = "Makes the write safe to retry: the same key and body answer the first answer again (at most 200 characters).",
                ["schema"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 200 },
            });
        }

        operation["parameters"] = parameters;

        if (route.RequestType is { } requestType)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Request(requestType, route.RequiredMembers) } },
            };
        }
        else if (route.RequestMediaTypes.Count > 0)
        {
            var content = new JsonObject();
            foreach (var mediaType in route.RequestMediaTypes)
            {
                content[mediaType] = new JsonObject { ["schema"] = Binary(mediaType) };
            }

            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = content };
        }

        operation["responses"] = Responses(route, schemas);
        operation["security"] = route.Anonymous
            ? new JsonArray()
            : new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
        operation["x-roles"] = new JsonArray(route.Roles.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        return operation;
    }

    private static JsonObject Responses(ApiRoute route, SchemaRegistry schemas)
    {
        var answers = new SortedDictionary<int, ApiAnswer>();
        foreach (var answer in route.Answers)
        {
            answers[answer.Status] = answer;
        }

        // What the pipeline answers for the route, whatever its handler does: declared here once, not on every route.
        void Pipeline(int status)
        {
            if (!answers.ContainsKey(status))
            {
                answers[status] = ApiAnswer.Problem(status, null);
            }
        }

        Pipeline(500);
        Pipeline(503);
        if (!route.Anonymous)
        {
            Pipeline(401);
            Pipeline(403);
        }

        if (route.IsWrite)
        {
            Pipeline(400);
            Pipeline(409);
            Pipeline(413);
            Pipeline(429);
        }

        if (route.RequestType is not null)
        {
            Pipeline(415);
        }

        if (route.Parameters.Count > 0)
        {
            Pipeline(400);
        }

        if (RouteParameters(route.Template).Any())
        {
            Pipeline(404);
        }

        var responses = new JsonObject();
        foreach (var (status, answer) in answers)
        {
            var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (answer.IsProblem)
            {
                // Problems share one component per status; a route's own reason for a status is its description.
                schemas.Problem(status);
                responses[code] = answer.Description == ApiAnswer.DefaultDescription(status)
                    ? new JsonObject { ["$ref"] = "#/components/responses/Problem" + code }
                    : new JsonObject
                    {
                        ["description"] = answer.Description,
                        ["headers"] = ProblemHeaders(status),
                        ["content"] = ProblemContent(),
                    };
                continue;
            }

            var response = new JsonObject { ["description"] = answer.Description };
            var headers = new JsonObject();
            if (answer.BodyType is { } bodyType)
            {
                response["content"] = new JsonObject { [ApiMediaTypes.Json] = new JsonObject { ["schema"] = schemas.Response(bodyType) } };
            }
            else if (answer.MediaTypes.Count > 0)
            {
                var content = new JsonObject();
                foreach (var mediaType in answer.MediaTypes)
                {
                    content[mediaType] = new JsonObject { ["schema"] = Binary(mediaType) };
                }

                response["content"] = content;
                headers["Content-Disposition"] = new JsonObject { ["$ref"] = "#/components/headers/Content-Disposition" };
            }

            if (status is 201 or 202)
            {
                headers["Location"] = new JsonObject { ["$ref"] = "#/components/headers/Location" };
            }

            if (status is 200 or 201)
            {
                headers["ETag"] = new JsonObject { ["$ref"] = "#/components/headers/ETag" };
            }

            if (answer.NextPageLink)
            {
                headers["Link"] = new JsonObject { ["$ref"] = "#/components/headers/Link" };
            }

            headers["X-Correlation-Id"] = new JsonObject { ["$ref"] = "#/components/headers/X-Correlation-Id" };
            response["headers"] = headers;
            responses[code] = response;
        }

        return responses;
    }

    private static JsonObject ProblemContent() =>
        new() { [ApiMediaTypes.Problem] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = SchemaPrefix + nameof(ProblemDetailsMapper.Problem) } } };

    private static JsonObject ProblemHeaders(int status)
    {
        var headers = new JsonObject { ["X-Correlation-Id"] = new JsonObject { ["$ref"] = "#/components/headers/X-Correlation-Id" } };
        if (status is 429 or 503)
        {
            headers["Retry-After"] = new JsonObject { ["$ref"] = "#/components/headers/Retry-After" };
        }

        if (status == 401)
        {
            headers["WWW-Authenticate"] = new JsonObject { ["$ref"] = "#/components/headers/WWW-Authenticate" };
        }

        return headers;
    }

    private static JsonObject Header(string description, JsonObject schema) => new() { ["description"] = description, ["schema"] = schema };

    private static JsonObject Headers() => new()
    {
        ["Location"] = Header("The new resource (201), or where to read the progress (202).", new JsonObject { ["type"] = "string" }),
        ["ETag"] = Header("The resource's version, where it has one: send it back as If-Match.", new JsonObject { ["type"] = "string" }),
        ["X-Correlation-Id"] = Header("Names this request in the logs and the audit log (echoes the request's X-Correlation-Id when it sent one).", new JsonObject { ["type"] = "string" }),
        ["Retry-After"] = Header("Seconds to wait before retrying.", new JsonObject { ["type"] = "integer", ["minimum"] = 0 }),
        ["WWW-Authenticate"] = Header("The scheme to use: Bearer.", new JsonObject { ["type"] = "string" }),
        ["Content-Disposition"] = Header("Always an attachment, with the file's name.", new JsonObject { ["type"] = "string" }),
        ["Link"] = Header("The next page of a list answered as a bare array: <url>; rel=\"next\" (absent on the last page).", new JsonObject { ["type"] = "string" }),
    };

    private static JsonObject ProblemResponses(SchemaRegistry schemas) =>
        new(schemas.ProblemStatuses.Select(status => KeyValuePair.Create(
            "Problem" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (JsonNode?)new JsonObject
            {
                ["description"] = ApiAnswer.DefaultDescription(status),
                ["headers"] = ProblemHeaders(status),
                ["content"] = ProblemContent(),
            })));

    private static JsonObject Binary(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.Ordinal)
            ? new JsonObject { ["type"] = "string" }
            : new JsonObject { ["type"] = "string", ["format"] = "binary" };

    internal static IEnumerable<string> RouteParameters(string template) =>
        template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').Split(':')[0]);

    /// <summary>Components by type and direction, exported with the API's own serializer options.</summary>
    private sealed class SchemaRegistry
    {
        private readonly SortedDictionary<string, JsonNode> _components = new(StringComparer.Ordinal);
        private readonly Dictionary<(Type Type, bool Response), string> _names = [];

        public SortedSet<int> ProblemStatuses { get; } = [];

        /// <summary>Registers a problem answer of <paramref name="status"/>, and the problem component.</summary>
        public void Problem(int status)
        {
            ProblemStatuses.Add(status);
            var problem = Resolve(Response(typeof(ProblemDetailsMapper.Problem)));
            // What a client reads of a 400: the record's members carry no descriptions the exporter could take.
            problem["description"] = "An RFC 9457 problem. A 400 lists every invalid field at once in 'errors' (the field that " +
                "failed first comes first) and names them in 'detail'; nothing was written.";
            if (problem["properties"]?["errors"] is JsonObject errors)
            {
                errors["description"] = "Each invalid field (a JSON path such as household.adults or needs.languages[0], or a header " +
                    "name) with its messages; every invalid field of the request, not only the first.";
            }
        }

        public JsonObject Components() => new(_components.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value.DeepClone())));

        /// <summary>An answer's schema: members that are never null are required (the API leaves out null members, so none is ever null).</summary>
        public JsonNode Response(Type type) => Reference(type, response: true);

        /// <summary>A request's schema: null is allowed where the type allows it; only <paramref name="required"/> members must be sent.</summary>
        public JsonNode Request(Type type, IReadOnlyList<string> required)
        {
            var schema = Reference(type, response: false);
            foreach (var path in required)
            {
                Require(schema, path.Split('.'), 0, type, path);
            }

            return schema;
        }

        /// <summary>A parameter's schema (string, number, bool, date, enum), inline.</summary>
        public JsonNode Inline(Type type) => Export(type, response: true, root: type);

        private void Require(JsonNode schema, string[] path, int at, Type root, string fullPath)
        {
            var target = Resolve(schema);
            var member = path[at];
            if (target["properties"]?[member] is not { } property)
            {
                throw new InvalidOperationException($"{root.Name} has no member '{fullPath}' to require.");
            }

            if (at == path.Length - 1)
            {
                var list = target["required"] as JsonArray ?? [];
                if (!list.Any(n => n?.GetValue<string>() == member))
                {
                    list.Add(member);
                }

                target["required"] = list;
                return;
            }

            var inner = property["items"] ?? property;
            if (inner["anyOf"] is JsonArray choices)
            {
                inner = choices[0]!;
            }

            Require(inner, path, at + 1, root, fullPath);
        }

        private JsonObject Resolve(JsonNode schema) =>
            schema["$ref"]?.GetValue<string>() is { } reference
                ? (JsonObject)_components[reference[SchemaPrefix.Length..]]
                : (JsonObject)schema;

        private JsonNode Reference(Type type, bool response)
        {
            if (ContractSchemaOf(type) is { } fixedShape)
            {
                return new JsonObject { ["$ref"] = SchemaPrefix + Fixed(fixedShape) };
            }

            var info = ApiJson.Options.GetTypeInfo(type);
            return info.Kind == JsonTypeInfoKind.Object && IsNamed(type)
                ? new JsonObject { ["$ref"] = SchemaPrefix + Component(type, response) }
                : Export(type, response, root: null);
        }

        /// <summary>A converter-backed wire type: one component for requests and answers, exported from its written shape.</summary>
        private string Fixed(ContractSchemaAttribute contract)
        {
            if (!_components.ContainsKey(contract.Name))
            {
                var schema = (JsonObject)Export(contract.Shape, response: true, root: contract.Shape);
                schema["description"] = contract.Description;
                _components[contract.Name] = schema;
            }

            return contract.Name;
        }

        private static ContractSchemaAttribute? ContractSchemaOf(Type type) =>
            (Nullable.GetUnderlyingType(type) ?? type).GetCustomAttributes(typeof(ContractSchemaAttribute), inherit: false).FirstOrDefault() as ContractSchemaAttribute;

        private string Component(Type type, bool response)
        {
            if (_names.TryGetValue((type, response), out var existing))
            {
                return existing;
            }

            var name = type.Name;
            if (_names.ContainsValue(name))
            {
                // Two types of one name in different slices, or one type both sent and answered.
                name = _names.ContainsKey((type, !response))
                    ? name + (response ? "Answer" : "Request")
                    : type.Namespace!.Split('.')[^1] + name;
            }

            _names[(type, response)] = name;
            _components[name] = new JsonObject(); // reserved first: a type that contains itself refers to its own name
            _components[name] = Export(type, response, root: type);
            return name;
        }

        private JsonNode Export(Type type, bool response, Type? root) =>
            ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = (context, node) => Transform(context, node, response, root),
            });

        private JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, bool response, Type? root)
        {
            var type = context.TypeInfo.Type;
            var isRoot = context.Path.IsEmpty && context.PropertyInfo is null;
            if (ContractSchemaOf(type) is { } fixedShape && !(isRoot && type == root))
            {
                var reference = new JsonObject { ["$ref"] = SchemaPrefix + Fixed(fixedShape) };
                return !response && context.PropertyInfo is { IsSetNullable: true }
                    ? new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) }
                    : reference;
            }

            if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && IsNamed(type) && !(isRoot && type == root))
            {
                var reference = new JsonObject { ["$ref"] = SchemaPrefix + Component(type, response) };
                if (!response && node is JsonObject { } nullable && AllowsNull(nullable))
                {
                    // A request may send null for an optional object; "anyOf" keeps the named model for generators.
                    return new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) };
                }

                return reference;
            }

            if (node is not JsonObject schema)
            {
                return node;
            }

            if (schema["enum"] is JsonArray values && schema["type"] is null)
            {
                schema["type"] = values.Any(v => v is null) ? new JsonArray("string", "null") : "string";
            }

            if (context.PropertyInfo is { } property && property.Name.EndsWith("mail", StringComparison.OrdinalIgnoreCase) && IsString(schema))
            {
                schema["format"] = "email";
            }

            if (!response && schema["enum"] is JsonArray)
            {
                // An optional enum member is left out, not sent as null: a null in the list becomes a sentinel member
                // in generated clients' enums.
                DropNull(schema);
            }

            if (response)
            {
                DropNull(schema);
                // Answers may gain members over time; a client must not break on one it does not know.
                if (schema["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False)
                {
                    schema.Remove("additionalProperties");
                }
            }

            if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && context.PropertyInfo is null)
            {
                // The exporter calls every constructor parameter required; what a request must carry is declared at the
                // route (Accepts<T>("member", …)), and what an answer always carries is worked out below.
                schema.Remove("required");
            }

            if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && context.PropertyInfo is null && response && schema["properties"] is JsonObject properties)
            {
                // Answers leave out null members and write every other one: the members that cannot be null are always there.
                var required = context.TypeInfo.Properties
                    .Where(p => p.Get is not null && !MayBeNull(p))
                    .Select(p => (JsonNode)p.Name)
                    .Where(n => properties.ContainsKey(n.GetValue<string>()))
                    .ToArray();
                if (required.Length > 0)
                {
                    schema["required"] = new JsonArray(required);
                }
            }

            return schema;
        }

        private static bool MayBeNull(JsonPropertyInfo property) =>
            property.PropertyType.IsValueType
                ? Nullable.GetUnderlyingType(property.PropertyType) is not null
                : property.IsGetNullable;

        private static bool AllowsNull(JsonObject schema) =>
            schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");

        private static bool IsString(JsonObject schema) =>
            schema["type"] is JsonValue v ? v.GetValue<string>() == "string"
            : schema["type"] is JsonArray a && a.Any(t => t?.GetValue<string>() == "string");

        private static void DropNull(JsonObject schema)
        {
            if (schema["type"] is JsonArray types)
            {
                var kept = types.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToArray();
                schema["type"] = kept.Length == 1 ? kept[0] : new JsonArray(kept.Select(k => (JsonNode)k).ToArray());
            }

            if (schema["enum"] is JsonArray values && values.Any(v => v is null))
            {
                schema["enum"] = new JsonArray(values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray());
            }
        }

        private static bool IsNamed(Type type) =>
            !type.IsGenericType && !type.IsArray && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true
            && !Attribute.IsDefined(type, typeof(CompilerGeneratedAttribute));
    }
}

/// <summary>Header names the contract documents.</summary>
public static class ApiHeaders
{
    public const string IdempotencyKey = "Idempotency-Key";
    public const string IfMatch = "If-Match";
    public const string AccessReason = "X-Access-Reason";
}

/// <summary>Media types of answers.</summary>
public static class ApiMediaTypes
{
    public const string Json = "application/json";
    public const string Problem = "application/problem+json";
}
