using System.Reflection;
using Microsoft.DurableTask;

namespace Relocation.Workflows.Common;

/// <summary>
/// Every orchestrator and activity of this assembly, found once by reflection, so both hosts register the same set
/// and a test can prove each has its Functions shim.
/// </summary>
public static class WorkflowCatalog
{
    public static IReadOnlyList<Type> Orchestrators { get; } = Find(typeof(TaskOrchestrator<,>));

    public static IReadOnlyList<Type> Activities { get; } = Find(typeof(TaskActivity<,>));

    private static Type[] Find(Type openBase) =>
        typeof(WorkflowCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && DerivesFrom(t, openBase))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();

    private static bool DerivesFrom(Type type, Type openBase)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == openBase)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The name a task is registered and scheduled under: its class name, as the Functions shims use with <c>nameof</c>.</summary>
    public static string NameOf(MemberInfo type) => type?.Name ?? throw new ArgumentNullException(nameof(type));
}
