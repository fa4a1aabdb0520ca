using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Relocation.Storage.Tables;

namespace Relocation.Functions;

/// <summary>
/// Marks every timer invocation as a background job in the table query log (<see cref="TableQueryLog.Background"/>,
/// named after the function), as the local host's stand-ins do for their passes: timers may scan (seals, sweeps, the
/// audit walk), and the storage design guard must tell their reads from a request's. One middleware rather than a line
/// per timer, so a new timer cannot forget it; HTTP, orchestration and activity invocations stay unmarked.
/// </summary>
public sealed class TimerJobScope : IFunctionsWorkerMiddleware
{
    /// <summary>The binding type of a timer trigger in the function's metadata.</summary>
    public const string TimerTrigger = "timerTrigger";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!IsTimer(context.FunctionDefinition))
        {
            await next(context);
            return;
        }

        // The scope is an AsyncLocal: set here, it flows into the function the next delegate awaits, and is undone after.
        using var scope = TableQueryLog.Background(context.FunctionDefinition.Name);
        await next(context);
    }

    public static bool IsTimer(FunctionDefinition function) =>
        function?.InputBindings.Values.Any(b => string.Equals(b.Type, TimerTrigger, StringComparison.OrdinalIgnoreCase)) == true;
}
