using System.ComponentModel.DataAnnotations;

namespace Relocation.Storage.Configuration;

/// <summary>
/// Where the application's data lives. Locally a connection string (<c>DataStorage=UseDevelopmentStorage=true</c>);
/// in Azure an identity-based connection in the Functions convention (<c>DataStorage__accountName</c>,
/// <c>DataStorage__credential=managedidentity</c>, <c>DataStorage__clientId</c>), so no key is ever configured.
/// </summary>
public sealed class DataStorageOptions
{
    public const string SectionName = "DataStorage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary><c>managedidentity</c> in Azure; anything else means <see cref="Azure.Identity.DefaultAzureCredential"/>.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of the user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// At most this many connections to each storage endpoint from this process (null: the SDK's default, no cap).
    /// The local host sets it for the emulator: see <see cref="StorageTransport"/>.
    /// </summary>
    public int? MaxConnectionsPerEndpoint { get; set; }

    /// <summary>
    /// The load bench's counts (<c>DataStorage:Trace</c>, bench/README.md): one line per storage request on standard
    /// output (<see cref="StorageTracePolicy"/>). Off by default; never on in a deployment.
    /// </summary>
    public bool Trace { get; set; }

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public Uri ResolveTableServiceUri() =>
        TableServiceUri ?? new Uri($"https://{Require(AccountName)}.table.core.windows.net");

    public Uri ResolveBlobServiceUri() =>
        BlobServiceUri ?? new Uri($"https://{Require(AccountName)}.blob.core.windows.net");

    public IEnumerable<ValidationResult> Validate()
    {
        if (!UsesConnectionString && string.IsNullOrWhiteSpace(AccountName) && (TableServiceUri is null || BlobServiceUri is null))
        {
            yield return new ValidationResult(
                "Set DataStorage to a connection string, or DataStorage__accountName (or both service URIs) for an identity-based connection.",
                [nameof(ConnectionString), nameof(AccountName)]);
        }

        if (MaxConnectionsPerEndpoint is < 1)
        {
            yield return new ValidationResult("DataStorage:MaxConnectionsPerEndpoint must be at least 1.", [nameof(MaxConnectionsPerEndpoint)]);
        }
    }

    private static string Require(string? accountName) =>
        string.IsNullOrWhiteSpace(accountName) ? throw new InvalidOperationException("DataStorage__accountName is not set.") : accountName;
}
