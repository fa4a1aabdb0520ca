using System.Globalization;
using Relocation.LocalHost.Dependencies;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Notifications;

/// <summary>The local host's own smtp4dev: started on <c>--smtp-port</c> when nothing listens there, stopped with the host even after kill -9.</summary>
[Trait("Category", "Slow")]
public sealed class LocalSmtpServerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task HostWithSmtpPort_KilledWithSigkill_ItsSmtp4devStopsToo()
    {
        // Arrange: a free SMTP port; the host must start smtp4dev there itself (its web page on the next port).
        var smtpPort = SupervisedProcess.FreePort();
        await using var host = new LocalHostProcess(azurite.ConnectionString, extraArguments: ["--smtp-port", smtpPort.ToString(CultureInfo.InvariantCulture)]);
        await host.StartAsync();
        var up = await WaitAsync(() => SupervisedProcess.IsListeningAsync(smtpPort), TimeSpan.FromSeconds(90));

        // Act
        await host.KillAsync();
        var down = await WaitAsync(async () => !await SupervisedProcess.IsListeningAsync(smtpPort), TimeSpan.FromSeconds(20));

        // Assert
        Assert.True(up, "the host did not start smtp4dev on --smtp-port");
        Assert.True(down, "smtp4dev outlived the killed host");
        Assert.Contains(host.Output, l => l.Contains($"http://127.0.0.1:{smtpPort + 1}/", StringComparison.Ordinal));
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
