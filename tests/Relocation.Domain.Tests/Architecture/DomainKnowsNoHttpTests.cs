using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Relocation.Domain.Fund;

namespace Relocation.Domain.Tests.Architecture;

/// <summary>
/// "Domain knows no HTTP", checked on the built assembly: no web or HTTP assembly referenced, no wire attributes (names
/// and shapes on the wire belong to Relocation.Api's DTOs), no wire-named types, and no route or HTTP status in its
/// documentation. Each check names what broke it, so the fix is to move that thing to Relocation.Api.
/// </summary>
public sealed partial class DomainKnowsNoHttpTests
{
    private static readonly Assembly Domain = typeof(Money).Assembly;

    private static readonly string[] ForbiddenAssemblyPrefixes = ["Microsoft.AspNetCore", "System.Net", "Microsoft.Extensions.Http", "Microsoft.Azure.Functions"];

    // Attributes that shape a type on the wire. JsonInclude and JsonIgnore are allowed: FundPosition's snapshot in the
    // ledger's head row is storage, not a request or an answer.
    private static readonly Type[] WireAttributes =
    [
        typeof(JsonPropertyNameAttribute), typeof(JsonConverterAttribute), typeof(JsonPolymorphicAttribute), typeof(JsonDerivedTypeAttribute),
        typeof(JsonStringEnumMemberNameAttribute), typeof(JsonRequiredAttribute), typeof(JsonExtensionDataAttribute), typeof(JsonPropertyOrderAttribute),
        typeof(JsonNumberHandlingAttribute), typeof(JsonUnmappedMemberHandlingAttribute),
    ];

    [Fact]
    public void ReferencedAssemblies_NoWebOrHttp_None()
    {
        var offending = Domain.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => ForbiddenAssemblyPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))
            .ToArray();

        Assert.True(offending.Length == 0, "Relocation.Domain references " + string.Join(", ", offending));
    }

    [Fact]
    public void TypesAndMembers_WireAttributes_None()
    {
        var offending = new List<string>();
        foreach (var type in Domain.GetTypes())
        {
            Collect(type, type.FullName!, offending);
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                Collect(member, $"{type.FullName}.{member.Name}", offending);
                if (member is MethodBase method)
                {
                    foreach (var parameter in method.GetParameters())
                    {
                        Collect(parameter, $"{type.FullName}.{member.Name}({parameter.Name})", offending);
                    }
                }
            }
        }

        Assert.True(offending.Count == 0, "Wire attributes in Relocation.Domain (move the wire shape to a DTO in Relocation.Api):\n" + string.Join("\n", offending.Distinct()));
    }

    [Fact]
    public void Types_NamedLikeWireTypes_None()
    {
        // By the project's convention Relocation.Api's request bodies end in Input and its answers in Dto.
        var offending = Domain.GetTypes()
            .Where(t => !t.IsNested && (t.Name.EndsWith("Input", StringComparison.Ordinal) || t.Name.EndsWith("Dto", StringComparison.Ordinal)))
            .Select(t => t.FullName)
            .ToArray();

        Assert.True(offending.Length == 0, "Wire-named types in Relocation.Domain: " + string.Join(", ", offending));
    }

    [Fact]
    public void Types_SignaturesUseWebOrHttpTypes_None()
    {
        var offending = new List<string>();
        foreach (var type in Domain.GetTypes())
        {
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var used = member switch
                {
                    FieldInfo f => [f.FieldType],
                    PropertyInfo p => [p.PropertyType],
                    MethodInfo m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType),
                    ConstructorInfo c => c.GetParameters().Select(p => p.ParameterType),
                    _ => Enumerable.Empty<Type>(),
                };
                offending.AddRange(used.Where(IsWebType).Select(t => $"{type.FullName}.{member.Name}: {t.FullName}"));
            }
        }

        Assert.True(offending.Count == 0, "Relocation.Domain speaks HTTP:\n" + string.Join("\n", offending.Distinct()));
    }

    [Fact]
    public void Documentation_RoutesOrHttpStatuses_None()
    {
        var path = Path.ChangeExtension(Domain.Location, ".xml");
        Assert.True(File.Exists(path), $"The domain's documentation file is missing: {path}");

        var offending = XDocument.Load(path).Descendants("member")
            .Select(m => (Name: (string?)m.Attribute("name"), Text: m.Value))
            .Where(m => HttpLanguage().IsMatch(m.Text))
            .Select(m => $"{m.Name}: {HttpLanguage().Match(m.Text).Value}")
            .ToArray();

        Assert.True(offending.Length == 0, "Routes or HTTP statuses in Relocation.Domain's documentation (they belong to Relocation.Api):\n" + string.Join("\n", offending));
    }

    private static void Collect(ICustomAttributeProvider target, string where, List<string> into)
    {
        foreach (var attribute in target.GetCustomAttributes(inherit: false))
        {
            if (WireAttributes.Any(w => w.IsInstanceOfType(attribute)))
            {
                into.Add($"{where}: [{attribute.GetType().Name}]");
            }
        }
    }

    private static bool IsWebType(Type type)
    {
        while (type.HasElementType)
        {
            type = type.GetElementType()!;
        }

        if (type.IsGenericType && type.GetGenericArguments().Any(IsWebType))
        {
            return true;
        }

        var ns = type.Namespace ?? string.Empty;
        return ns.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || ns.StartsWith("System.Net", StringComparison.Ordinal);
    }

    // A route (/api/…), a verb and a path (POST …/x), "HTTP", or a status code in parentheses such as "(409)".
    [GeneratedRegex(@"/api/|\b(GET|PUT|POST|DELETE|PATCH) [/…]|\bHTTP\b|\((200|201|202|204|400|401|403|404|409|412|413|429|500|503)\b")]
    private static partial Regex HttpLanguage();
}
