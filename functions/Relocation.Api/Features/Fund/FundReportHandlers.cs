using Microsoft.DurableTask.Client;
using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Workflows.Fund;

namespace Relocation.Api.Features.Fund;

/// <summary>
/// Reports run as an orchestration whose instance id is the report id: <c>POST</c> answers 202 with the status URL,
/// <c>GET …/{id}</c> the status and, once completed, the links <c>…/{id}/csv</c> and <c>…/{id}/xlsx</c>.
/// </summary>
internal sealed class FundReportHandlers(IFundReportStore store, TimeProvider time)
{
    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var input = request.ReadJson<FundReportInput>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (input.AsOf is { } asOf && (asOf < FundCommands.Earliest || asOf > today.AddDays(1)))
        {
            throw new DomainValidationException("asOf", $"'asOf' must be from {FundCommands.Earliest:yyyy-MM-dd} and not in the future.");
        }

        var id = request.NewResourceId("fund-report");
        await FundReportInstance.StartAsync(request.Workflows, new FundReportRequest(id, input.AsOf), request.Aborted);
        return ApiResult.Accepted(new FundReportDto(id, FundReportStatus.Pending, StatusUrl(id)), StatusUrl(id));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var instance = await request.Workflows.GetInstanceAsync(id, getInputsAndOutputs: true, request.Aborted)
            ?? throw new NotFoundException($"There is no report {id}.");
        if (instance.Name != nameof(FundReportOrchestrator))
        {
            throw new NotFoundException($"There is no report {id}.");
        }

        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            var status = instance.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated ? FundReportStatus.Failed : FundReportStatus.Running;
            return ApiResult.Ok(new FundReportDto(id, status));
        }

        var result = instance.ReadOutputAs<FundReportResult>()!;
        return ApiResult.Ok(new FundReportDto(id, FundReportStatus.Completed, AsOf: result.AsOf, CsvUrl: $"{StatusUrl(id)}/csv", XlsxUrl: $"{StatusUrl(id)}/xlsx"));
    }

    public async Task<ApiResult> DownloadAsync(ApiRequest request, string format)
    {
        var id = request.IdValue();
        var file = await store.GetAsync(id, format, request.Aborted) ?? throw new NotFoundException($"Report {id} has no {format} file (yet).");
        return ApiResult.File(file.Content, file.ContentType, null, $"fund-report-{id}.{format}");
    }

    private static string StatusUrl(string id) => $"/api/fund/reports/{id}";

}

/// <summary>A fund report to make: as of the end of <paramref name="AsOf"/>, or now.</summary>
internal sealed record FundReportInput(DateOnly? AsOf);

/// <summary>Where a fund report stands: the status URL when started, the download links once completed.</summary>
internal sealed record FundReportDto(string Id, FundReportStatus Status, string? StatusUrl = null, DateOnly? AsOf = null, string? CsvUrl = null, string? XlsxUrl = null);

/// <summary>A fund report's progress.</summary>
internal enum FundReportStatus
{
    Pending = 1,
    Running,
    Completed,
    Failed,
}
