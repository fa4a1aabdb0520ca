using System.Net;
using Relocation.Domain.Security;
using Relocation.LocalHost.Azurite;
using Relocation.Testing;
using Relocation.Testing.Builders;

namespace Relocation.EndToEnd.Tests.Foundation;

/// <summary>The local host as a user runs it, with its own Azurite on <c>--data</c>: a kill -9 loses nothing.</summary>
[Trait("Category", "Slow")]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "relocation-tests", Guid.NewGuid().ToString("N"));
    private readonly int _storagePort = FreeTriple();
    private LocalHostProcess _host = null!;

    public Task InitializeAsync()
    {
        _host = new LocalHostProcess(null, extraArguments: ["--data", _data, "--storage-port", _storagePort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await WaitUntilClosedAsync(_storagePort);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp clean-up.
        }
    }

    [Fact]
    public async Task KillAndRestart_SameData_EverythingRegisteredIsStillThere()
    {
        // Tried: 1 State and 1 capacity, 1 kill -9 of the host (its Azurite stops with it), 1 restart on the same --data.
        await _host.StartAsync();
        var admin = TestTokens.For(Roles.RegistryAdmin);
        var focalPoint = TestTokens.For(Roles.StateFocalPoint, "SWE");
        using (var put = await Send(HttpMethod.Put, "states/SWE", admin, new StateInputBuilder().With(i => i with { Name = "Sweden" }).BuildBody()))
        using (var post = await Send(HttpMethod.Post, "states/SWE/capacity", focalPoint, new CapacityInputBuilder().WithPlaces(3).BuildBody()))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        }

        await _host.KillAsync();
        await WaitUntilClosedAsync(_storagePort);
        await _host.StartAsync();

        using var state = await Send(HttpMethod.Get, "states/SWE", admin);
        using var capacity = await Send(HttpMethod.Get, "states/SWE/capacity", admin);
        var list = await LocalHostFixture.JsonAsync(capacity);
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.Equal("Sweden", (await LocalHostFixture.JsonAsync(state)).GetProperty("name").GetString());
        Assert.Equal(3, Assert.Single(list.EnumerateArray()).GetProperty("places").GetInt32());
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string token, object? body = null)
    {
        var content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body);
        return _host.Http.SendAsync(LocalHostProcess.Request(method, path, token, content));
    }

    private static async Task WaitUntilClosedAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await AzuriteServer.IsListeningAsync(port) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    private static int FreeTriple()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = AzuriteServer.FreePort();
            if (first < 65000 && !AzuriteServer.IsListeningAsync(first + 1).Result && !AzuriteServer.IsListeningAsync(first + 2).Result)
            {
                return first;
            }
        }

        throw new InvalidOperationException("No three free ports in a row.");
    }
}
