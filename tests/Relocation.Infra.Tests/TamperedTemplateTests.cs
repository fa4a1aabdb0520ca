using System.Text.Json.Nodes;

namespace Relocation.Infra.Tests;

/// <summary>The policy checks must be able to fail: each test breaks one rule in a copy of the real template.</summary>
[Collection(CompiledTemplateGroup.Name)]
public sealed class TamperedTemplateTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void StorageViolations_SharedKeyEnabled_Reported()
    {
        // Arrange
        var template = fixture.Template();
        Account(template, InfraPolicy.DataStorageModule)["properties"]!["allowSharedKeyAccess"] = true;

        // Act
        var violations = InfraPolicy.StorageViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("allowSharedKeyAccess", StringComparison.Ordinal));
    }

    [Fact]
    public void StorageViolations_PublicBlobAccessAsExpression_Reported()
    {
        // Arrange: an expression is not provably false, so it must not pass.
        var template = fixture.Template();
        Account(template, InfraPolicy.HostStorageModule)["properties"]!["allowBlobPublicAccess"] = "[parameters('public')]";

        // Act
        var violations = InfraPolicy.StorageViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("allowBlobPublicAccess", StringComparison.Ordinal));
    }

    [Fact]
    public void RoleViolations_OwnerOnDataAccount_Reported()
    {
        // Arrange
        var template = fixture.Template();
        RoleIdsParameter(template, InfraPolicy.DataStorageModule).Add(RoleIds.Owner);

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains(RoleIds.Owner, StringComparison.Ordinal) && v.StartsWith(InfraPolicy.DataStorageModule, StringComparison.Ordinal));
    }

    [Fact]
    public void RoleViolations_BlobDataOwnerOnDataAccount_Reported()
    {
        // Arrange: Owner on data blobs could change ACLs; only Contributor is allowed there.
        var template = fixture.Template();
        var roles = RoleIdsParameter(template, InfraPolicy.DataStorageModule);
        roles.Clear();
        roles.Add(RoleIds.StorageTableDataContributor);
        roles.Add(RoleIds.StorageBlobDataOwner);

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Contains(violations, v => v.StartsWith(InfraPolicy.DataStorageModule, StringComparison.Ordinal));
    }

    [Fact]
    public void RoleViolations_HostAccountMissingQueueRole_Reported()
    {
        // Arrange: without queues the task hub cannot dispatch work.
        var template = fixture.Template();
        var roles = RoleIdsParameter(template, InfraPolicy.HostStorageModule);
        roles.RemoveAt(roles.ToList().FindIndex(n => (string?)n == RoleIds.StorageQueueDataContributor));

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Contains(violations, v => v.StartsWith(InfraPolicy.HostStorageModule, StringComparison.Ordinal));
    }

    [Fact]
    public void RoleViolations_HumanGrantedOnHostAccount_Reported()
    {
        // Arrange: orchestration history is in clear; a person must not get a role on the host account.
        var template = fixture.Template();
        template.Module(InfraPolicy.HostStorageModule).Parameters["principalId"]!["value"] = "[parameters('principalId')]";

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("other than the app identity", StringComparison.Ordinal));
    }

    [Fact]
    public void RoleViolations_KeyVaultReaderRemoved_Reported()
    {
        // Arrange
        var template = fixture.Template();
        var vaultTemplate = template.Module(InfraPolicy.KeyVaultModule).Template;
        foreach (var resource in ArmTemplate.ResourcesOf(vaultTemplate)
            .Where(r => ((string?)r["properties"]?["roleDefinitionId"] ?? string.Empty).Contains(RoleIds.KeyVaultSecretsUser, StringComparison.Ordinal)))
        {
            resource["properties"]!["roleDefinitionId"] = $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{RoleIds.Contributor}')]";
        }

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("Key Vault Secrets User", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(RoleIds.Contributor, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc==;EndpointSuffix=core.windows.net")]
    [InlineData("https://x.blob.core.windows.net/?sv=2024-01-01&sig=abc&SharedAccessSignature")]
    [InlineData("bG9jYWwtZGV2ZWxvcG1lbnQta2V5LTMyLWJ5dGVzISE=")]
    public void SecretViolations_SecretInAppSetting_Reported(string value)
    {
        // Arrange
        var template = fixture.Template();
        AppSettingsParameter(template)["CaseFiles__Keys__prod"] = value;

        // Act
        var violations = InfraPolicy.SecretViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("CaseFiles__Keys__prod", StringComparison.Ordinal));
    }

    [Fact]
    public void SecretViolations_ListKeysAnywhere_Reported()
    {
        // Arrange
        var template = fixture.Template();
        AppSettingsParameter(template)["AzureWebJobsStorage"] =
            "[format('DefaultEndpointsProtocol=https;AccountName={0};AccountKey={1}', 'x', listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2024-01-01').keys[0].value)]";

        // Act
        var violations = InfraPolicy.SecretViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains("listKeys", StringComparison.Ordinal));
    }

    private static JsonObject Account(ArmTemplate template, string module) =>
        ArmTemplate.ResourcesOf(template.Module(module).Template)
            .Single(r => (string?)r["type"] == "Microsoft.Storage/storageAccounts");

    private static JsonArray RoleIdsParameter(ArmTemplate template, string module) =>
        template.Module(module).Parameters["roleDefinitionIds"]!["value"]!.AsArray();

    [Theory]
    [InlineData("Smtp__Password", "correct-horse-battery")]
    [InlineData("Smtp__Host", "smtp.example.org")]
    [InlineData("Smtp__KeyVaultUri", "https://elsewhere.vault.azure.net/")]
    public void MailViolations_PasswordInSettingsOrOtherRelayOrVault_Reported(string name, string value)
    {
        // Arrange
        var template = fixture.Template();
        AppSettingsParameter(template)[name] = value;

        // Act
        var violations = InfraPolicy.MailViolations(template);

        // Assert
        Assert.Contains(violations, v => v.Contains(name, StringComparison.Ordinal));
    }

    private static JsonObject AppSettingsParameter(ArmTemplate template) =>
        template.Module("function-app").Parameters["appSettings"]!["value"]!.AsObject();
}
