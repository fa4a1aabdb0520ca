using Xunit;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;
using Relocation.Storage.Configuration;

namespace Relocation.Testing;

/// <summary>A private Azurite on free ports with its files in a temp folder, for one test class or collection.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "relocation-tests", Guid.NewGuid().ToString("N"));

    public string ConnectionString => Server.ConnectionString;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite is not started.");

    public StorageClients Clients => new(new DataStorageOptions { ConnectionString = ConnectionString });

    public async Task InitializeAsync() =>
        _server = await AzuriteServer.StartOnFreePortsAsync(RepositoryPaths.Root, DataDirectory, TextWriter.Null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS.
        }
    }
}
