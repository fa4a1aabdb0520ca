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

    [Fact]
    public async Task Run_FirstArchiveThrows_LaterArchivesStillRunAndTheInvocationFailsNamingEachByType()
    {
        // The fund's days failing must not leave the statistics lines unsealed until the next day's run.
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.CancellationToken).Returns(CancellationToken.None);
        var days = new Mock<IYearArchive>(MockBehavior.Strict);
        var statistics = new Mock<IYearArchive>(MockBehavior.Strict);
        days.Setup(a => a.SealClosedYearsAsync(CancellationToken.None)).ThrowsAsync(new InvalidOperationException("protected detail"));
        statistics.Setup(a => a.SealClosedYearsAsync(CancellationToken.None)).ReturnsAsync(1);

        var failure = await Assert.ThrowsAsync<YearSealFailedException>(
            () => new YearSealFunction([days.Object, statistics.Object]).Run(new TimerInfo(), context.Object));

        statistics.Verify(a => a.SealClosedYearsAsync(CancellationToken.None), Times.Once);
        Assert.Contains(nameof(InvalidOperationException), failure.Message, StringComparison.Ordinal);
        // Rule 4: the runtime logs what the invocation throws; the archive's own message stays out of it.
        Assert.DoesNotContain("protected detail", failure.Message, StringComparison.Ordinal);
        Assert.Null(failure.InnerException);
    }
}
