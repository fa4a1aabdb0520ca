using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Hardening;

/// <summary>The local host as an operator might misconfigure it in Azure: Development sign-in with an Azure instance id.</summary>
public sealed class AzureDevelopmentAuthTests
{
    [Fact]
    public async Task Start_DevelopmentAuthWithAzureInstanceId_ExitsWithAClearMessage()
    {
        await using var host = new LocalHostProcess("UseDevelopmentStorage=true");
        host.Environment["Auth__Mode"] = "Development";
        host.Environment["WEBSITE_INSTANCE_ID"] = "5f7c0d3a9e";

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("exited with 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refuses to start: Auth__Mode=Development is refused: this process runs in Azure (WEBSITE_INSTANCE_ID is set)", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
    }
}
