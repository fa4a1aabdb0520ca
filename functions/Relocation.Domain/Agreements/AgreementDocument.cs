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

        else if (type is not null && AllowedContentTypes.Contains(type) && !BytesMatch(type, content.Span))
        {
            // A file that is not what it claims (an HTML page sent as a PDF) would be served later under the claimed type.
            errors.Add("body", $"The document's bytes are not a {type} file.");
        }

        errors.ThrowIfAny();
        return new AgreementDocument(name!, type!.ToLowerInvariant(), content);
    }

    /// <summary>The file's own signature agrees with its declared type.</summary>
    internal static bool BytesMatch(string type, ReadOnlySpan<byte> content) => type.ToLowerInvariant() switch
    {
        "application/pdf" => content.StartsWith("%PDF-"u8),
        "image/png" => content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "text/plain" => !content.Contains((byte)0) && System.Text.Unicode.Utf8.IsValid(content),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => IsWordDocument(content),
        _ => false,
    };

    // A .docx is a zip whose parts include word/document.xml; a zip of anything else is refused.
    private static bool IsWordDocument(ReadOnlySpan<byte> content)
    {
        if (!content.StartsWith("PK\u0003\u0004"u8))
        {
            return false;
        }

        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(content.ToArray(), writable: false), System.IO.Compression.ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null && zip.GetEntry("[Content_Types].xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static readonly Regex DocumentName = new("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}

/// <summary>Where agreement documents are kept.</summary>
public interface IAgreementDocuments
{
    Task<string> PutAsync(string agreementId, AgreementDocument document, CancellationToken cancellationToken);

    Task<AgreementDocument?> GetAsync(string agreementId, string name, CancellationToken cancellationToken);
}
