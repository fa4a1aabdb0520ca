namespace Relocation.Api.OpenApi;

/// <summary>
/// A wire type the API reads and writes through its own converter, which the schema exporter cannot look into: the
/// contract shows it as one component, <paramref name="name"/>, exported from <paramref name="shape"/> (the written
/// form), the same for requests and answers.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ContractSchemaAttribute(string name, Type shape, string description) : Attribute
{
    public string Name { get; } = name;

    public Type Shape { get; } = shape;

    public string Description { get; } = description;
}
