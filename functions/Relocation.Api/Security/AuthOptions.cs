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

    /// <summary>HMAC key for development tokens; at least 32 bytes. Never set in Azure.</summary>
    public string? DevelopmentSigningKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
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
