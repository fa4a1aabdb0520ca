using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relocation.Api;
using Relocation.Storage;
using Relocation.Workflows;

namespace Relocation.Functions;

/// <summary>
/// Everything the Functions worker registers, in one place: <c>Program.cs</c> calls it, and so does the startup test,
/// so the test builds exactly the container the app runs with.
/// </summary>
public static class RelocationFunctionsApp
{
    /// <summary>Adds the app's services to a builder made by <see cref="FunctionsApplication.CreateBuilder(string[])"/>.</summary>
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<TimerJobScope>();

        // Fail at start, not at the first request: every registration must be constructible and no singleton may hold a scoped service.
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));

        builder.Services
            .AddRelocationFunctionsTelemetry(builder.Configuration)
            .AddRelocationStorage(builder.Configuration)
            .AddRelocationWorkflows(builder.Configuration)
            .AddRelocationApi(builder.Configuration)
            .AddHostedService<StorageStartup>();
        return builder;
    }
}
