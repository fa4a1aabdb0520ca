using Microsoft.Azure.Functions.Worker;
using Moq;
using Relocation.Domain.Audit;
using Relocation.Functions.Http;

namespace Relocation.Functions.Tests;

/// <summary>The timer shim of the audit verification walk, called in-process as the worker calls it.</summary>
public sealed class AuditVerifyFunctionTests
{
    [Fact]
    public async Task Run_TimerFires_WalksEveryChainOnce()
    {
        var audit = new Mock<IAuditLog>(MockBehavior.Strict);
        audit.Setup(a => a.VerifyAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new AuditVerification(true, 3, null));

        await new AuditVerifyFunction(audit.Object).Run(new TimerInfo(), Mock.Of<FunctionContext>());

        // The walk (which reads the whole log) runs here, marked as a background job by the timers' middleware
        // (TimerJobScopeTests); the request's CheckAsync never walks it.
        audit.Verify(a => a.VerifyAsync(It.IsAny<CancellationToken>()), Times.Once);
    }
}
