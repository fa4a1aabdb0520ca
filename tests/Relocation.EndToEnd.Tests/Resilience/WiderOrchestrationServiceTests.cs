using DurableTask.Core;
using Moq;
using Relocation.LocalHost.Engine;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>
/// A Ctrl+C right after start-up stopped the Azure Storage provider while it was still starting: its lease manager
/// threw a NullReferenceException inside the sidecar's async-void start callback and the process died (seen once in a
/// fresh-clone CI run). The wrapper the engine runs behind now stops only after the start has finished.
/// </summary>
public sealed class WiderOrchestrationServiceTests
{
    [Fact]
    public async Task StopAsync_DuringStart_WaitsForTheStartThenStops()
    {
        var release = new TaskCompletionSource();
        var order = new List<string>();
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.StartAsync()).Returns(async () =>
        {
            await release.Task;
            order.Add("started");
        });
        inner.Setup(s => s.StopAsync(false)).Returns(() =>
        {
            order.Add("stopped");
            return Task.CompletedTask;
        });
        var service = new WiderOrchestrationService(inner.Object, 10, 10);

        var start = service.StartAsync();
        var stop = service.StopAsync();
        var stoppedBeforeStarted = stop.IsCompleted;
        release.SetResult();
        await Task.WhenAll(start, stop);

        Assert.False(stoppedBeforeStarted);
        Assert.Equal(["started", "stopped"], order);
    }

    [Fact]
    public async Task StartAsync_FailsOnceAStopWasAsked_RecordedNotThrown()
    {
        var release = new TaskCompletionSource();
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.StartAsync()).Returns(async () =>
        {
            await release.Task;
#pragma warning disable CA2201 // The very exception the Azure Storage provider's lease manager throws.
            throw new NullReferenceException();
#pragma warning restore CA2201
        });
        inner.Setup(s => s.StopAsync(false)).Returns(Task.CompletedTask);
        var service = new WiderOrchestrationService(inner.Object, 10, 10);

        var start = service.StartAsync();
        var stop = service.StopAsync();
        release.SetResult();
        await start;
        await stop;

        Assert.IsType<NullReferenceException>(service.StopFailure);
    }

    [Fact]
    public async Task StartAsync_FailsWithNoStopAsked_Throws()
    {
        var inner = new Mock<IOrchestrationService>();
        inner.Setup(s => s.StartAsync()).ThrowsAsync(new InvalidOperationException("storage unreachable"));
        var service = new WiderOrchestrationService(inner.Object, 10, 10);

        await Assert.ThrowsAsync<InvalidOperationException>(service.StartAsync);
    }
}
