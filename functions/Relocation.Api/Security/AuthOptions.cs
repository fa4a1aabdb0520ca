using System.ComponentModel.DataAnnotations;

namespace Relocation.Api.Security;

/// <summary>How bearer tokens are validated: Entra ID in Azure, a development signing key on a developer's machine.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string SectionName = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.Development;

    [Required]
    public string Audience { get; set; } = string.Empty;

    /// <summary>Expected <c>iss</c>; in Entra mode defaults to the tenant's v2.0 issuer.</summary>
    public string? Issuer { get; set; }

    public string? TenantId { get; set; }

    /// <summary>
    /// The API's application (client) id, which the console signs in with (it must be the API's own registration: roles
    /// and <c>state</c> are read from its ID token, docs/deploy.md). Only the local host's console settings use it; unset,
    /// the app id inside an audience of the form <c>api://&lt;app id&gt;</c> or a bare app id is taken.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client id the console signs in with: <see cref="ClientId"/>, else the app id the audience names, else null.</summary>
    public string? ConsoleClientId()
    {
        if (!string.IsNullOrWhiteSpace(ClientId))
        {
            return ClientId.Trim();
        }

        var audience = Audience.Trim().TrimEnd('/');
        var id = audience.StartsWith("api://", StringComparison.OrdinalIgnoreCase) ? audience["api://".Length..] : audience;
        return Guid.TryParse(id, out var appId) ? appId.ToString() : null;
    }

    /// <summary>HMAC key for development tokens; at least 32 bytes. Never set in Azure.</summary>
    public string? DevelopmentSigningKey { get; set; }

    /// <summary>
    /// Set (from the environment, never from the Auth section) when the process runs on an Azure compute platform:
    /// <see cref="AzureMarkers"/>. Development mode is refused there, whatever else is configured.
    /// </summary>
    public string? AzureMarker { get; set; }

    /// <summary>Variables the Azure platforms set on every instance (App Service and Functions, Container Apps).</summary>
    public static IReadOnlyList<string> AzureMarkers { get; } = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME"];

    /// <summary>The first Azure marker the configuration (environment variables included) holds, or null.</summary>
    public static string? DetectAzure(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return AzureMarkers.FirstOrDefault(name => !string.IsNullOrWhiteSpace(read(name)));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == AuthMode.Development && AzureMarker is not null)
        {
            // Development tokens are signed with a key that is in the repository: in Azure they would let anyone in.
            yield return new ValidationResult(
                $"Auth__Mode=Development is refused: this process runs in Azure ({AzureMarker} is set). Development tokens are signed with a key " +
                "published in the repository, so anyone could sign in with any role. Set Auth__Mode=EntraId and Auth__TenantId.",
                [nameof(Mode)]);
        }

        if (Mode == AuthMode.Development)
        {
            if (string.IsNullOrEmpty(DevelopmentSigningKey) || System.Text.Encoding.UTF8.GetByteCount(DevelopmentSigningKey) < 32)
            {
                yield return new ValidationResult("Auth__DevelopmentSigningKey must be at least 32 bytes in Development mode.", [nameof(DevelopmentSigningKey)]);
            }

            if (string.IsNullOrWhiteSpace(Issuer))
            {
                yield return new ValidationResult("Auth__Issuer is required in Development mode.", [nameof(Issuer)]);
            }
        }
        else if (string.IsNullOrWhiteSpace(TenantId))
        {
            yield return new ValidationResult("Auth__TenantId is required in EntraId mode.", [nameof(TenantId)]);
        }
    }
}

/// <summary>Where tokens come from.</summary>
public enum AuthMode
{
    Development = 1,
    EntraId,
}
