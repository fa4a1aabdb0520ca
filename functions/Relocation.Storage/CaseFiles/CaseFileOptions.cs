using System.ComponentModel.DataAnnotations;

namespace Relocation.Storage.CaseFiles;

/// <summary>
/// Where the case-file key comes from: locally <c>CaseFiles:ActiveKeyId</c> and <c>CaseFiles:Keys:&lt;id&gt;</c> (base64 of
/// 32 bytes); in Azure a Key Vault secret (<c>CaseFiles:KeyVaultUri</c>, <c>CaseFiles:KeyVaultSecretName</c>) whose
/// version is the key id. Old keys stay readable, so keys rotate without re-encrypting.
/// </summary>
public sealed class CaseFileOptions : IValidatableObject
{
    public const string SectionName = "CaseFiles";

    public string? ActiveKeyId { get; set; }

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public Uri? KeyVaultUri { get; set; }

    public string? KeyVaultSecretName { get; set; }

    /// <summary>The Key Vault key (RSA) that wraps each case file's data key; when empty, the secret key wraps them.</summary>
    public string? KeyVaultKeyName { get; set; }

    public bool UsesKeyVault => KeyVaultUri is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesKeyVault)
        {
            if (string.IsNullOrWhiteSpace(KeyVaultSecretName) && string.IsNullOrWhiteSpace(KeyVaultKeyName))
            {
                yield return new ValidationResult("CaseFiles__KeyVaultKeyName (or, for files written before it, CaseFiles__KeyVaultSecretName) is required with CaseFiles__KeyVaultUri.", [nameof(KeyVaultSecretName)]);
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(ActiveKeyId) || !Keys.ContainsKey(ActiveKeyId))
        {
            yield return new ValidationResult("CaseFiles__ActiveKeyId must name one of CaseFiles__Keys__<id>.", [nameof(ActiveKeyId)]);
        }

        foreach (var (id, value) in Keys)
        {
            if (!IsKey(value))
            {
                yield return new ValidationResult($"CaseFiles__Keys__{id} must be base64 of exactly 32 bytes.", [nameof(Keys)]);
            }
        }
    }

    internal static bool IsKey(string value)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
