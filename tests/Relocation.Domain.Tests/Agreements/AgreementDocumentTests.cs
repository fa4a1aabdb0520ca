using System.IO.Compression;
using Relocation.Domain.Agreements;
using Relocation.Domain.Common;

namespace Relocation.Domain.Tests.Agreements;

public sealed class AgreementDocumentTests
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static byte[] Zip(params string[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                writer.Write("<x/>");
            }
        }

        return stream.ToArray();
    }

    [Fact]
    public void Create_PdfWithPdfSignature_IsAccepted() =>
        Assert.Equal("application/pdf", AgreementDocument.Create("a.pdf", "application/pdf", "%PDF-1.4\n..."u8.ToArray()).ContentType);

    [Fact]
    public void Create_WordDocument_IsAccepted() =>
        Assert.Equal(Docx, AgreementDocument.Create("a.docx", Docx, Zip("[Content_Types].xml", "word/document.xml")).ContentType);

    [Theory]
    [InlineData("application/pdf", "<html>not a pdf</html>")]
    [InlineData("image/png", "%PDF-1.4")]
    [InlineData("image/jpeg", "GIF89a")]
    [InlineData(Docx, "%PDF-1.4")]
    public void Create_BytesOfAnotherType_IsRefusedOnTheBody(string type, string text)
    {
        var ex = Assert.Throws<DomainValidationException>(() => AgreementDocument.Create("a.bin", type, System.Text.Encoding.UTF8.GetBytes(text)));

        Assert.True(ex.Errors.ContainsKey("body"));
    }

    [Fact]
    public void Create_ZipThatIsNotAWordDocument_IsRefused() =>
        Assert.Throws<DomainValidationException>(() => AgreementDocument.Create("a.docx", Docx, Zip("[Content_Types].xml", "xl/workbook.xml")));

    [Fact]
    public void Create_TextWithNulBytes_IsRefused() =>
        Assert.Throws<DomainValidationException>(() => AgreementDocument.Create("a.txt", "text/plain", new byte[] { 65, 0, 66 }));
}
