using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Relocation.Storage.Configuration;

/// <summary>The service clients for the data account, built once from <see cref="DataStorageOptions"/>.</summary>
public sealed class StorageClients
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Tables.TableGroupCommit> _groupCommits = new(StringComparer.Ordinal);
    private readonly bool _groupCommit;

    /// <param name="options">Where the data lives.</param>
    /// <param name="queryLog">The query-kind log of the design guard, when on.</param>
    /// <param name="groupCommit">False sends every <see cref="GroupCommit"/> write alone (the bench compares both on one build).</param>
    /// <param name="connected">Called for each connection a capped transport opens (tests count them).</param>
    public StorageClients(DataStorageOptions options, Tables.TableQueryLog? queryLog = null, bool groupCommit = true, Action? connected = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _groupCommit = groupCommit;
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        if (options.MaxConnectionsPerEndpoint is { } cap)
        {
            // One transport for both services: the cap is per endpoint (host and port), and each service has its own.
            var transport = StorageTransport.Create(cap, connected);
            tableOptions.Transport = transport;
            blobOptions.Transport = transport;
        }

        if (options.Trace)
        {
            var trace = new StorageTracePolicy("app", Console.WriteLine);
            tableOptions.AddPolicy(trace, HttpPipelinePosition.PerRetry);
            blobOptions.AddPolicy(trace, HttpPipelinePosition.PerRetry);
        }

        if (queryLog is not null)
        {
            // Per call, not per retry: a read retried after a transient failure is still one read.
            tableOptions.AddPolicy(queryLog, HttpPipelinePosition.PerCall);
        }

        if (options.UsesConnectionString)
        {
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
            Blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        }
        else
        {
            var credential = CreateCredential(options);
            Tables = new TableServiceClient(options.ResolveTableServiceUri(), credential, tableOptions);
            Blobs = new BlobServiceClient(options.ResolveBlobServiceUri(), credential, blobOptions);
        }
    }

    public TableServiceClient Tables { get; }

    public BlobServiceClient Blobs { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);

    /// <summary>The one group commit of a table in this process (writes wait together only if they share it).</summary>
    public Tables.TableGroupCommit GroupCommit(string table) => _groupCommits.GetOrAdd(table, name => new Tables.TableGroupCommit(Table(name), _groupCommit));

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
