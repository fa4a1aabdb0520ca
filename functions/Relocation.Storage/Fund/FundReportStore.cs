using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Fund;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Fund;

/// <summary>Report files as blobs named <c>{reportId}/fund-report.{csv|xlsx}</c>.</summary>
internal sealed class FundReportStore(StorageClients clients) : IFundReportStore
{
    public const string Container = "fund-reports";
    private readonly BlobContainerClient _container = clients.Container(Container);

    public async Task PutAsync(string reportId, FundReportFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await _container.GetBlobClient(Name(reportId, file.Format)).UploadAsync(
            BinaryData.FromBytes(file.Content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType } },
            cancellationToken);
    }

    public async Task<FundReportFile?> GetAsync(string reportId, string format, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _container.GetBlobClient(Name(reportId, format)).DownloadContentAsync(cancellationToken);
            return new FundReportFile(format, result.Value.Details.ContentType, result.Value.Content.ToArray());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static string Name(string reportId, string format) => $"{reportId}/fund-report.{format}";
}
