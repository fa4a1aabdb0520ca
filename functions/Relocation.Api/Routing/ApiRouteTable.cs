using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Relocation.Api.Routing;

/// <summary>The whole HTTP contract: every route of every feature, served by both hosts and checked against the Functions metadata.</summary>
public sealed class ApiRouteTable
{
    private readonly Dictionary<string, ApiRoute> _byName;

    private readonly (ApiRoute Route, TemplateMatcher Matcher)[] _matchOrder;

    public ApiRouteTable(IEnumerable<IApiRoutes> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        All = features.SelectMany(f => f.Routes).ToArray();
        _byName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);
        // Literal segments before parameters, as ASP.NET Core's router orders them: "a/{id}/csv" wins over "a/{id}/{name}".
        _matchOrder = All
            .Select(r => (Route: r, Template: TemplateParser.Parse("api/" + r.Template)))
            .OrderByDescending(x => x.Template.Segments.Count(s => s.IsSimple && s.Parts[0].IsLiteral))
            .Select(x => (x.Route, new TemplateMatcher(x.Template, [])))
            .ToArray();
    }

    /// <summary>
    /// The route that serves <paramref name="method"/> on <paramref name="path"/> (<c>/api/…</c>) and its route values;
    /// <see cref="ApiRouteMatch.Allowed"/> lists the methods the path has when none is <paramref name="method"/>.
    /// </summary>
    public ApiRouteMatch Match(string method, PathString path)
    {
        var allowed = new List<string>();
        foreach (var (route, matcher) in _matchOrder)
        {
            var values = new RouteValueDictionary();
            if (!matcher.TryMatch(path, values))
            {
                continue;
            }

            if (string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase)
                || (HttpMethods.IsHead(method) && HttpMethods.IsGet(route.Method)))
            {
                return new ApiRouteMatch(route, values, []);
            }

            allowed.Add(route.Method);
        }

        return new ApiRouteMatch(null, new RouteValueDictionary(), allowed.Distinct(StringComparer.Ordinal).ToArray());
    }

    public IReadOnlyList<ApiRoute> All { get; }

    public ApiRoute Get(string name) =>
        _byName.TryGetValue(name, out var route) ? route : throw new InvalidOperationException($"No route named {name}.");

    /// <summary>Every feature of this assembly; a feature joins the contract by implementing <see cref="IApiRoutes"/>.</summary>
    public static ApiRouteTable Discover() => new(
        typeof(ApiRouteTable).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IApiRoutes).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IApiRoutes)Activator.CreateInstance(t)!));
}

/// <summary>What <see cref="ApiRouteTable.Match"/> found: a route and its values, or none and the methods the path allows.</summary>
public sealed record ApiRouteMatch(ApiRoute? Route, RouteValueDictionary Values, IReadOnlyList<string> Allowed);

/// <summary>A feature's routes, declared by a class with a parameterless constructor.</summary>
public interface IApiRoutes
{
    IEnumerable<ApiRoute> Routes { get; }
}
