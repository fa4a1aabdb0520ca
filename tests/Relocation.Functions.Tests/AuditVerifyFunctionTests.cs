using Microsoft.Azure.Functions.Worker;
using Moq;
using Relocation.Domain.Audit;
using Relocation.Functions.Http;
using Relocation.Storage.Tables;

namespace Relocation.Functions.Tests;

/// <summary>The timer shim of the audit verification walk, called in-process as the worker calls it.</summary>
public sealed class AuditVerifyFunctionTests
{
    [Fact]
    public async Task Run_TimerFires_WalksEveryChainOnceAsABackgroundJob()
    {
        var audit = new Mock<IAuditLog>(MockBehavior.Strict);
        string? scope = null;
        audit.Setup(a => a.VerifyAsync(It.IsAny<CancellationToken>()))
            .Callback(() => scope = TableQueryLog.Scope)
            .ReturnsAsync(new AuditVerification(true, 3, null));

        await new AuditVerifyFunction(audit.Object).Run(new TimerInfo(), Mock.Of<FunctionContext>());

        // The walk (which reads the whole log) runs here, marked as a background job; the request's CheckAsync never does.
        audit.Verify(a => a.VerifyAsync(It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal("background:audit-verify", scope);
        Assert.Equal("request", TableQueryLog.Scope);
    }
}
