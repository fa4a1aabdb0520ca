using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Relocation.Api.Routing;

namespace Relocation.Api.Telemetry;

/// <summary>
/// The API's spans: one per request, named by its route (<c>CreateRelocation</c>, not the path), carrying the route
/// template, method and status only. Never the path's values, the query, a header or the body: those may name a person.
/// </summary>
public static class ApiTelemetry
{
    public const string SourceName = "Relocation.Api";

    /// <summary>The Durable Task SDK's own source: client, orchestration and activity spans with W3C context.</summary>
    public const string DurableTaskSourceName = "Microsoft.DurableTask";

    /// <summary>Every source both hosts export.</summary>
    public static IReadOnlyList<string> Sources { get; } = [SourceName, DurableTaskSourceName];

    // ASP.NET Core's own request activity: created for log scopes even when nobody exports it, so it is no parent to export under.
    private const string AspNetCoreRequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    // The Functions worker's invocation spans (Microsoft.Azure.Functions.Worker.OpenTelemetry).
    private const string FunctionsWorkerSourceName = "Microsoft.Azure.Functions.Worker";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts the span for one request. Its parent is the host's recorded span when there is one (the Functions worker's
    /// invocation, which continues the Functions host's trace); otherwise (the local host, where ASP.NET Core's own request
    /// activity exists but is not exported) this is the server span and continues the caller's <c>traceparent</c> header, so a trace
    /// follows the request from the client on.
    /// </summary>
    internal static Activity? StartRequest(HttpContext http, ApiRoute route)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity;
        if (Activity.Current is { Recorded: true } current && current.OperationName != AspNetCoreRequestActivity)
        {
            if (current.Source.Name == FunctionsWorkerSourceName)
            {
                // Every route comes through one function ("Api"): name its invocation by the route, not by the trigger.
                current.DisplayName = route.Name;
                current.SetTag("http.route", "/api/" + route.Template);
            }

            activity = Source.StartActivity(route.Name, ActivityKind.Internal);
        }
        else
        {
            DistributedContextPropagator.Current.ExtractTraceIdAndState(http.Request.Headers, ReadHeader, out var traceParent, out var traceState);
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);
            activity = Source.StartActivity(route.Name, ActivityKind.Server, parent);
        }

        activity?.SetTag("http.request.method", route.Method);
        activity?.SetTag("http.route", "/api/" + route.Template);
        activity?.SetTag("relocation.route", route.Name);
        return activity;
    }

    internal static void Complete(Activity? activity, int status)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("http.response.status_code", status);
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static void ReadHeader(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is IHeaderDictionary headers && headers.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
