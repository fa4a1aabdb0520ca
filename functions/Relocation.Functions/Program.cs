using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relocation.Api;
using Relocation.Functions;
using Relocation.Storage;
using Relocation.Workflows;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
builder.Services
    .AddRelocationStorage(builder.Configuration)
    .AddRelocationWorkflows(builder.Configuration)
    .AddRelocationApi(builder.Configuration)
    .AddHostedService<StorageStartup>();
await builder.Build().RunAsync();
