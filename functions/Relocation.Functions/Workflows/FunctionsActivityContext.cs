using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Relocation.Functions.Workflows;

/// <summary>
/// The Durable Task activity context an activity class expects, built from what the Functions activity trigger binds,
/// so the shims can call the same <see cref="TaskActivity{TInput, TOutput}"/> classes the local host runs.
/// </summary>
internal sealed class FunctionsActivityContext(string name, FunctionContext function) : TaskActivityContext
{
    public override TaskName Name { get; } = new(name);

    public override string InstanceId { get; } =
        function?.BindingContext.BindingData.TryGetValue("instanceId", out var id) == true ? id?.ToString() ?? string.Empty : string.Empty;
}
