using Relocation.Workflows.Common;

namespace Relocation.Workflows.Tests.Common;

public sealed class WorkflowCatalogTests
{
    [Fact]
    public void Catalog_TaskNames_AreUniqueAcrossOrchestratorsAndActivities()
    {
        var names = WorkflowCatalog.Orchestrators.Concat(WorkflowCatalog.Activities).Select(WorkflowCatalog.NameOf).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Catalog_EveryTask_IsSealedAndPublic()
    {
        var offenders = WorkflowCatalog.Orchestrators.Concat(WorkflowCatalog.Activities).Where(t => !t.IsSealed || !t.IsPublic).Select(t => t.Name);

        Assert.Empty(offenders);
    }
}
