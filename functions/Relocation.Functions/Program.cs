using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Relocation.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
RelocationFunctionsApp.Configure(builder);
await builder.Build().RunAsync();
