using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Relocation.Domain.Agreements;
using Relocation.Workflows.Agreements;

namespace Relocation.Functions.Workflows;

public static class AgreementOrchestratorFunction
{
    [Function(nameof(AgreementOrchestrator))]
    public static Task<AgreementStatus> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new AgreementOrchestrator().RunAsync(context, context.GetInput<AgreementWorkflowInput>()!);
}

public sealed class ApplyAgreementEventsFunction(ApplyAgreementEventsActivity activity)
{
    [Function(nameof(ApplyAgreementEventsActivity))]
    public Task<AgreementPlan> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ApplyAgreementEventsActivity), context), input);
}

public sealed class FireAgreementAlarmFunction(FireAgreementAlarmActivity activity)
{
    [Function(nameof(FireAgreementAlarmActivity))]
    public Task<AgreementPlan> Run([ActivityTrigger] AgreementAlarmFired input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(FireAgreementAlarmActivity), context), input);
}
