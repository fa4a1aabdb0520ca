using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Agreements;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Agreements;

/// <summary>Documents as blobs named <c>{agreementId}/{name}</c>, with their content type.</summary>
internal sealed class AgreementDocuments(StorageClients clients) : IAgreementDocuments
{
    public const string Container = "agreement-documents";
    private readonly BlobContainerClient _container = clients.Container(Container);

    public async Task<string> PutAsync(string agreementId, AgreementDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var blob = _container.GetBlobClient($"{agreementId}/{document.Name}");
        var response = await blob.UploadAsync(
            BinaryData.FromBytes(document.Content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = document.ContentType } },
            cancellationToken);
        return response.Value.ETag.ToString();
    }

    public async Task<AgreementDocument?> GetAsync(string agreementId, string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient($"{agreementId}/{name}").DownloadContentAsync(cancellationToken);
            return new AgreementDocument(name, result.Value.Details.ContentType, result.Value.Content.ToMemory(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
