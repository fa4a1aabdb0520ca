using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Relocation.Workflows;

namespace Relocation.LocalHost.Engine;

/// <summary>
/// The Durable Task engine of the local host: the public gRPC sidecar over the Azure Storage provider (the engine
/// Durable Functions uses in Azure), and the worker and client of the Durable Task SDK talking to it.
/// </summary>
public static class DurableEngine
{
    public const string TaskHubName = "RelocationHub";

    /// <summary>Generous because there is no renewal: an activity slower than this would run twice; also the crash-recovery delay of an in-flight activity.</summary>
    public static readonly TimeSpan ActivityVisibilityTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Connections to each storage endpoint, for the engine's clients and (by default) the application's in the local
    /// host: well under the emulator's listen backlog (511), well over what one Node thread can use at once.
    /// </summary>
    public const int MaxConnectionsPerEndpoint = 64;

    /// <param name="visibilityTimeout">Overrides <see cref="ActivityVisibilityTimeout"/> for activities and orchestration messages alike
    /// (<c>Engine__VisibilityTimeout</c>): how long a message taken by a host that then died stays hidden. The fault harness
    /// shortens it to keep CI quick; the default stays generous because activity locks are never renewed.</param>
    /// <param name="storageTrace">Off when null (the default). For the load bench's counts (<c>Engine__StorageTrace</c>):
    /// called with one line per storage request the engine makes, its start (UTC) and its time as the engine saw it.</param>
    public static EngineParts CreateAzureStorage(string connectionString, string workerId, ILoggerFactory loggerFactory, string taskHubName = TaskHubName, TimeSpan? visibilityTimeout = null,
        Action<string>? storageTrace = null)
    {
        // The engine's own clients, capped like the application's (Relocation.Storage's StorageTransport says why: the
        // emulator's listen backlog); one transport, so the cap holds per endpoint across its blob, queue and table clients.
        var transport = Relocation.Storage.Configuration.StorageTransport.Create(MaxConnectionsPerEndpoint);
        var blobs = new Azure.Storage.Blobs.BlobClientOptions { Transport = transport };
        var queues = new Azure.Storage.Queues.QueueClientOptions { Transport = transport };
        var tables = new Azure.Data.Tables.TableClientOptions { Transport = transport };
        if (storageTrace is not null)
        {
            var trace = new Relocation.Storage.Configuration.StorageTracePolicy("engine", storageTrace);
            blobs.AddPolicy(trace, Azure.Core.HttpPipelinePosition.PerRetry);
            queues.AddPolicy(trace, Azure.Core.HttpPipelinePosition.PerRetry);
            tables.AddPolicy(trace, Azure.Core.HttpPipelinePosition.PerRetry);
        }

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, blobs),
                StorageServiceClientProvider.ForQueue(connectionString, queues),
                StorageServiceClientProvider.ForTable(connectionString, tables)),
            PartitionCount = 4,
            // Messages from another process (a second host, a restart) are seen within this; within one process an enqueue wakes the poller.
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
            WorkItemQueueVisibilityTimeout = visibilityTimeout ?? ActivityVisibilityTimeout,
            ControlQueueVisibilityTimeout = visibilityTimeout ?? TimeSpan.FromSeconds(30),
            MaxConcurrentTaskActivityWorkItems = 50,
            MaxConcurrentTaskOrchestrationWorkItems = 50,
            // Stable across restarts, so a restarted host takes its partition leases back at once.
            WorkerId = workerId,
            LoggerFactory = loggerFactory,
        };
        var service = new AzureStorageOrchestrationService(settings);
        return new EngineParts(new WiderOrchestrationService(service, settings.MaxConcurrentTaskOrchestrationWorkItems, settings.MaxConcurrentTaskActivityWorkItems), service);
    }

    public static EngineParts CreateInMemory(ILoggerFactory loggerFactory)
    {
        var service = new InMemoryOrchestrationService(loggerFactory);
        return new EngineParts(new WiderOrchestrationService(service, 100, 100), service);
    }

    /// <summary>Registers the sidecar (served on <paramref name="sidecarPort"/>), the worker with every task of the catalog (or <paramref name="tasks"/>), and the client.</summary>
    public static IServiceCollection AddDurableEngine(this IServiceCollection services, EngineParts engine, int sidecarPort, Action<DurableTaskRegistry>? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        services.AddGrpc();
        services.AddSingleton(engine.Service);
        services.AddSingleton(engine.Client);
        services.AddSingleton<TaskHubGrpcServer>();
        services.AddHostedService<EngineShutdown>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{sidecarPort}");
        services.AddSingleton(channel);
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(channel);
            builder.AddTasks(tasks ?? (r => r.AddRelocationTasks()));
            builder.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = 50;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = 50;
            });
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(channel);
            builder.RegisterDirectly();
        });
        return services;
    }

    public static void ListenForSidecar(this KestrelServerOptions kestrel, int sidecarPort)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(System.Net.IPAddress.Loopback, sidecarPort, o => o.Protocols = HttpProtocols.Http2);
    }
}

/// <summary>The orchestration service the sidecar dispatches from, and the client side of the same store.</summary>
public sealed record EngineParts(IOrchestrationService Service, IOrchestrationServiceClient Client);
