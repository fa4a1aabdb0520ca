namespace Relocation.Api.Routing;

/// <summary>The whole HTTP contract: every route of every feature, served by both hosts and checked against the Functions metadata.</summary>
public sealed class ApiRouteTable
{
    private readonly Dictionary<string, ApiRoute> _byName;

    public ApiRouteTable(IEnumerable<IApiRoutes> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        All = features.SelectMany(f => f.Routes).ToArray();
        _byName = All.ToDictionary(r => r.Name, StringComparer.Ordinal);
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

/// <summary>A feature's routes, declared by a class with a parameterless constructor.</summary>
public interface IApiRoutes
{
    IEnumerable<ApiRoute> Routes { get; }
}
