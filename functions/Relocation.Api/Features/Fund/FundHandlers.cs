using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Api.Features.Fund;

/// <summary>
/// Fund postings over HTTP. Every write needs an Idempotency-Key: the ledger scopes it by caller and route, so the
/// ledger itself posts once even when the pipeline's stored answer is gone.
/// </summary>
internal sealed class FundHandlers(IFundLedger ledger, IStateRepository states, IFundRegister register, CaseCommitments commitments,
    Microsoft.Extensions.Options.IOptions<FundOptions> options, TimeProvider time)
{
    public async Task<ApiResult> PledgeAsync(ApiRequest request)
    {
        var input = request.ReadJson((PledgeInput body) => Checked(body.ToCommand(), c => FundCommands.Pledge(c, Today(), AnyRate(c.EurValue))));
        var rate = input.EurValue is null ? await RateAsync(input.Amount?.Currency, input.Date, request) : null;
        var command = FundCommands.Pledge(input, Today(), rate);
        await EnsureDonorAsync(command.DonorStateCode!, input.DonorId is null, request);
        return await PostAsync(request, command);
    }

    public async Task<ApiResult> ReceiptAsync(ApiRequest request)
    {
        var input = request.ReadJson((ReceiptInput body) => Checked(body.ToCommand(), c => FundCommands.Receipt(c, Today(), AnyRate(c.EurValue))));
        var rate = input.EurValue is null ? await RateAsync(input.Amount?.Currency, input.Date, request) : null;
        var command = FundCommands.Receipt(input, Today(), rate);
        await EnsureDonorAsync(command.DonorStateCode!, input.DonorId is null, request);
        return await PostAsync(request, command);
    }

    public Task<ApiResult> WriteOffAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return PostAsync(request, request.ReadJson((WriteOffInput input) => FundCommands.WriteOff(id, input.ToCommand(), Today())));
    }

    /// <summary>
    /// Revalues every outstanding pledge in a currency with a rate that month: its outstanding amount at the rate,
    /// rounded to the cent. One posting; the ledger checks each pledge is still as read (else 409, revalue again).
    /// </summary>
    public async Task<ApiResult> RevalueAsync(ApiRequest request)
    {
        var input = request.ReadJson<RevaluationInput>();
        var month = FundRates.ParseMonth(input.Month);
        var rates = month is null ? null : await register.FindRatesAsync(month, request.Aborted);
        var lines = new List<RevaluationLine>();
        if (rates is not null)
        {
            foreach (var pledge in await ledger.PledgesAsync(request.Aborted))
            {
                if (pledge.OutstandingAmount > 0 && pledge.Currency is { } currency && rates.Rates.TryGetValue(currency, out var rate))
                {
                    var eur = (long)Math.Round(new Money(pledge.OutstandingAmount, currency).Major * rate * 100m, 0, MidpointRounding.AwayFromZero);
                    lines.Add(new RevaluationLine(pledge.Id, pledge.OutstandingAmount, eur));
                }
            }
        }

        var command = FundCommands.Revaluation(input.Month, lines.OrderBy(l => l.PledgeId, StringComparer.Ordinal).ToArray(), Today());
        if (rates is null)
        {
            throw new DomainValidationException("month", $"There are no rates for {input.Month} (PUT /api/fund/rates/{input.Month}).");
        }

        return await PostAsync(request, command);
    }

    public async Task<ApiResult> PutRatesAsync(ApiRequest request)
    {
        var rates = FundRates.Create(request.RouteValue("month"), request.ReadJson<RatesInput>().ToCommand());
        await register.SaveRatesAsync(rates, request.Aborted);
        return ApiResult.Ok(new RatesDto(rates.Month, rates.Rates));
    }

    public async Task<ApiResult> PutDonorAsync(ApiRequest request)
    {
        var id = request.RouteValue("id");
        var donor = FundDonor.Register(id, request.ReadJson<DonorInput>().ToCommand());
        if (donor.Kind == DonorKind.State && await states.FindAsync(donor.Id, request.Aborted) is null)
        {
            throw new DomainValidationException("id", $"State {donor.Id} is not in the register.");
        }

        var created = await register.SaveDonorAsync(donor, request.Aborted);
        var dto = new DonorRegisterDto(donor.Id, donor.Name, donor.Kind.ToString(), donor.Country);
        return created ? ApiResult.Created(dto, $"/api/fund/donors/{donor.Id}") : ApiResult.Ok(dto);
    }

    /// <summary>
    /// A commitment names a case that exists and is still open, checked before and after posting (<see cref="CaseCommitments"/>):
    /// a commitment for no case, or for one already Cancelled, Withdrawn or Ended, would never be released by the
    /// workflow. The same convention as a donor in a pledge: a reference in the body that names nothing is a 400 naming the field.
    /// </summary>
    public async Task<ApiResult> CommitAsync(ApiRequest request)
    {
        var command = request.ReadJson((CommitmentInput input) => FundCommands.Commitment(input.ToCommand(), Today()));
        return Created(await commitments.CommitAsync(command, LedgerKey(request), request.Aborted));
    }

    public Task<ApiResult> ReleaseAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return PostAsync(request, request.ReadJson((ReleaseInput input) => FundCommands.Release(id, input.ToCommand(), Today())));
    }

    public Task<ApiResult> DisburseAsync(ApiRequest request) =>
        PostAsync(request, request.ReadJson((DisbursementInput input) => FundCommands.Disbursement(input.ToCommand(), Today(), options.Value.ProgrammeSupportCostPercent)));

    public Task<ApiResult> CorrectAsync(ApiRequest request)
    {
        var id = request.IdValue();
        return PostAsync(request, request.ReadJson((CorrectionInput input) => FundCommands.Correction(id, input.ToCommand(), Today())));
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
        if (asOf is { } date && (date < FundCommands.Earliest || date > DateOnly.MaxValue.AddDays(-1)))
        {
            throw new DomainValidationException("asOf", $"'asOf' must be from {FundCommands.Earliest:yyyy-MM-dd}.");
        }

        return ApiResult.Ok(BalanceDto.From(await ledger.BalanceAsync(asOf, request.Aborted)));
    }

    private async Task<ApiResult> PostAsync(ApiRequest request, FundCommand command) =>
        Created(await ledger.PostAsync(command, LedgerKey(request), request.Aborted));

    /// <summary>The ledger's key for the request's Idempotency-Key, scoped by route and caller.</summary>
    private static string LedgerKey(ApiRequest request)
    {
        var key = request.IdempotencyKey
            ?? throw new DomainValidationException("Idempotency-Key", "Every fund posting needs an Idempotency-Key header, so a retry never posts twice.");
        return $"http:{request.Route.Name}:{request.Caller.Subject}:{key}";
    }

    private static ApiResult Created(PostingResult result) =>
        ApiResult.Created(PostingDto.From(result.Posting), $"/api/fund/postings/{result.Posting.Id}");

    /// <summary>A State donor is known from the register of States (as before the donor register existed); any other from the donor register.</summary>
    private async Task EnsureDonorAsync(string id, bool byStateCode, ApiRequest request)
    {
        if (IsoCodes.IsCountry(id) && await states.FindAsync(id, request.Aborted) is not null)
        {
            return;
        }

        if (!byStateCode && await register.FindDonorAsync(id, request.Aborted) is not null)
        {
            return;
        }

        throw byStateCode
            ? new DomainValidationException("donorStateCode", $"State {id} is not in the register.")
            : new DomainValidationException("donorId", $"Donor {id} is not in the register (PUT /api/fund/donors/{{id}}).");
    }

    /// <summary>The month's rate for a currency other than EUR, when finance recorded one (one point read).</summary>
    /// <summary><paramref name="command"/> once <paramref name="check"/> has found nothing wrong with it.</summary>
    private static TCommand Checked<TCommand>(TCommand command, Func<TCommand, FundCommand> check)
    {
        _ = check(command);
        return command;
    }

    /// <summary>
    /// The rate a body is checked with before the month's rate is looked up: any, as the lookup comes after reading; a
    /// missing rate is then reported by the second check, with the body's own mistakes already fixed.
    /// </summary>
    private static decimal? AnyRate(decimal? eurValue) => eurValue is null ? 1m : null;

    private async Task<decimal?> RateAsync(string? currency, DateOnly? date, ApiRequest request)
    {
        if (currency is null || currency == Currencies.Euro || !Currencies.IsKnown(currency) || date is not { } d || d < FundCommands.Earliest || d.Year >= 2200)
        {
            return null;
        }

        var rates = await register.FindRatesAsync(FundRates.MonthOf(d), request.Aborted);
        return rates?.Rates.TryGetValue(currency, out var rate) == true ? rate : null;
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
