namespace Relocation.Infra.Tests;

/// <summary>
/// The security rules of issue 6 as functions from a compiled template to a list of violations,
/// so the same checks run on the real template and on tampered copies (which must fail).
/// </summary>
internal static class InfraPolicy
{
    public const string HostStorageModule = "host-storage";
    public const string DataStorageModule = "data-storage";
    public const string KeyVaultModule = "key-vault";
    public const string MonitoringModule = "monitoring";
    public const string NetworkModule = "network";

    /// <summary>Host + Durable Task Azure Storage provider: blobs (leases, package), queues, tables.</summary>
    public static readonly IReadOnlySet<string> HostRoles = new HashSet<string>(StringComparer.Ordinal)
    {
        RoleIds.StorageBlobDataOwner, RoleIds.StorageQueueDataContributor, RoleIds.StorageTableDataContributor,
    };

    public static readonly IReadOnlySet<string> DataRoles = new HashSet<string>(StringComparer.Ordinal)
    {
        RoleIds.StorageTableDataContributor, RoleIds.StorageBlobDataContributor,
    };

    private static readonly string[] ForbiddenInSettings =
        ["AccountKey=", "SharedAccessSignature", "DefaultEndpointsProtocol", "sig=", "listKeys(", "InstrumentationKey="];

    // Functions that put keys or SAS tokens into a deployment; none belongs anywhere in ours.
    private static readonly string[] ForbiddenFunctions =
        ["listKeys(", "listAccountSas(", "listServiceSas(", "listSecrets(", "listCredentials("];

    /// <summary>An expression that yields the app identity's principal id (output of the identity module).</summary>
    public static bool IsAppIdentity(string principal) =>
        principal.Contains("'Microsoft.Resources/deployments', 'identity')", StringComparison.Ordinal)
        && principal.Contains(".outputs.principalId.value", StringComparison.Ordinal);

    public static IReadOnlyList<string> StorageViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        var accounts = template.ResourcesOfType("Microsoft.Storage/storageAccounts").ToList();
        if (accounts.Count == 0)
        {
            violations.Add("no storage account found");
        }

        foreach (var (module, account) in accounts)
        {
            var properties = account["properties"];
            // Literal false/true only: an expression could evaluate to anything at deploy time.
            Require(properties?["allowSharedKeyAccess"]?.ToJsonString() == "false", module, "allowSharedKeyAccess must be literal false");
            Require(properties?["allowBlobPublicAccess"]?.ToJsonString() == "false", module, "allowBlobPublicAccess must be literal false");
            Require((string?)properties?["minimumTlsVersion"] == "TLS1_2", module, "minimumTlsVersion must be TLS1_2");
            Require(properties?["supportsHttpsTrafficOnly"]?.ToJsonString() == "true", module, "supportsHttpsTrafficOnly must be true");
            Require((string?)properties?["publicNetworkAccess"] == "Disabled", module, "publicNetworkAccess must be Disabled");
            Require((string?)properties?["networkAcls"]?["defaultAction"] == "Deny", module, "networkAcls.defaultAction must be Deny");
        }

        foreach (var (module, container) in template.ResourcesOfType("Microsoft.Storage/storageAccounts/blobServices/containers"))
        {
            var access = (string?)container["properties"]?["publicAccess"] ?? "None";
            Require(access == "None", module, $"container publicAccess is {access}");
        }

        return violations;

        void Require(bool ok, string module, string message)
        {
            if (!ok)
            {
                violations.Add($"{module}: {message}");
            }
        }
    }

    public static IReadOnlyList<string> SecretViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        foreach (var (name, value) in template.AppSettings)
        {
            violations.AddRange(ForbiddenInSettings
                .Where(f => value.Contains(f, StringComparison.OrdinalIgnoreCase))
                .Select(f => $"app setting {name} contains '{f}'"));
            if (LooksLikeLiteralSecret(value))
            {
                violations.Add($"app setting {name} holds a literal that looks like a key");
            }
        }

        var json = template.Root.ToJsonString();
        violations.AddRange(ForbiddenFunctions
            .Where(f => json.Contains(f, StringComparison.OrdinalIgnoreCase))
            .Select(f => $"template calls {f.TrimEnd('(')}"));
        return violations;
    }

    /// <summary>Role grants that break least privilege; an empty list means the rules hold.</summary>
    public static IReadOnlyList<string> RoleViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        var grants = template.RoleGrants;

        violations.AddRange(grants.Where(g => RoleIds.ControlPlane.Contains(g.RoleDefinitionId))
            .Select(g => $"{g.Module}: control-plane role {g.RoleDefinitionId} granted"));

        // The only role a person (the deployer) may get is creating key versions in the vault.
        violations.AddRange(grants
            .Where(g => !IsAppIdentity(g.Principal)
                && !(g.Module == KeyVaultModule && g.RoleDefinitionId == RoleIds.KeyVaultSecretsOfficer && g.Conditional))
            .Select(g => $"{g.Module}: role {g.RoleDefinitionId} granted to a principal other than the app identity: {g.Principal}"));

        CheckStorage(HostStorageModule, HostRoles);
        CheckStorage(DataStorageModule, DataRoles);

        var vaultReaders = grants.Where(g => g.Module == KeyVaultModule && g.ScopeType == "Microsoft.KeyVault/vaults"
            && g.RoleDefinitionId == RoleIds.KeyVaultSecretsUser && IsAppIdentity(g.Principal) && !g.Conditional);
        if (!vaultReaders.Any())
        {
            violations.Add($"{KeyVaultModule}: app identity lacks Key Vault Secrets User on the vault");
        }

        var publishers = grants.Where(g => g.Module == MonitoringModule && g.ScopeType == "Microsoft.Insights/components"
            && g.RoleDefinitionId == RoleIds.MonitoringMetricsPublisher && IsAppIdentity(g.Principal));
        if (!publishers.Any())
        {
            violations.Add($"{MonitoringModule}: app identity lacks Monitoring Metrics Publisher on Application Insights");
        }

        return violations;

        void CheckStorage(string module, IReadOnlySet<string> expected)
        {
            // Non-app principals are already reported above: orchestration history and case files are the app's only.
            var onAccount = grants.Where(g => g.Module == module).ToList();
            foreach (var grant in onAccount.Where(g => g.ScopeType != "Microsoft.Storage/storageAccounts"))
            {
                violations.Add($"{module}: role {grant.RoleDefinitionId} scoped to {grant.ScopeType}, not the storage account");
            }

            var actual = onAccount.Where(g => IsAppIdentity(g.Principal)).Select(g => g.RoleDefinitionId).ToHashSet(StringComparer.Ordinal);
            if (!actual.SetEquals(expected))
            {
                violations.Add($"{module}: app identity has [{string.Join(", ", actual.Order())}], expected exactly [{string.Join(", ", expected.Order())}]");
            }
        }
    }

    /// <summary>
    /// Issue 12: mail goes through Azure Communication Services' SMTP endpoint over STARTTLS, signs in with a password
    /// read from the Key Vault at run time (only the secret's name is a setting), and the sender domain is provisioned.
    /// </summary>
    public static IReadOnlyList<string> MailViolations(ArmTemplate template)
    {
        var violations = new List<string>();
        var settings = template.AppSettings;
        string Setting(string name) => settings.TryGetValue(name, out var v) ? v : string.Empty;

        if (Setting("Smtp__Host") != "smtp.azurecommunication.net" || Setting("Smtp__Port") != "587" || Setting("Smtp__Security") != "StartTls")
        {
            violations.Add("Smtp__Host/Port/Security must be smtp.azurecommunication.net, 587, StartTls");
        }

        foreach (var name in settings.Keys.Where(n => n.Contains("Password", StringComparison.OrdinalIgnoreCase) && !n.EndsWith("SecretName", StringComparison.Ordinal)))
        {
            violations.Add($"app setting {name} would hold a password; name a Key Vault secret instead");
        }

        if (Setting("Smtp__KeyVaultUri").Length == 0 || Setting("Smtp__KeyVaultUri") != Setting("CaseFiles__KeyVaultUri"))
        {
            violations.Add("Smtp__KeyVaultUri must be the provisioned vault (the one the app identity can read)");
        }

        if (Setting("Smtp__PasswordSecretName").Length == 0)
        {
            violations.Add("Smtp__PasswordSecretName is missing");
        }

        var services = template.ResourcesOfType("Microsoft.Communication/communicationServices").ToList();
        if (services.Count != 1 || services[0].Resource["properties"]?["linkedDomains"] is not System.Text.Json.Nodes.JsonArray { Count: > 0 })
        {
            violations.Add("exactly one communication service with a linked e-mail domain is required");
        }

        if (!template.ResourcesOfType("Microsoft.Communication/emailServices/domains").Any())
        {
            violations.Add("no e-mail sender domain is provisioned");
        }

        foreach (var address in new[] { "Notifications__VwuAddress", "Notifications__RegistryAddress", "Notifications__FinanceAddress" })
        {
            if (Setting(address).Length == 0)
            {
                violations.Add($"{address} is missing");
            }
        }

        return violations;
    }

    // A literal (not an ARM expression) of 32+ characters from a key alphabet, e.g. a base64 AES key.
    private static bool LooksLikeLiteralSecret(string value) =>
        !value.StartsWith('[')
        && value.Length >= 32
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_');
}
