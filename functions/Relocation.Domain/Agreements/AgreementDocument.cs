using System.Text.RegularExpressions;
using Relocation.Domain.Common;

namespace Relocation.Domain.Agreements;

/// <summary>A signed text or a note verbale kept with an agreement.</summary>
public sealed record AgreementDocument(string Name, string ContentType, ReadOnlyMemory<byte> Content, string? Version = null)
{
    public const int MaxBytes = 10 * 1024 * 1024;

    public static readonly IReadOnlySet<string> AllowedContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    };

    /// <summary>Checks name, type and size before anything is stored.</summary>
    public static AgreementDocument Create(string name, string? contentType, ReadOnlyMemory<byte> content)
    {
        var errors = new FieldErrors();
        if (!DocumentName.IsMatch(name ?? string.Empty))
        {
            errors.Add("name", "A document name is 1 to 100 letters, digits, '.', '-' or '_', not starting with '.'.");
        }

        var type = contentType?.Split(';')[0].Trim();
        if (type is null || !AllowedContentTypes.Contains(type))
        {
            errors.Add("Content-Type", $"Allowed content types: {string.Join(", ", AllowedContentTypes)}.");
        }

        if (content.Length == 0)
        {
            errors.Add("body", "The document is empty.");
        }
        else if (content.Length > MaxBytes)
        {
            errors.Add("body", $"A document must be at most {MaxBytes / 1024 / 1024} MB.");
        }

        errors.ThrowIfAny();
        return new AgreementDocument(name!, type!.ToLowerInvariant(), content);
    }

    private static readonly Regex DocumentName = new("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}

/// <summary>Where agreement documents are kept.</summary>
public interface IAgreementDocuments
{
    Task<string> PutAsync(string agreementId, AgreementDocument document, CancellationToken cancellationToken);

    Task<AgreementDocument?> GetAsync(string agreementId, string name, CancellationToken cancellationToken);
}
