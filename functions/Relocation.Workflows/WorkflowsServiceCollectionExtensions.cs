using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Relocation.Domain.Relocations;
using Microsoft.DurableTask;
using Relocation.Workflows.Agreements;
using Relocation.Workflows.Common;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows;

/// <summary>Registers what activities need, and tells a Durable Task worker every orchestrator and activity.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    public static IServiceCollection AddRelocationWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgreementWorkflowOptions>()
            .Bind(configuration.GetSection(AgreementWorkflowOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RelocationWorkflowOptions>()
            .Bind(configuration.GetSection(RelocationWorkflowOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<StepReconcilerOptions>().Bind(configuration.GetSection(StepReconcilerOptions.SectionName));
        services.AddOptions<UnscheduledCaseSweeperOptions>()
            .Bind(configuration.GetSection(UnscheduledCaseSweeperOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<OfferRequestIndexSweepOptions>()
            .Bind(configuration.GetSection(OfferRequestIndexSweepOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<OfferRequestIndexSweep>();
        services.AddOptions<Fund.CommitmentIntentSweepOptions>()
            .Bind(configuration.GetSection(Fund.CommitmentIntentSweepOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Fund.CommitmentIntentSweep>();
        services.AddSingleton<RelocationCommands>();
        services.AddSingleton<CaseDecisionSignal>();
        services.AddSingleton<StepReconciler>();
        services.AddSingleton<AcknowledgedRaises>();
        services.AddSingleton<UnscheduledCaseSweeper>();
        services.AddSingleton<RoundPlanBatcher>();
        services.AddSingleton<RoundOpening>();
        services.AddSingleton<OfferAcceptance>();
        services.AddSingleton<CaseArrival>();
        services.AddSingleton<Notifications.CapacityStaleReminders>();
        foreach (var activity in WorkflowCatalog.Activities)
        {
            services.AddTransient(activity);
        }

        // Tests may register their own fund first.
        services.TryAddSingleton<IRelocationFund, FundForRelocations>();

        return services;
    }

    /// <summary>Adds every orchestrator and activity of the catalog to a worker's registry (the local host; Functions uses the shims).</summary>
    public static DurableTaskRegistry AddRelocationTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var orchestrator in WorkflowCatalog.Orchestrators)
        {
            registry.AddOrchestrator(orchestrator);
        }

        foreach (var activity in WorkflowCatalog.Activities)
        {
            registry.AddActivity(activity);
        }

        return registry;
    }
}
