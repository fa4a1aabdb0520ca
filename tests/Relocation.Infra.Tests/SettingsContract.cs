using System.Text.Json.Nodes;

namespace Relocation.Infra.Tests;

/// <summary>
/// The rule that ties local.settings.sample.json to the Azure app settings: every setting the
/// app reads locally has an Azure counterpart, so a new setting added for a feature cannot be
/// forgotten in infra/main.bicep.
/// </summary>
internal static class SettingsContract
{
    /// <summary>Local-only settings, each with the reason it has no Azure counterpart.</summary>
    private static readonly string[] LocalOnly =
    [
        // Flex Consumption sets the worker runtime through functionAppConfig.runtime and rejects the app setting.
        "FUNCTIONS_WORKER_RUNTIME",
        // Development tokens are signed with this key; in Azure Entra ID signs them (Auth__Mode = EntraId).
        "Auth__DevelopmentSigningKey",
        // Local case-file keys; in Azure the key is the Key Vault secret CaseFiles__KeyVaultSecretName
        // and its version is the key id.
        "CaseFiles__ActiveKeyId",
        // Azure sets it on every app (the app's host name); the Durable client binding needs it, so a local run sets it.
        "WEBSITE_HOSTNAME",
        // The local host's trace exporter (console or otlp); in Azure the app exports to Application Insights.
        "Telemetry__Exporter",
    ];

    private static readonly string[] LocalOnlyPrefixes =
    [
        "CaseFiles__Keys__",
    ];

    /// <summary>Values that make a local setting a storage connection (Azurite or a connection string).</summary>
    private static readonly string[] ConnectionMarkers =
        ["UseDevelopmentStorage=", "DefaultEndpointsProtocol=", "AccountName=", "BlobEndpoint=", "TableEndpoint=", "QueueEndpoint="];

    public static IReadOnlyDictionary<string, string> ReadLocalValues(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidOperationException($"{path} is empty.");
        var values = root["Values"]?.AsObject() ?? throw new InvalidOperationException($"{path} has no Values.");
        return values.ToDictionary(p => p.Key, p => (string?)p.Value ?? string.Empty, StringComparer.Ordinal);
    }

    public static bool IsLocalOnly(string name) =>
        LocalOnly.Contains(name, StringComparer.Ordinal)
        || LocalOnlyPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    public static bool IsConnection(string value) =>
        ConnectionMarkers.Any(marker => value.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>Local settings without an Azure counterpart, each with the name(s) that would satisfy it.</summary>
    public static IReadOnlyList<string> MissingCounterparts(
        IReadOnlyDictionary<string, string> local, IReadOnlyCollection<string> azure)
    {
        var missing = new List<string>();
        foreach (var (name, value) in local)
        {
            if (IsLocalOnly(name))
            {
                continue;
            }

            if (IsConnection(value))
            {
                // An identity-based connection X is X__accountName or X__<service>ServiceUri in Azure.
                var prefix = name + "__";
                var satisfied = azure.Any(a => a == prefix + "accountName"
                    || (a.StartsWith(prefix, StringComparison.Ordinal) && a.EndsWith("ServiceUri", StringComparison.Ordinal)));
                if (!satisfied)
                {
                    missing.Add($"{name} (connection): expected {prefix}accountName or {prefix}<service>ServiceUri");
                }
            }
            else if (!azure.Contains(name))
            {
                missing.Add($"{name}: expected an app setting with the same name");
            }
        }

        return missing;
    }
}
