using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Relocation.Domain.Relocations;
using Relocation.Workflows.Relocations;

namespace Relocation.Functions.Workflows;

public static class RelocationOrchestratorFunction
{
    [Function(nameof(RelocationOrchestrator))]
    public static Task<RelocationStatus> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RelocationOrchestrator().RunAsync(context, context.GetInput<RelocationWorkflowInput>()!);
}

public sealed class StartRelocationRoundFunction(StartRelocationRoundActivity activity)
{
    [Function(nameof(StartRelocationRoundActivity))]
    public Task<RoundOpened> Run([ActivityTrigger] RoundStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(StartRelocationRoundActivity), context), input);
}

public sealed class ReplanRelocationRoundFunction(ReplanRelocationRoundActivity activity)
{
    [Function(nameof(ReplanRelocationRoundActivity))]
    public Task<RoundOpened> Run([ActivityTrigger] RoundStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReplanRelocationRoundActivity), context), input);
}

public sealed class CloseRelocationRoundFunction(CloseRelocationRoundActivity activity)
{
    [Function(nameof(CloseRelocationRoundActivity))]
    public Task<bool> Run([ActivityTrigger] RoundStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(CloseRelocationRoundActivity), context), input);
}

public sealed class HoldPlacesFunction(HoldPlacesActivity activity)
{
    [Function(nameof(HoldPlacesActivity))]
    public Task<SagaStepResult> Run([ActivityTrigger] PlacesStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(HoldPlacesActivity), context), input);
}

public sealed class ReleasePlacesFunction(ReleasePlacesActivity activity)
{
    [Function(nameof(ReleasePlacesActivity))]
    public Task<bool> Run([ActivityTrigger] PlacesStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleasePlacesActivity), context), input);
}

public sealed class CommitFundsFunction(CommitFundsActivity activity)
{
    [Function(nameof(CommitFundsActivity))]
    public Task<SagaStepResult> Run([ActivityTrigger] FundStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(CommitFundsActivity), context), input);
}

public sealed class ReleaseFundsFunction(ReleaseFundsActivity activity)
{
    [Function(nameof(ReleaseFundsActivity))]
    public Task<bool> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleaseFundsActivity), context), input);
}

public sealed class RecordAcceptanceFunction(RecordAcceptanceActivity activity)
{
    [Function(nameof(RecordAcceptanceActivity))]
    public Task<AcceptanceRecorded> Run([ActivityTrigger] AcceptanceDecision input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(RecordAcceptanceActivity), context), input);
}

public sealed class NotifyRelocationStatesFunction(NotifyRelocationStatesActivity activity)
{
    [Function(nameof(NotifyRelocationStatesActivity))]
    public Task<bool> Run([ActivityTrigger] NotifyStates input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(NotifyRelocationStatesActivity), context), input);
}

public sealed class ApplyArrivalFunction(ApplyArrivalActivity activity)
{
    [Function(nameof(ApplyArrivalActivity))]
    public Task<ReviewClock?> Run([ActivityTrigger] CaseStepApplied input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ApplyArrivalActivity), context), input);
}

public sealed class ReleaseRelocationFunction(ReleaseRelocationActivity activity)
{
    [Function(nameof(ReleaseRelocationActivity))]
    public Task<bool> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleaseRelocationActivity), context), input);
}

public sealed class ReleaseCaseCommitmentsFunction(ReleaseCaseCommitmentsActivity activity)
{
    [Function(nameof(ReleaseCaseCommitmentsActivity))]
    public Task<int> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleaseCaseCommitmentsActivity), context), input);
}

public sealed class EscalateRelocationFunction(EscalateRelocationActivity activity)
{
    [Function(nameof(EscalateRelocationActivity))]
    public Task<bool> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(EscalateRelocationActivity), context), input);
}

public sealed class TakeCaseStepFunction(TakeCaseStepActivity activity)
{
    [Function(nameof(TakeCaseStepActivity))]
    public Task<TakenStep?> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(TakeCaseStepActivity), context), input);
}

public sealed class CompleteCaseStepFunction(CompleteCaseStepActivity activity)
{
    [Function(nameof(CompleteCaseStepActivity))]
    public Task<bool> Run([ActivityTrigger] CaseStepApplied input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(CompleteCaseStepActivity), context), input);
}

public sealed class RemindRelocationRoundFunction(RemindRelocationRoundActivity activity)
{
    [Function(nameof(RemindRelocationRoundActivity))]
    public Task<int> Run([ActivityTrigger] RoundReminder input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(RemindRelocationRoundActivity), context), input);
}

public sealed class StartPlacementClockFunction(StartPlacementClockActivity activity)
{
    [Function(nameof(StartPlacementClockActivity))]
    public Task<PlacementClock> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(StartPlacementClockActivity), context), input);
}

public sealed class PlacementPointFunction(PlacementPointActivity activity)
{
    [Function(nameof(PlacementPointActivity))]
    public Task<bool> Run([ActivityTrigger] PlacementPoint input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(PlacementPointActivity), context), input);
}

public sealed class WithdrawRelocationFunction(WithdrawRelocationActivity activity)
{
    [Function(nameof(WithdrawRelocationActivity))]
    public Task<bool> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(WithdrawRelocationActivity), context), input);
}

public sealed class ReleaseWithdrawnPlacementFunction(ReleaseWithdrawnPlacementActivity activity)
{
    [Function(nameof(ReleaseWithdrawnPlacementActivity))]
    public Task<WithdrawalRelease> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleaseWithdrawnPlacementActivity), context), input);
}

public sealed class ReleaseEndedCaseCommitmentsFunction(ReleaseEndedCaseCommitmentsActivity activity)
{
    [Function(nameof(ReleaseEndedCaseCommitmentsActivity))]
    public Task<int> Run([ActivityTrigger] CaseCommitmentsRelease input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReleaseEndedCaseCommitmentsActivity), context), input);
}

public sealed class StartReviewClockFunction(StartReviewClockActivity activity)
{
    [Function(nameof(StartReviewClockActivity))]
    public Task<ReviewClock?> Run([ActivityTrigger] ReviewClockRequest input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(StartReviewClockActivity), context), input);
}

public sealed class ReviewDueFunction(ReviewDueActivity activity)
{
    [Function(nameof(ReviewDueActivity))]
    public Task<bool> Run([ActivityTrigger] ReviewDue input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ReviewDueActivity), context), input);
}

public sealed class ApplyReviewFunction(ApplyReviewActivity activity)
{
    [Function(nameof(ApplyReviewActivity))]
    public Task<bool> Run([ActivityTrigger] string input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ApplyReviewActivity), context), input);
}

public sealed class ApplyExtensionFunction(ApplyExtensionActivity activity)
{
    [Function(nameof(ApplyExtensionActivity))]
    public Task<bool> Run([ActivityTrigger] ExtensionStep input, FunctionContext context) =>
        activity.RunAsync(new FunctionsActivityContext(nameof(ApplyExtensionActivity), context), input);
}
