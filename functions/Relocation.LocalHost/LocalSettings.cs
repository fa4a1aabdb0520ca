using System.Text.Json;

namespace Relocation.LocalHost;

/// <summary>
/// Reads <c>local.settings.sample.json</c>, the one list of settings the Functions app reads, so both hosts start from
/// the same values; <c>Auth__Mode</c> becomes <c>Auth:Mode</c> as the Functions host does.
/// </summary>
internal static class LocalSettings
{
    public static IConfigurationBuilder AddLocalSettingsSample(this IConfigurationBuilder builder, string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var values = document.RootElement.GetProperty("Values").EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name.Replace("__", ":", StringComparison.Ordinal), p.Value.GetString())).ToArray();
        return builder.AddInMemoryCollection(values);
    }
}
