using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Functions.Workflows;
using Relocation.Workflows.Relocations;

namespace Relocation.Functions.Tests;

/// <summary>The timer shim of the unscheduled-case sweep, called in-process as the worker calls it.</summary>
public sealed class UnscheduledCaseSweeperFunctionTests
{
    [Fact]
    public async Task Run_ACaseLeftWithoutItsOrchestration_TheSweepSchedulesItThroughTheTriggerClient()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 1), new Needs(["fr"], false));
        var stranded = RelocationCase.Submit("case-1", facts, DateTimeOffset.UtcNow - TimeSpan.FromHours(1), "Vwu.Officer", today);
        var caseload = new Mock<ICaseloadIndex>();
        caseload.Setup(c => c.OpenLinesAsync(null, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync([CaseloadEntry.From(stranded)]);
        var relocations = new Mock<IRelocationRepository>();
        relocations.Setup(r => r.FindAsync("case-1", It.IsAny<CancellationToken>())).ReturnsAsync(stranded);
        var sweeper = new UnscheduledCaseSweeper(caseload.Object, relocations.Object,
            Options.Create(new UnscheduledCaseSweeperOptions()), TimeProvider.System, NullLogger<UnscheduledCaseSweeper>.Instance);
        var client = new Mock<DurableTaskClient>("functions") { DefaultValue = DefaultValue.Empty };

        await new UnscheduledCaseSweeperFunction(sweeper).Run(new TimerInfo(), client.Object, Mock.Of<FunctionContext>());

        client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == nameof(RelocationOrchestrator)), It.IsAny<object?>(),
            It.Is<StartOrchestrationOptions?>(o => o != null && o.InstanceId == RelocationInstance.IdFor("case-1")), It.IsAny<CancellationToken>()), Times.Once);
    }
}
