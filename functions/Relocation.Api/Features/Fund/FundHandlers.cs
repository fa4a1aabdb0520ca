using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.States;

namespace Relocation.Api.Features.Fund;

/// <summary>
/// Fund postings over HTTP. Every write needs an Idempotency-Key: the ledger scopes it by caller and route, so the
/// ledger itself posts once even when the pipeline's stored answer is gone.
/// </summary>
internal sealed class FundHandlers(IFundLedger ledger, IStateRepository states, TimeProvider time)
{
    public async Task<ApiResult> PledgeAsync(ApiRequest request)
    {
        var command = FundInput.Pledge(request.ReadJson<PledgeInput>(), Today());
        await EnsureDonorAsync(command.DonorStateCode!, request);
        return await PostAsync(request, command);
    }

    public async Task<ApiResult> ReceiptAsync(ApiRequest request)
    {
        var command = FundInput.Receipt(request.ReadJson<ReceiptInput>(), Today());
        await EnsureDonorAsync(command.DonorStateCode!, request);
        return await PostAsync(request, command);
    }

    public Task<ApiResult> CommitAsync(ApiRequest request) =>
        PostAsync(request, FundInput.Commitment(request.ReadJson<CommitmentInput>(), Today()));

    public Task<ApiResult> ReleaseAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return PostAsync(request, FundInput.Release(id, request.ReadJson<ReleaseInput>(), Today()));
    }

    public Task<ApiResult> DisburseAsync(ApiRequest request) =>
        PostAsync(request, FundInput.Disbursement(request.ReadJson<DisbursementInput>(), Today()));

    public Task<ApiResult> CorrectAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return PostAsync(request, FundInput.Correction(id, request.ReadJson<CorrectionInput>(), Today()));
    }

    public async Task<ApiResult> GetPostingAsync(ApiRequest request)
    {
        var id = request.IdValue();
        var posting = await ledger.FindAsync(id, request.Aborted) ?? throw new NotFoundException($"There is no posting {id}.");
        return ApiResult.Ok(PostingDto.From(posting));
    }

    public async Task<ApiResult> BalanceAsync(ApiRequest request)
    {
        var asOf = request.QueryDate("asOf");
        if (asOf is { } date && (date < FundInput.Earliest || date > DateOnly.MaxValue.AddDays(-1)))
        {
            throw new DomainValidationException("asOf", $"'asOf' must be from {FundInput.Earliest:yyyy-MM-dd}.");
        }

        return ApiResult.Ok(BalanceDto.From(await ledger.BalanceAsync(asOf, request.Aborted)));
    }

    private async Task<ApiResult> PostAsync(ApiRequest request, FundCommand command)
    {
        var key = request.IdempotencyKey
            ?? throw new DomainValidationException("Idempotency-Key", "Every fund posting needs an Idempotency-Key header, so a retry never posts twice.");
        var result = await ledger.PostAsync(command, $"http:{request.Route.Name}:{request.Caller.Subject}:{key}", request.Aborted);
        return ApiResult.Created(PostingDto.From(result.Posting), $"/api/fund/postings/{result.Posting.Id}");
    }

    private async Task EnsureDonorAsync(string code, ApiRequest request)
    {
        if (await states.FindAsync(code, request.Aborted) is null)
        {
            throw new DomainValidationException("donorStateCode", $"State {code} is not in the register.");
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
