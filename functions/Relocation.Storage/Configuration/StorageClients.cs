using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Relocation.Storage.Configuration;

/// <summary>The service clients for the data account, built once from <see cref="DataStorageOptions"/>.</summary>
public sealed class StorageClients
{
    public StorageClients(DataStorageOptions options, Tables.TableQueryLog? queryLog = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tableOptions = new TableClientOptions();
        if (queryLog is not null)
        {
            // Per call, not per retry: a read retried after a transient failure is still one read.
            tableOptions.AddPolicy(queryLog, HttpPipelinePosition.PerCall);
        }

        if (options.UsesConnectionString)
        {
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
            Blobs = new BlobServiceClient(options.ConnectionString);
        }
        else
        {
            var credential = CreateCredential(options);
            Tables = new TableServiceClient(options.ResolveTableServiceUri(), credential, tableOptions);
            Blobs = new BlobServiceClient(options.ResolveBlobServiceUri(), credential);
        }
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);

    /// <summary>
    /// In Azure the user-assigned identity is named explicitly, so the app never falls back to another credential;
    /// elsewhere <see cref="DefaultAzureCredential"/> lets a developer use their own sign-in against a real account.
    /// </summary>
    public static TokenCredential CreateCredential(DataStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(options.ClientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ClientId) ? null : options.ClientId,
        });
    }
}
