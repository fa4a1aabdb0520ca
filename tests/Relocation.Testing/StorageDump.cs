using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Relocation.Testing;

/// <summary>
/// Everything an Azurite account holds, as text: every property of every row of every table, every blob and every
/// queue message (the durable task hub included), each also base64- and gzip-decoded where it is so, to search for
/// data that must not be there.
/// </summary>
public static class StorageDump
{
    public static async Task<IReadOnlyList<(string Where, string Text)>> AllAsync(string connectionString)
    {
        var items = new List<(string, string)>();
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (key, value) in row)
                {
                    var where = $"table {table.Name}/{row.PartitionKey}/{row.RowKey}/{key}";
                    items.AddRange(Decodings(value is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)).Select(t => (where, t)));
                }
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                items.AddRange(Decodings(content).Select(t => ($"blob {container.Name}/{blob.Name}", t)));
            }
        }

        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            var messages = await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32);
            foreach (var message in messages.Value)
            {
                items.AddRange(Decodings(message.Body.ToArray()).Select(t => ($"queue {queue.Name}/{message.MessageId}", t)));
            }
        }

        return items;
    }

    private static IEnumerable<string> Decodings(byte[] bytes)
    {
        yield return Encoding.UTF8.GetString(bytes);
        if (TryGunzip(bytes) is { } unzipped)
        {
            yield return Encoding.UTF8.GetString(unzipped);
        }

        var text = Encoding.UTF8.GetString(bytes).Trim().Trim('"');
        var buffer = new byte[text.Length];
        if (text.Length >= 8 && Convert.TryFromBase64String(text, buffer, out var written))
        {
            var decoded = buffer.AsSpan(0, written).ToArray();
            yield return Encoding.UTF8.GetString(decoded);
            if (TryGunzip(decoded) is { } inner)
            {
                yield return Encoding.UTF8.GetString(inner);
            }
        }
    }

    private static byte[]? TryGunzip(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
        {
            return null;
        }

        try
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
