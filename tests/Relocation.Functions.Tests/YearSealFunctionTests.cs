using Microsoft.Azure.Functions.Worker;
using Moq;
using Relocation.Domain.Common;
using Relocation.Functions.Http;

namespace Relocation.Functions.Tests;

/// <summary>The timer shim of the year job, called in-process as the worker calls it.</summary>
public sealed class YearSealFunctionTests
{
    [Fact]
    public async Task Run_TimerFires_EveryArchiveSealsItsClosedYearsOnceWithTheInvocationsToken()
    {
        // The fund's days and the cases' statistics lines are two archives behind one interface: both must run.
        using var invocation = new CancellationTokenSource();
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.CancellationToken).Returns(invocation.Token);
        var days = new Mock<IYearArchive>(MockBehavior.Strict);
        var statistics = new Mock<IYearArchive>(MockBehavior.Strict);
        days.Setup(a => a.SealClosedYearsAsync(invocation.Token)).ReturnsAsync(2);
        statistics.Setup(a => a.SealClosedYearsAsync(invocation.Token)).ReturnsAsync(0);

        await new YearSealFunction([days.Object, statistics.Object]).Run(new TimerInfo(), context.Object);

        days.Verify(a => a.SealClosedYearsAsync(invocation.Token), Times.Once);
        statistics.Verify(a => a.SealClosedYearsAsync(invocation.Token), Times.Once);
    }
}
