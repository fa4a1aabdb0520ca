using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Relocation.Api;
using Relocation.Api.Pipeline;
using Relocation.Api.Routing;
using Relocation.Api.Security;
using Relocation.LocalHost.Azurite;
using Relocation.LocalHost.Dependencies;
using Relocation.LocalHost.WebConsole;
using Relocation.LocalHost.Engine;
using Relocation.LocalHost.Seed;
using Relocation.Storage;
using Relocation.Storage.Notifications;
using Relocation.Storage.Tables;
using Relocation.Workflows;

namespace Relocation.LocalHost;

/// <summary>
/// One process with everything the Functions app runs in Azure: the same route table and pipeline over Kestrel,
/// the same orchestrations on the Durable Task engine, the same storage code on Azurite.
/// </summary>
internal static partial class LocalHostApp
{
    private const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static async Task<int> RunAsync(LocalHostArguments arguments)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The console's files: from the Relocation.Web project after a build, from wwwroot after a publish.
        builder.WebHost.UseStaticWebAssets();
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddLocalSettingsSample(RepositoryPaths.SettingsSample)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables();
        if (RefusesAuthConfiguration(builder.Configuration))
        {
            return 3;
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

        // Storage: a connection given in the environment (tests, a second host) is used as it is; otherwise Azurite.
        await using var azurite = await EnsureStorageAsync(builder.Configuration, arguments);
        await using var smtp = await EnsureSmtpAsync(builder.Configuration, arguments);
        if (string.IsNullOrEmpty(builder.Configuration["Notifications:ConsoleBaseUrl"]))
        {
            builder.Configuration["Notifications:ConsoleBaseUrl"] = $"http://127.0.0.1:{arguments.Port}";
        }

        // The application's storage clients are capped like the engine's (StorageTransport); a setting wins.
        builder.Configuration["DataStorage:MaxConnectionsPerEndpoint"] ??= DurableEngine.MaxConnectionsPerEndpoint.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sidecarPort = AzuriteServer.FreePort();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, arguments.Port);
            k.ListenForSidecar(sidecarPort);
            k.Limits.MaxRequestBodySize = 32 * 1024 * 1024;
        });

        using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var engine = arguments.InMemory
            ? DurableEngine.CreateInMemory(loggerFactory)
            : DurableEngine.CreateAzureStorage(builder.Configuration["AzureWebJobsStorage"]!, arguments.WorkerId ?? $"{Environment.MachineName}-{arguments.Port}", loggerFactory,
                visibilityTimeout: builder.Configuration.GetValue<TimeSpan?>("Engine:VisibilityTimeout"),
                // The load bench's diagnostics (bench/README.md): each engine storage request and each sidecar call, timed.
                storageTrace: builder.Configuration.GetValue<bool>("Engine:StorageTrace") ? Console.WriteLine : null);
        if (builder.Configuration.GetValue<bool>("Engine:StorageTrace"))
        {
            // The application's storage requests traced beside the engine's (the bench counts both by phase).
            builder.Configuration["DataStorage:Trace"] ??= "true";
        }

        builder.Services
            .AddRelocationStorage(builder.Configuration)
            .AddRelocationWorkflows(builder.Configuration)
            .AddRelocationApi(builder.Configuration)
            .AddRelocationSampleData()
            .AddLocalTelemetry(builder.Configuration)
            .AddHostedService<Fund.MonthlyFundReportService>()
            .AddHostedService<Reconciler.StepReconcilerService>()
            .AddHostedService<Reconciler.UnscheduledCaseSweeperService>()
            .AddHostedService<Reconciler.OfferRequestIndexSweepService>()
            .AddHostedService<Fund.CommitmentIntentSweepService>()
            .AddHostedService<Audit.AuditAnchorService>()
            .AddHostedService<Audit.AuditVerificationService>()
            .AddHostedService<Fund.FundSealService>()
            .AddHostedService<Fund.YearSealService>()
            .AddHostedService<NotificationRelayService>()
            .AddHostedService<Notifications.CapacityStaleReminderService>()
            .AddDurableEngine(engine, sidecarPort);

        var app = builder.Build();
        await app.Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        await engine.Service.CreateIfNotExistsAsync();
        if (builder.Configuration.GetValue<bool>("Engine:StorageTrace"))
        {
            app.Use(async (context, next) =>
            {
                var start = DateTime.UtcNow;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await next(context);
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"request-trace {start:HH:mm:ss.fff} {watch.Elapsed.TotalMilliseconds:F0} {context.Request.Method} {context.Request.Path}"));
            });
        }

        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{sidecarPort}");
        var pipeline = app.Services.GetRequiredService<ApiPipeline>();
        foreach (var route in app.Services.GetRequiredService<ApiRouteTable>().All)
        {
            app.MapMethods("/api/" + route.Template, [route.Method], http => pipeline.RunAsync(http, route))
                .RequireHost($"*:{arguments.Port}")
                .WithName(route.Name);
        }

        app.MapConsole(arguments.Port);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Relocation.LocalHost");
        var sample = app.Services.GetRequiredService<SampleData>();
        if (arguments.SeedSample)
        {
            await sample.SeedAsync(CancellationToken.None);
        }

        await app.StartAsync();

        // After start: sample agreements start their orchestrations, which needs the sidecar listening.
        if (arguments.SeedSample)
        {
            await sample.AfterStartAsync(CancellationToken.None);
        }

        LogListening(logger, arguments.Port, arguments.InMemory ? "in-memory engine" : "Azure Storage engine on Azurite");
        Console.WriteLine($"""

            Relocation local host listening on http://127.0.0.1:{arguments.Port}/api  (health: /api/health, contract: /api/openapi.json)
            {(smtp is null ? "E-mail: off (--no-smtp or no Smtp__Host); messages wait in the inboxes and as Pending." : $"E-mail: every mail sent is readable at {smtp.WebUrl}")}
            Console:      http://127.0.0.1:{arguments.Port}/  (sign in at /signin with a development role)
            Get a token:  dotnet run --project functions/Relocation.LocalHost -- token --role Registry.Admin
                          dotnet run --project functions/Relocation.LocalHost -- token --role State.FocalPoint --state NOR
            Stop with Ctrl+C.
            """);
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// Checked before anything starts (Azurite, the engine): the same validation the options run at start in both hosts,
    /// printed as one clear message instead of a stack trace.
    /// </summary>
    private static bool RefusesAuthConfiguration(ConfigurationManager configuration)
    {
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        options.AzureMarker = AuthOptions.DetectAzure(name => configuration[name]);
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), errors, validateAllProperties: true))
        {
            return false;
        }

        foreach (var error in errors)
        {
            Console.Error.WriteLine($"Relocation local host refuses to start: {error.ErrorMessage}");
        }

        return true;
    }

    private static async Task<AzuriteServer?> EnsureStorageAsync(ConfigurationManager configuration, LocalHostArguments arguments)
    {
        var configured = configuration["DataStorage"];
        if (!string.IsNullOrEmpty(configured) && configured != DevelopmentStorage)
        {
            configuration["AzureWebJobsStorage"] = configuration["AzureWebJobsStorage"] is { } hub && hub != DevelopmentStorage ? hub : configured;
            return null;
        }

        var root = RepositoryPaths.Root;
        var azurite = arguments.InMemory
            ? await AzuriteServer.StartOnFreePortsAsync(root, null, Console.Out, CancellationToken.None)
            : await AzuriteServer.EnsureOnPortsAsync(root, Path.GetFullPath(arguments.DataDirectory ?? Path.Combine(root, ".data")), arguments.StoragePort, Console.Out, CancellationToken.None);
        configuration["DataStorage"] = azurite.ConnectionString;
        configuration["AzureWebJobsStorage"] = azurite.ConnectionString;
        return azurite;
    }

    /// <summary>
    /// E-mail goes to the configured relay. The sample points at 127.0.0.1, where smtp4dev is started (or an SMTP server
    /// already listening is used) on <c>--smtp-port</c>; <c>--no-smtp</c> turns e-mail off.
    /// </summary>
    private static async Task<Smtp4devServer?> EnsureSmtpAsync(ConfigurationManager configuration, LocalHostArguments arguments)
    {
        if (arguments.NoSmtp)
        {
            configuration["Smtp:Host"] = string.Empty;
            return null;
        }

        if (configuration["Smtp:Host"] is not ("127.0.0.1" or "localhost"))
        {
            return null;
        }

        configuration["Smtp:Port"] = arguments.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await Smtp4devServer.EnsureOnPortsAsync(RepositoryPaths.Root, arguments.SmtpPort, arguments.SmtpPort + 1, Console.Out, CancellationToken.None);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on 127.0.0.1:{Port} with the {Engine}")]
    private static partial void LogListening(ILogger logger, int port, string engine);
}
