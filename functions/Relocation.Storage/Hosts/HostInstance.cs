using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Hosts;

/// <summary>
/// This process, as the other hosts on the same data see it: an id new at every start and a heartbeat row (a point
/// write every <see cref="Beat"/>) in the idempotency table. A claim whose owner has no fresh heartbeat belonged to a
/// process that died, so a retry can take it over within seconds instead of waiting out a long timeout.
/// </summary>
public sealed class HostInstance(StorageClients clients, TimeProvider time)
{
    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Four missed beats: dead. Short enough that a killed host's claims are free by the time a restart answers; a live
    /// host stalled that long could see a retry run beside it, which handlers tolerate (each is idempotent by key).
    /// </summary>
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(4);

    // Idempotency partition keys are SHA-256 hex: this one can never be one of them.
    private const string Partition = "~hosts";
    private readonly TableClient _table = clients.Table(TableNames.Idempotency);

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public async Task BeatAsync(CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(Partition, Id) { ["SeenAt"] = time.GetUtcNow() }, TableUpdateMode.Replace, cancellationToken);

    public async Task<bool> IsAliveAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (instanceId == Id)
        {
            return true;
        }

        var row = await _table.FindAsync<TableEntity>(Partition, instanceId, cancellationToken);
        return row?.GetDateTimeOffset("SeenAt") is { } seen && time.GetUtcNow() - seen < DeadAfter;
    }

    /// <summary>On an orderly stop: the row goes, so this instance's claims can be taken over at once.</summary>
    public async Task RetireAsync(CancellationToken cancellationToken) =>
        await _table.DeleteEntityAsync(Partition, Id, ETag.All, cancellationToken);
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
