namespace Relocation.Infra.Tests;

/// <summary>Built-in Azure role definition GUIDs (the same in every tenant).</summary>
internal static class RoleIds
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    // Control-plane roles that can read keys or hand out access: never granted by this template.
    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c6b72448";
    public const string StorageAccountContributor = "17d1049b-9a84-46fb-8f53-869881c3d3ab";
    public const string StorageAccountKeyOperator = "81a9662b-bebf-436f-a333-f67b29880f12";
    public const string ReaderAndDataAccess = "c12c1c16-33a1-487b-954d-41c89c60f349";

    public static readonly IReadOnlySet<string> ControlPlane = new HashSet<string>(StringComparer.Ordinal)
    {
        Owner, Contributor, UserAccessAdministrator, StorageAccountContributor, StorageAccountKeyOperator, ReaderAndDataAccess,
    };
}
