using Relocation.Api.Routing;
using Relocation.Api.OpenApi;
using Relocation.Domain.Fund;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Fund;

internal sealed class FundRoutes : IApiRoutes
{
    private static readonly string[] Finance = [Roles.FinanceOfficer];

    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<FundHandlers>("PostFundPledge", HttpMethods.Post, "fund/pledges", Finance,
            (h, r) => h.PledgeAsync(r), "Records a State's pledge (receivable); Idempotency-Key required (201).")
            .Accepts<PledgeInput>("amount", "amount.value", "amount.currency", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("PostFundReceipt", HttpMethods.Post, "fund/receipts", Finance,
            (h, r) => h.ReceiptAsync(r), "Records money received, in its currency with its EUR value; 409 beyond its pledge (201).")
            .Accepts<ReceiptInput>("amount", "amount.value", "amount.currency", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("PostFundCommitment", HttpMethods.Post, "fund/commitments", Finance,
            (h, r) => h.CommitAsync(r), "Commits money for an open relocation: 400 naming relocationId when it names no case; 409 when the case is Cancelled, Withdrawn or Ended (code CaseClosedToCommitments) or not enough is available (201).")
            .Accepts<CommitmentInput>("relocationId", "eurValue", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("ReleaseFundCommitment", HttpMethods.Post, "fund/commitments/{id}/release", Finance,
            (h, r) => h.ReleaseAsync(r), "Releases part or all of a commitment; 409 beyond what remains (201).")
            .Accepts<ReleaseInput>("eurValue", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("PostFundDisbursement", HttpMethods.Post, "fund/disbursements", Finance,
            (h, r) => h.DisburseAsync(r), "Pays out against a commitment; 409 beyond what remains of it (201).")
            .Accepts<DisbursementInput>("commitmentId", "eurValue", "payee", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("CorrectFundPosting", HttpMethods.Post, "fund/postings/{id}/correction", Finance,
            (h, r) => h.CorrectAsync(r), "Reverses a pledge (nothing received on it) or a receipt by a correcting posting; postings are never edited (201).")
            .Accepts<CorrectionInput>("eurValue", "date")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201),
        ApiRoute.For<FundHandlers>("WriteOffFundPledge", HttpMethods.Post, "fund/pledges/{id}/write-off", Finance,
            (h, r) => h.WriteOffAsync(r), "Writes off what is still outstanding on a pledge, in its currency, at its booked EUR; body {date, reason} (201).")
            .Accepts<WriteOffInput>("date", "reason")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201)
            .ProducesProblem(404, "There is no such pledge.")
            .ProducesProblem(409, "Nothing of the pledge is outstanding."),
        ApiRoute.For<FundHandlers>("PostFundRevaluation", HttpMethods.Post, "fund/revaluations", Finance,
            (h, r) => h.RevalueAsync(r), "Revalues outstanding pledges at a month's rates {month} (unrealised exchange difference); reversible by correction (201).")
            .Accepts<RevaluationInput>("month")
            .WithHeader(ApiHeaders.IdempotencyKey, "Required: the same key posts once, however often it is sent (at most 200 characters).", required: true)
            .Produces<PostingDto>(201)
            .ProducesProblem(409, "Nothing to revalue, or a pledge changed meanwhile."),
        ApiRoute.For<FundHandlers>("PutFundRates", HttpMethods.Put, "fund/rates/{month}", Finance,
            (h, r) => h.PutRatesAsync(r), "A month's operational rates of exchange (EUR per unit), {rates:{CAD:0.68}}; pledges and receipts without eurValue use them.")
            .Accepts<RatesInput>("rates")
            .Produces<RatesDto>(),
        ApiRoute.For<FundHandlers>("PutFundDonor", HttpMethods.Put, "fund/donors/{id}", Finance,
            (h, r) => h.PutDonorAsync(r), "Registers a donor {name, kind, country?}; a State donor's id is its code (201 new, 200 updated).")
            .Accepts<DonorInput>("name", "kind")
            .Produces<DonorRegisterDto>(201)
            .Produces<DonorRegisterDto>(200),
        ApiRoute.For<FundOutlookHandlers>("GetFundForecast", HttpMethods.Get, "fund/forecast", Finance,
            (h, r) => h.ForecastAsync(r), "Available, committed, expected receipts, the 12-month average disbursement, months of runway and the date the money runs out; warns finance's inbox under the threshold.")
            .Produces<ForecastDto>(),
        ApiRoute.For<FundOutlookHandlers>("GetFundDonorStatement", HttpMethods.Get, "fund/donors/{id}/statement", Finance,
            (h, r) => h.StatementAsync(r), "A donor's statement for ?from=&to= (default: the year to date), ?format=json (default), csv or xlsx (a file); reconciles to the ledger; names no case.")
            .WithQuery<DateOnly>("from", "First value date; 1 January of the year of 'to' when left out.")
            .WithQuery<DateOnly>("to", "Last value date; today when left out.")
            .WithQuery<string>("format", "json (default), csv or xlsx.")
            .Produces<StatementDto>()
            .ProducesProblem(404, "There is no donor with this id."),
        ApiRoute.For<FundHandlers>("GetFundPosting", HttpMethods.Get, "fund/postings/{id}", Finance,
            (h, r) => h.GetPostingAsync(r), "One posting with its entries.")
            .Produces<PostingDto>(),
        ApiRoute.For<FundHandlers>("GetFundBalance", HttpMethods.Get, "fund/balance", Finance,
            (h, r) => h.BalanceAsync(r), "Cash, committed, available, pledged outstanding, by donor and by year, in EUR; ?asOf=yyyy-MM-dd for the end of a past date.")
            .WithQuery<DateOnly>("asOf", "The balance at the end of this date; now when left out.")
            .Produces<BalanceDto>(),
        ApiRoute.For<FundReportHandlers>("CreateFundReport", HttpMethods.Post, "fund/reports", Finance,
            (h, r) => h.CreateAsync(r), "Starts a fund report; body {} or {asOf}; 202 with its status URL.")
            .Accepts<FundReportInput>().Produces<FundReportDto>(202) with { Creates = true },
        ApiRoute.For<FundReportHandlers>("GetFundReport", HttpMethods.Get, "fund/reports/{id}", Finance,
            (h, r) => h.GetAsync(r), "The report's status and, once completed, its CSV and XLSX download links.")
            .Produces<FundReportDto>(),
        ApiRoute.For<FundReportHandlers>("GetFundReportCsv", HttpMethods.Get, "fund/reports/{id}/csv", Finance,
            (h, r) => h.DownloadAsync(r, "csv"), "The report as CSV (section, subject, measure, eur).")
            .ProducesFile(200, "text/csv"),
        ApiRoute.For<FundReportHandlers>("GetFundReportXlsx", HttpMethods.Get, "fund/reports/{id}/xlsx", Finance,
            (h, r) => h.DownloadAsync(r, "xlsx"), "The report as an Excel workbook (Summary, Donors, Years, Relocations).")
            .ProducesFile(200, FundReportFile.XlsxContentType),
    ];
}
