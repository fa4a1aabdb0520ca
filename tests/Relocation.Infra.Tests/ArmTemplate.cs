using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Relocation.Infra.Tests;

/// <summary>
/// Read-only view over the compiled ARM JSON of infra/main.bicep: main.bicep creates the
/// resource group and calls one module (a nested deployment) per concern, so everything is
/// found by module name. Values are ARM expressions; only the few shapes our Bicep emits are
/// resolved (module parameters, literal GUIDs, copy loops over a parameter array).
/// </summary>
internal sealed partial class ArmTemplate
{
    public ArmTemplate(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new ArgumentException("Empty template.", nameof(json)));

    /// <summary>Works on array-form and languageVersion 2.0 (symbolic-name dictionary) templates.</summary>
    public static IEnumerable<JsonObject> ResourcesOf(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject dictionary => dictionary.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };

    public IEnumerable<ModuleDeployment> Modules =>
        ResourcesOf(Root)
            .Where(r => Is(r, "Microsoft.Resources/deployments"))
            .Select(r => new ModuleDeployment(
                (string?)r["name"] ?? string.Empty,
                r["properties"]?["parameters"]?.AsObject() ?? [],
                r["properties"]?["template"]?.AsObject() ?? []));

    public ModuleDeployment Module(string name) =>
        Modules.SingleOrDefault(m => m.Name == name)
            ?? throw new InvalidOperationException($"No module deployment named '{name}' in main.bicep.");

    /// <summary>Every resource in the main template and in every module, with the module it is in.</summary>
    public IEnumerable<(string Module, JsonObject Resource)> AllResources =>
        ResourcesOf(Root).Select(r => ("main", r))
            .Concat(Modules.SelectMany(m => ResourcesOf(m.Template).Select(r => (m.Name, r))));

    public IEnumerable<(string Module, JsonObject Resource)> ResourcesOfType(string type) =>
        AllResources.Where(x => Is(x.Resource, type));

    /// <summary>The function app's settings, resolved through the module parameter that carries them.</summary>
    public IReadOnlyDictionary<string, string> AppSettings
    {
        get
        {
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var module in Modules)
            {
                foreach (var config in ResourcesOf(module.Template).Where(r => Is(r, "Microsoft.Web/sites/config")
                    && ((string?)r["name"] ?? string.Empty).Contains("appsettings", StringComparison.OrdinalIgnoreCase)))
                {
                    var properties = config["properties"] is JsonValue expression
                        ? module.ResolveParameter((string?)expression)
                        : config["properties"];
                    foreach (var (name, value) in properties?.AsObject() ?? [])
                    {
                        // ToJsonString would escape the quotes inside ARM expressions.
                        settings[name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? string.Empty;
                    }
                }
            }

            return settings;
        }
    }

    /// <summary>Every role assignment, with literal role GUIDs and the principal expression resolved through module parameters.</summary>
    public IReadOnlyList<RoleGrant> RoleGrants
    {
        get
        {
            var grants = new List<RoleGrant>();
            foreach (var (moduleName, resource) in AllResources.Where(x => Is(x.Resource, "Microsoft.Authorization/roleAssignments")))
            {
                var module = Modules.FirstOrDefault(m => m.Name == moduleName);
                var scope = (string?)resource["scope"] ?? string.Empty;
                var scopeType = ResourceIdType().Match(scope) is { Success: true } m ? m.Groups["type"].Value : scope;
                var roleExpression = (string?)resource["properties"]?["roleDefinitionId"] ?? string.Empty;
                var principalExpression = (string?)resource["properties"]?["principalId"] ?? string.Empty;
                var principal = module?.ResolveParameter(principalExpression)?.ToString() ?? principalExpression;
                var conditional = resource["condition"] is not null;

                foreach (var roleId in RoleIds(roleExpression, module))
                {
                    grants.Add(new RoleGrant(moduleName, scopeType, roleId, principal, conditional));
                }
            }

            return grants;
        }
    }

    private static IEnumerable<string> RoleIds(string expression, ModuleDeployment? module)
    {
        var literal = Guid().Matches(expression).Select(m => m.Value.ToLowerInvariant()).ToList();
        if (literal.Count > 0)
        {
            return literal;
        }

        // Copy loop: roleDefinitionId = ...(parameters('ids')[copyIndex()]).
        var indexed = IndexedParameter().Match(expression);
        if (indexed.Success && module?.ParameterValue(indexed.Groups["name"].Value) is JsonArray ids)
        {
            return ids.Select(id => ((string?)id ?? string.Empty).ToLowerInvariant());
        }

        // Unresolvable: report the raw expression so a policy check fails loudly rather than passes.
        return [expression];
    }

    private static bool Is(JsonObject resource, string type) =>
        string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"resourceId\('(?<type>[^']+)'")]
    private static partial Regex ResourceIdType();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)\[copyIndex\(\)\]")]
    private static partial Regex IndexedParameter();
}

/// <summary>One module of main.bicep: its name, the parameter values main passes, and its template.</summary>
internal sealed partial record ModuleDeployment(string Name, JsonObject Parameters, JsonObject Template)
{
    /// <summary>"[parameters('x')]" becomes the value main passes for x; anything else is returned as is.</summary>
    public JsonNode? ResolveParameter(string? expression)
    {
        var match = WholeParameter().Match(expression ?? string.Empty);
        return match.Success ? ParameterValue(match.Groups["name"].Value) : JsonValue.Create(expression);
    }

    /// <summary>
    /// The value main passes for a parameter: usually { "value": ... }, but a conditional value compiles to
    /// one whole-object expression ("[if(c, createObject('value', a), ...)]"), returned as that string.
    /// </summary>
    public JsonNode? ParameterValue(string name) =>
        Parameters[name] is JsonObject wrapper ? wrapper["value"] : Parameters[name];

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeParameter();
}

/// <param name="Module">The main.bicep module the assignment is declared in (e.g. host-storage).</param>
/// <param name="ScopeType">Resource type the role is scoped to.</param>
/// <param name="RoleDefinitionId">Lower-case role definition GUID.</param>
/// <param name="Principal">The principal id expression as main.bicep passes it.</param>
/// <param name="Conditional">Whether the assignment only exists when a parameter is set.</param>
internal sealed record RoleGrant(string Module, string ScopeType, string RoleDefinitionId, string Principal, bool Conditional);
