using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Relocation.Api.Telemetry;

namespace Relocation.LocalHost;

/// <summary>
/// The local host's traces: the same sources as the Functions app (API spans, the Durable Task SDK's client,
/// orchestration and activity spans), so one request can be followed into its orchestration and activities. ASP.NET
/// Core's own request span is left out: it carries no route, and it would also trace the engine's internal gRPC calls. Exported only when <c>Telemetry__Exporter</c> says where: <c>console</c>, or
/// <c>otlp</c> (endpoint and protocol from the standard <c>OTEL_EXPORTER_OTLP_*</c> variables).
/// </summary>
internal static class LocalTelemetry
{
    public const string ExporterSetting = "Telemetry:Exporter";

    public static IServiceCollection AddLocalTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var exporter = (configuration[ExporterSetting] ?? string.Empty).Trim().ToUpperInvariant();
        switch (exporter)
        {
            case "":
            case "NONE":
                return services;
            case "CONSOLE":
            case "OTLP":
                break;
            default:
                throw new ArgumentException($"Telemetry__Exporter must be console, otlp or empty, not '{configuration[ExporterSetting]}'.");
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("relocation-localhost"))
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. ApiTelemetry.Sources]);
                if (exporter == "CONSOLE")
                {
                    tracing.AddConsoleExporter();
                }
                else
                {
                    tracing.AddOtlpExporter();
                }
            });
        return services;
    }
}
