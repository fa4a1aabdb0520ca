using Microsoft.Extensions.Hosting;
using Relocation.Storage.Tables;

namespace Relocation.Functions;

/// <summary>Creates the data account's tables and containers once per worker start, as the local host does before it listens.</summary>
internal sealed class StorageStartup(StorageInitializer initializer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => initializer.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
