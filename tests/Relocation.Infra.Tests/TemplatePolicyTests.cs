namespace Relocation.Infra.Tests;

[Collection(CompiledTemplateGroup.Name)]
public sealed class TemplatePolicyTests(CompiledTemplateFixture fixture)
{
    [Fact]
    public void StorageAccounts_MainTemplate_NoSharedKeysOrPublicBlobs()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var violations = InfraPolicy.StorageViolations(template);

        // Assert
        Assert.Empty(violations);
        Assert.Equal(2, template.ResourcesOfType("Microsoft.Storage/storageAccounts").Count());
    }

    [Fact]
    public void AppSettings_MainTemplate_HoldNoKeysOrConnectionStrings()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var violations = InfraPolicy.SecretViolations(template);

        // Assert
        Assert.Empty(violations);
        Assert.NotEmpty(template.AppSettings);
    }

    [Fact]
    public void RoleAssignments_MainTemplate_LeastPrivilege()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var violations = InfraPolicy.RoleViolations(template);

        // Assert
        Assert.Empty(violations);
    }

    [Fact]
    public void RoleAssignments_HostStorage_ExactlyHostAndTaskHubRoles()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var roles = template.RoleGrants
            .Where(g => g.Module == InfraPolicy.HostStorageModule && InfraPolicy.IsAppIdentity(g.Principal))
            .Select(g => g.RoleDefinitionId)
            .Order()
            .ToList();

        // Assert
        Assert.Equal(InfraPolicy.HostRoles.Order(), roles);
    }

    [Fact]
    public void RoleAssignments_DataStorage_OnlyTableAndBlobDataContributor()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var roles = template.RoleGrants
            .Where(g => g.Module == InfraPolicy.DataStorageModule)
            .Select(g => g.RoleDefinitionId)
            .Order()
            .ToList();

        // Assert
        Assert.Equal(InfraPolicy.DataRoles.Order(), roles);
    }

    [Fact]
    public void StorageSettings_MainTemplate_PointAtTheRightAccounts()
    {
        // Arrange: the role checks identify accounts by module name; this ties each name to its use.
        var settings = fixture.Template().AppSettings;

        // Act
        var host = settings["AzureWebJobsStorage__accountName"];
        var data = settings["DataStorage__accountName"];

        // Assert
        Assert.Contains($"'{InfraPolicy.HostStorageModule}')", host, StringComparison.Ordinal);
        Assert.Contains($"'{InfraPolicy.DataStorageModule}')", data, StringComparison.Ordinal);
        Assert.Contains($"'{InfraPolicy.DataStorageModule}')", settings["DataStorage__tableServiceUri"], StringComparison.Ordinal);
        Assert.Contains($"'{InfraPolicy.DataStorageModule}')", settings["DataStorage__blobServiceUri"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal("managedidentity", settings["DataStorage__credential"]);
        Assert.Contains(".outputs.clientId.value", settings["AzureWebJobsStorage__clientId"], StringComparison.Ordinal);
        Assert.Contains(".outputs.clientId.value", settings["DataStorage__clientId"], StringComparison.Ordinal);
    }

    [Fact]
    public void KeyVault_MainTemplate_RbacWithPurgeProtectionAndAppCanRead()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var vault = Assert.Single(template.ResourcesOfType("Microsoft.KeyVault/vaults")).Resource;
        var readers = template.RoleGrants.Where(g => g.RoleDefinitionId == RoleIds.KeyVaultSecretsUser).ToList();

        // Assert
        Assert.Equal("true", vault["properties"]?["enableRbacAuthorization"]?.ToJsonString());
        Assert.Equal("true", vault["properties"]?["enablePurgeProtection"]?.ToJsonString());
        var reader = Assert.Single(readers);
        Assert.Equal("Microsoft.KeyVault/vaults", reader.ScopeType);
        Assert.True(InfraPolicy.IsAppIdentity(reader.Principal), reader.Principal);
        Assert.Contains(".outputs.uri.value", template.AppSettings["CaseFiles__KeyVaultUri"], StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_MainTemplate_EntraOnlyIngestion()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var insights = Assert.Single(template.ResourcesOfType("Microsoft.Insights/components")).Resource;
        var settings = template.AppSettings;

        // Assert
        Assert.Equal("true", insights["properties"]?["DisableLocalAuth"]?.ToJsonString());
        Assert.Contains("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.Contains("ClientId=", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_MainTemplate_AppSendsTelemetryAsItsIdentityWithNoKey()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var settings = template.AppSettings;
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        var publisher = Assert.Single(template.RoleGrants, g => g.RoleDefinitionId == RoleIds.MonitoringMetricsPublisher);

        // Assert
        // The token is the app identity's: the client id comes from the identity module, the one Monitoring Metrics Publisher.
        Assert.Contains("outputs.clientId.value", authentication, StringComparison.Ordinal);
        Assert.True(InfraPolicy.IsAppIdentity(publisher.Principal), publisher.Principal);
        // The connection string is the resource's own (where to send), never a literal; no setting carries a key.
        Assert.Contains(".outputs.applicationInsightsConnectionString.value", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.DoesNotContain("APPINSIGHTS_INSTRUMENTATIONKEY", settings.Keys);
        Assert.DoesNotContain(settings, s => s.Value.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void DiagnosticSettings_MainTemplate_CoverStorageKeyVaultAndFunctionApp()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var modules = template.ResourcesOfType("Microsoft.Insights/diagnosticSettings")
            .Select(x => x.Module)
            .ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal)
        {
            InfraPolicy.HostStorageModule, InfraPolicy.DataStorageModule, InfraPolicy.KeyVaultModule, "function-app",
        }, modules);
    }

    [Fact]
    public void FunctionApp_MainTemplate_FlexConsumptionDotnetIsolated10WithUserAssignedIdentity()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var plan = Assert.Single(template.ResourcesOfType("Microsoft.Web/serverfarms")).Resource;
        var site = Assert.Single(template.ResourcesOfType("Microsoft.Web/sites")).Resource;
        var config = site["properties"]?["functionAppConfig"];

        // Assert
        Assert.Equal("FC1", (string?)plan["sku"]?["name"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]?["type"]);
        Assert.Equal("dotnet-isolated", (string?)config?["runtime"]?["name"]);
        Assert.Equal("10.0", (string?)config?["runtime"]?["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)config?["deployment"]?["storage"]?["authentication"]?["type"]);
        Assert.Contains("azd-service-name", site["tags"]?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", template.AppSettings.Keys);
    }

    [Fact]
    public void Mail_MainTemplate_CommunicationServicesSmtpWithKeyVaultPassword()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var violations = InfraPolicy.MailViolations(template);

        // Assert
        Assert.Empty(violations);
        Assert.Single(template.ResourcesOfType("Microsoft.Communication/emailServices"));
    }

    [Fact]
    public void Console_MainTemplate_StaticWebAppWithoutBackendAndCorsForItsOriginOnly()
    {
        // Arrange
        var template = fixture.Template();

        // Act
        var console = Assert.Single(template.ResourcesOfType("Microsoft.Web/staticSites")).Resource;
        var site = Assert.Single(template.ResourcesOfType("Microsoft.Web/sites")).Resource;
        var origins = template.Module("function-app").ResolveParameter((string?)site["properties"]?["siteConfig"]?["cors"]?["allowedOrigins"])?.ToJsonString() ?? string.Empty;

        // Assert: no linked backend (its proxy would replace the bearer token), CORS names the console and nothing else.
        Assert.Empty(template.ResourcesOfType("Microsoft.Web/staticSites/linkedBackends"));
        Assert.Contains("azd-service-name", console["tags"]?.ToJsonString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("defaultHostname", origins, StringComparison.Ordinal);
        Assert.DoesNotContain("\"*\"", origins, StringComparison.Ordinal);
        Assert.False((bool?)site["properties"]?["siteConfig"]?["cors"]?["supportCredentials"] ?? true);
    }

    [Fact]
    public void AppSettings_LocalSample_EveryLocalSettingHasAzureCounterpart()
    {
        // Arrange: read dynamically, so a setting added by a later feature fails here until infra has it.
        var local = SettingsContract.ReadLocalValues(RepositoryRoot.Combine("local.settings.sample.json"));
        var azure = fixture.Template().AppSettings.Keys.ToList();

        // Act
        var missing = SettingsContract.MissingCounterparts(local, azure);

        // Assert
        Assert.Empty(missing);
    }

    [Fact]
    public void AppSettings_MainTemplate_SignInUsesEntraId()
    {
        // Arrange
        var settings = fixture.Template().AppSettings;

        // Act
        var mode = settings["Auth__Mode"];

        // Assert
        Assert.Equal("EntraId", mode);
        Assert.EndsWith("/v2.0', environment().authentication.loginEndpoint, parameters('authTenantId'))]", settings["Auth__Issuer"], StringComparison.Ordinal);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("CaseFiles__Keys__", StringComparison.Ordinal));
        Assert.DoesNotContain("Auth__DevelopmentSigningKey", settings.Keys);
    }

    [Fact]
    public void KeyVault_MainTemplate_DeniesPublicNetworkAccess()
    {
        // Arrange
        var vault = Assert.Single(fixture.Template().ResourcesOfType("Microsoft.KeyVault/vaults")).Resource;

        // Act
        var properties = vault["properties"];

        // Assert
        Assert.Equal("Disabled", (string?)properties?["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)properties?["networkAcls"]?["defaultAction"]);
    }

    [Fact]
    public void PrivateEndpoints_MainTemplate_CoverEveryStorageServiceAndTheVault()
    {
        // Arrange
        var template = fixture.Template();
        var network = template.Module(InfraPolicy.NetworkModule);

        // Act: the endpoints main passes, as (target module, group) pairs.
        var endpoints = (network.ParameterValue("endpoints") as System.Text.Json.Nodes.JsonArray ?? [])
            .Select(e => (Target: TargetModule((string?)e?["targetId"]), Group: (string?)e?["groupId"]))
            .ToHashSet();
        var connection = Assert.Single(template.ResourcesOfType("Microsoft.Network/privateEndpoints")).Resource["properties"]?["privateLinkServiceConnections"]?[0]?["properties"];

        // Assert
        Assert.Equal(
            new HashSet<(string?, string?)>
            {
                (InfraPolicy.HostStorageModule, "blob"), (InfraPolicy.HostStorageModule, "queue"), (InfraPolicy.HostStorageModule, "table"),
                (InfraPolicy.DataStorageModule, "blob"), (InfraPolicy.DataStorageModule, "table"), (InfraPolicy.KeyVaultModule, "vault"),
            },
            endpoints);
        Assert.Equal("[parameters('endpoints')[copyIndex()].targetId]", (string?)connection?["privateLinkServiceId"]);
        Assert.Equal("[parameters('endpoints')[copyIndex()].groupId]", (string?)connection?["groupIds"]?[0]);
        Assert.Single(template.ResourcesOfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
    }

    [Fact]
    public void FunctionApp_MainTemplate_IsIntegratedIntoTheNetwork()
    {
        // Arrange
        var template = fixture.Template();
        var (module, app) = Assert.Single(template.ResourcesOfType("Microsoft.Web/sites"));

        // Act
        var subnet = template.Module(module).ResolveParameter((string?)app["properties"]?["virtualNetworkSubnetId"])?.ToString();

        // Assert
        Assert.NotNull(subnet);
        Assert.Contains($"'{InfraPolicy.NetworkModule}')", subnet, StringComparison.Ordinal);
        Assert.Contains("appSubnetId", subnet, StringComparison.Ordinal);
        var vnet = Assert.Single(template.ResourcesOfType("Microsoft.Network/virtualNetworks")).Resource;
        Assert.Contains(vnet["properties"]?["subnets"]?.AsArray() ?? [], s => (string?)s?["properties"]?["delegations"]?[0]?["properties"]?["serviceName"] == "Microsoft.App/environments");
    }

    [Fact]
    public void AuditAnchors_DataStorage_ImmutableContainerWithRetention()
    {
        // Arrange
        var template = fixture.Template();
        var data = template.Module(InfraPolicy.DataStorageModule);

        // Act
        var containers = data.ParameterValue("immutableContainers") as System.Text.Json.Nodes.JsonArray;
        var (module, policy) = Assert.Single(template.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"),
            p => p.Module == InfraPolicy.DataStorageModule);
        var days = data.ParameterValue("immutabilityDays")?.GetValue<int>()
            ?? data.Template["parameters"]?["immutabilityDays"]?["defaultValue"]?.GetValue<int>();

        // Assert
        Assert.Contains("audit-anchors", containers!.Select(c => (string?)c));
        Assert.Equal(InfraPolicy.DataStorageModule, module);
        Assert.Equal("[parameters('immutabilityDays')]", (string?)policy["properties"]?["immutabilityPeriodSinceCreationInDays"]);
        Assert.Equal("false", policy["properties"]?["allowProtectedAppendWrites"]?.ToJsonString());
        Assert.True(days >= 365, $"retention of {days} days");
        Assert.Empty(template.Module(InfraPolicy.HostStorageModule).ParameterValue("immutableContainers") as System.Text.Json.Nodes.JsonArray ?? []);
    }

    [Fact]
    public void SealedContainers_NamedByTheStorageCode_EachImmutableInTheDataAccountOrAKnownException()
    {
        // Arrange
        var template = fixture.Template();
        var immutable = (template.Module(InfraPolicy.DataStorageModule).ParameterValue("immutableContainers") as System.Text.Json.Nodes.JsonArray ?? [])
            .Select(c => (string?)c).ToHashSet(StringComparer.Ordinal);

        // Act
        var sealedContainers = SealedArchives.Containers();
        var missing = sealedContainers.Where(c => !immutable.Contains(c) && !SealedArchives.Mutable.ContainsKey(c)).ToArray();

        // Assert
        // The discovery itself: the archives the code has today (so an empty discovery cannot pass).
        Assert.All(["audit-anchors", "audit-sealed", "stats-sealed", "fund-sealed"], c => Assert.Contains(c, sealedContainers));
        Assert.Empty(missing);
        // An exception for a container that has a policy, or that the code no longer names, is stale: drop it.
        Assert.All(SealedArchives.Mutable.Keys, c => Assert.True(sealedContainers.Contains(c) && !immutable.Contains(c), $"stale exception {c}"));
    }

    private static string? TargetModule(string? expression) =>
        new[] { InfraPolicy.HostStorageModule, InfraPolicy.DataStorageModule, InfraPolicy.KeyVaultModule }
            .FirstOrDefault(m => expression?.Contains($"'{m}')", StringComparison.Ordinal) == true);
}
