using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Relocation.Testing;

/// <summary>
/// Every row of every table and every blob of an Azurite account, hashed, so a test can prove a request wrote nothing.
/// </summary>
public static class StorageSnapshot
{
    /// <summary>Hosts' heartbeats (Storage/Hosts/HostInstance): liveness, rewritten every second by each host itself, not state any request wrote.</summary>
    private const string HeartbeatContainer = "hosts";

    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(string connectionString, Func<string, bool>? includeTable = null, Func<string, bool>? includeContainer = null)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            if (includeTable is not null && !includeTable(table.Name))
            {
                continue;
            }

            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                var values = string.Join("|", row.Keys.Where(k => k is not "Timestamp" and not "odata.etag").Order(StringComparer.Ordinal).Select(k => $"{k}={Format(row[k])}"));
                snapshot[$"table:{table.Name}/{row.PartitionKey}/{row.RowKey}"] = values;
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            if (container.Name == HeartbeatContainer || (includeContainer is not null && !includeContainer(container.Name)))
            {
                continue;
            }

            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = await client.GetBlobClient(blob.Name).DownloadContentAsync();
                snapshot[$"blob:{container.Name}/{blob.Name}"] = Convert.ToHexString(SHA256.HashData(content.Value.Content.ToArray()));
            }
        }

        return snapshot;
    }

    private static string Format(object? value) => value switch
    {
        byte[] bytes => Convert.ToHexString(SHA256.HashData(bytes)),
        DateTimeOffset d => d.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null",
    };
}
