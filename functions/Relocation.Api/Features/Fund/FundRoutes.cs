using Relocation.Api.Routing;
using Relocation.Domain.Security;

namespace Relocation.Api.Features.Fund;

internal sealed class FundRoutes : IApiRoutes
{
    private static readonly string[] Finance = [Roles.FinanceOfficer];

    public IEnumerable<ApiRoute> Routes =>
    [
        ApiRoute.For<FundHandlers>("PostFundPledge", HttpMethods.Post, "fund/pledges", Finance,
            (h, r) => h.PledgeAsync(r), "Records a State's pledge (receivable); Idempotency-Key required (201)."),
        ApiRoute.For<FundHandlers>("PostFundReceipt", HttpMethods.Post, "fund/receipts", Finance,
            (h, r) => h.ReceiptAsync(r), "Records money received, in its currency with its EUR value; 409 beyond its pledge (201)."),
        ApiRoute.For<FundHandlers>("PostFundCommitment", HttpMethods.Post, "fund/commitments", Finance,
            (h, r) => h.CommitAsync(r), "Commits money for a relocation; 409 when not enough is available (201)."),
        ApiRoute.For<FundHandlers>("ReleaseFundCommitment", HttpMethods.Post, "fund/commitments/{id}/release", Finance,
            (h, r) => h.ReleaseAsync(r), "Releases part or all of a commitment; 409 beyond what remains (201)."),
        ApiRoute.For<FundHandlers>("PostFundDisbursement", HttpMethods.Post, "fund/disbursements", Finance,
            (h, r) => h.DisburseAsync(r), "Pays out against a commitment; 409 beyond what remains of it (201)."),
        ApiRoute.For<FundHandlers>("CorrectFundPosting", HttpMethods.Post, "fund/postings/{id}/correction", Finance,
            (h, r) => h.CorrectAsync(r), "Reverses a pledge (nothing received on it) or a receipt by a correcting posting; postings are never edited (201)."),
        ApiRoute.For<FundHandlers>("WriteOffFundPledge", HttpMethods.Post, "fund/pledges/{id}/write-off", Finance,
            (h, r) => h.WriteOffAsync(r), "Writes off what is still outstanding on a pledge, in its currency, at its booked EUR; body {date, reason} (201)."),
        ApiRoute.For<FundHandlers>("PostFundRevaluation", HttpMethods.Post, "fund/revaluations", Finance,
            (h, r) => h.RevalueAsync(r), "Revalues outstanding pledges at a month's rates {month} (unrealised exchange difference); reversible by correction (201)."),
        ApiRoute.For<FundHandlers>("PutFundRates", HttpMethods.Put, "fund/rates/{month}", Finance,
            (h, r) => h.PutRatesAsync(r), "A month's operational rates of exchange (EUR per unit), {rates:{CAD:0.68}}; pledges and receipts without eurValue use them."),
        ApiRoute.For<FundHandlers>("PutFundDonor", HttpMethods.Put, "fund/donors/{id}", Finance,
            (h, r) => h.PutDonorAsync(r), "Registers a donor {name, kind, country?}; a State donor's id is its code (201 new, 200 updated)."),
        ApiRoute.For<FundOutlookHandlers>("GetFundForecast", HttpMethods.Get, "fund/forecast", Finance,
            (h, r) => h.ForecastAsync(r), "Available, committed, expected receipts, the 12-month average disbursement, months of runway and the date the money runs out; warns finance's inbox under the threshold."),
        ApiRoute.For<FundOutlookHandlers>("GetFundDonorStatement", HttpMethods.Get, "fund/donors/{id}/statement", Finance,
            (h, r) => h.StatementAsync(r), "A donor's statement for ?from=&to= (default: the year to date), ?format=json|csv|xlsx; reconciles to the ledger; names no case."),
        ApiRoute.For<FundHandlers>("GetFundPosting", HttpMethods.Get, "fund/postings/{id}", Finance,
            (h, r) => h.GetPostingAsync(r), "One posting with its entries."),
        ApiRoute.For<FundHandlers>("GetFundBalance", HttpMethods.Get, "fund/balance", Finance,
            (h, r) => h.BalanceAsync(r), "Cash, committed, available, pledged outstanding, by donor and by year, in EUR; ?asOf=yyyy-MM-dd for the end of a past date."),
        ApiRoute.For<FundReportHandlers>("CreateFundReport", HttpMethods.Post, "fund/reports", Finance,
            (h, r) => h.CreateAsync(r), "Starts a fund report; body {} or {asOf}; 202 with its status URL.") with { Creates = true },
        ApiRoute.For<FundReportHandlers>("GetFundReport", HttpMethods.Get, "fund/reports/{id}", Finance,
            (h, r) => h.GetAsync(r), "The report's status and, once completed, its CSV and XLSX download links."),
        ApiRoute.For<FundReportHandlers>("GetFundReportCsv", HttpMethods.Get, "fund/reports/{id}/csv", Finance,
            (h, r) => h.DownloadAsync(r, "csv"), "The report as CSV (section, subject, measure, eur)."),
        ApiRoute.For<FundReportHandlers>("GetFundReportXlsx", HttpMethods.Get, "fund/reports/{id}/xlsx", Finance,
            (h, r) => h.DownloadAsync(r, "xlsx"), "The report as an Excel workbook (Summary, Donors, Years, Relocations)."),
    ];
}
