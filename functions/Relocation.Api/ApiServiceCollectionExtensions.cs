using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Api.Features.Agreements;
using Relocation.Api.Features.Audit;
using Relocation.Api.Features.Notifications;
using Relocation.Api.Features.Relocations;
using Relocation.Api.Features.Capacities;
using Relocation.Api.Features.Fund;
using Relocation.Api.Features.States;
using Relocation.Api.Pipeline;
using Relocation.Api.Routing;
using Relocation.Api.Security;

namespace Relocation.Api;

/// <summary>Registers the route table, the pipeline, sign-in and every handler.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddRelocationApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.SectionName))
            .PostConfigure(o => o.AzureMarker = AuthOptions.DetectAzure(name => configuration[name]))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ITokenValidator, TokenValidator>();
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<WriteRateLimiter>();
        services.AddOptions<ApiDiagnosticsOptions>().Bind(configuration.GetSection(ApiDiagnosticsOptions.SectionName));
        services.AddSingleton(_ => ApiRouteTable.Discover());
        services.AddSingleton<ApiPipeline>();

        services.AddSingleton<StateHandlers>();
        services.AddSingleton<CapacityHandlers>();
        services.AddSingleton<AuditHandlers>();
        services.AddSingleton<AgreementHandlers>();
        services.AddSingleton<AgreementReportHandlers>();
        services.AddSingleton<RelocationReportHandlers>();
        services.AddSingleton<NotificationHandlers>();
        services.AddSingleton<RelocationHandlers>();
        services.AddSingleton<Relocation.Workflows.Relocations.RoundPlanning>();
        services.AddSingleton<Features.Matching.CapacityGapHandlers>();
        services.AddSingleton<FundHandlers>().AddSingleton<FundReportHandlers>().AddSingleton<FundOutlookHandlers>();
        return services;
    }
}
