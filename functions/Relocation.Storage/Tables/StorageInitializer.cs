using Relocation.Storage.Configuration;

namespace Relocation.Storage.Tables;

/// <summary>Creates every registered table and container once, so no request pays for it.</summary>
public sealed class StorageInitializer(StorageClients clients, IEnumerable<StorageResource> resources)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var tasks = resources.Distinct().Select(r => r.Kind == StorageResourceKind.Table
            ? (Task)clients.Table(r.Name).CreateIfNotExistsAsync(cancellationToken)
            : clients.Container(r.Name).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Task.WhenAll(tasks);
    }
}
