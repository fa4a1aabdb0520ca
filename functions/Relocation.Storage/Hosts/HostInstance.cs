using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Hosts;

/// <summary>
/// This process, as the other hosts on the same data see it: an id new at every start and a heartbeat (a point write
/// every <see cref="Beat"/>: the metadata of an empty blob <c>hosts/{id}</c>). A claim whose owner has no fresh heartbeat
/// belonged to a process that died, so a retry can take it over within seconds instead of waiting out a long timeout.
/// <para>A blob, not a table row (it was a row of the idempotency table): on the emulator every table write marks the
/// whole table database dirty, and LokiJS then re-serializes all of it (every table, 150 MB at ten years of history)
/// within 5 s, answering nothing meanwhile; a beat a second kept that save running at every 5 s tick for as long as a
/// host was up, even when no request wrote. Blob metadata lives in the emulator's small blob database. In Azure either
/// is one point write.</para>
/// </summary>
public sealed class HostInstance(StorageClients clients, TimeProvider time)
{
    public const string Container = "hosts";

    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Four missed beats: dead. Short enough that a killed host's claims are free by the time a restart answers; a live
    /// host stalled that long could see a retry run beside it, which handlers tolerate (each is idempotent by key).
    /// </summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(4);

    private const string SeenAt = "seenat";
    private readonly BlobContainerClient _container = clients.Container(Container);

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(Id);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [SeenAt] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
        try
        {
            await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The first beat of this instance (and of a fresh account: the container too).
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
        }
    }

    public async Task<bool> IsAliveAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (instanceId == Id)
        {
            return true;
        }

        try
        {
            var properties = await _container.GetBlobClient(instanceId).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(SeenAt, out var text)
                && DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var seen)
                && time.GetUtcNow() - seen < DeadAfter;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>On an orderly stop: the heartbeat goes, so this instance's claims can be taken over at once.</summary>
    public async Task RetireAsync(CancellationToken cancellationToken) =>
        await _container.GetBlobClient(Id).DeleteIfExistsAsync(cancellationToken: cancellationToken);
}

/// <summary>Beats for <see cref="HostInstance"/>: once before the host serves anything, then every <see cref="HostInstance.Beat"/>.</summary>
internal sealed partial class HostHeartbeat(HostInstance instance, ILogger<HostHeartbeat> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryBeatAsync(cancellationToken);
        _loop = LoopAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            await instance.RetireAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or TimeoutException or OperationCanceledException or System.Net.Http.HttpRequestException)
        {
            // Storage already gone (stopped first): the row simply goes stale.
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HostInstance.Beat);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryBeatAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task TryBeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await instance.BeatAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RequestFailedException or System.Net.Http.HttpRequestException or AggregateException)
        {
            LogBeatFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Host heartbeat not written ({Error}); storage unreachable")]
    private static partial void LogBeatFailed(ILogger logger, string error);
}
