using System.Globalization;
using Microsoft.Extensions.Options;
using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Outbox;
using Relocation.Domain.States;
using Relocation.Workflows.Fund;

namespace Relocation.Api.Features.Fund;

/// <summary>
/// The runway forecast and donor statements. Reads only: the head, day rows (range reads returning one row), the pledge
/// partition and one donor's partition — never a scan of the ledger.
/// </summary>
internal sealed class FundOutlookHandlers(IFundLedger ledger, IFundRegister register, IStateRepository states, IOutbox outbox, IOptions<FundOptions> options, TimeProvider time)
{
    public async Task<ApiResult> ForecastAsync(ApiRequest request)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var balance = await ledger.BalanceAsync(null, request.Aborted);
        var yearAgo = await ledger.BalanceAsync(today.AddMonths(-12), request.Aborted);
        var pledges = await ledger.PledgesAsync(request.Aborted);
        var forecast = FundForecast.Compute(today, balance, yearAgo.Disbursed, pledges, options.Value.RunwayWarningMonths);
        if (forecast.BelowThreshold)
        {
            // Once a month at most: the key is the month, so every later forecast that month finds the message there.
            await outbox.AddAsync(
                new OutboxMessage(
                    $"fund-runway-{today:yyyy-MM}",
                    "FundRunwayLow",
                    Recipients.Finance,
                    $"The Special Fund has {forecast.RunwayMonths!.Value.ToString("0.##", CultureInfo.InvariantCulture)} months of runway left",
                    null,
                    now,
                    forecast.RunsOutOn)
                {
                    Body = $"Available {Eur(forecast.Available)} EUR; average monthly disbursement over the last 12 months {Eur(forecast.AverageMonthlyDisbursement)} EUR; "
                        + $"at that pace the money runs out on {forecast.RunsOutOn:yyyy-MM-dd}. Warning threshold: {forecast.ThresholdMonths.ToString(CultureInfo.InvariantCulture)} months.\n",
                    Link = ConsoleLinks.FundBalance,
                },
                request.Aborted);
        }

        return ApiResult.Ok(ForecastDto.From(forecast));
    }

    public async Task<ApiResult> StatementAsync(ApiRequest request)
    {
        var id = request.RouteValue("id");
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var to = request.QueryDate("to") ?? today;
        var from = request.QueryDate("from") ?? new DateOnly(to.Year, 1, 1);
        var format = request.Query("format") ?? "json";
        var errors = new FieldErrors();
        if (from < FundCommands.Earliest || from > to)
        {
            errors.Add("from", $"'from' must be from {FundCommands.Earliest:yyyy-MM-dd} and not after 'to'.");
        }

        if (to > DateOnly.MaxValue.AddDays(-1))
        {
            errors.Add("to", "'to' is out of range.");
        }

        if (format is not ("json" or "csv" or "xlsx"))
        {
            errors.Add("format", "'format' is json, csv or xlsx.");
        }

        errors.ThrowIfAny();
        var donor = await FindDonorAsync(id, request);
        var postings = await ledger.DonorPostingsAsync(donor.Id, request.Aborted);
        var atEnd = await ledger.BalanceAsync(to, request.Aborted);
        var statement = FundStatement.Build(donor, from, to, postings, atEnd.CashByEarmark);
        var name = $"statement-{donor.Id}-{from:yyyyMMdd}-{to:yyyyMMdd}";
        return format switch
        {
            "csv" => ApiResult.File(FundStatementWriter.Csv(statement), "text/csv; charset=utf-8", null, name + ".csv"),
            "xlsx" => ApiResult.File(FundStatementWriter.Xlsx(statement), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", null, name + ".xlsx"),
            _ => ApiResult.Ok(StatementDto.Of(statement)),
        };
    }

    /// <summary>A registered donor, or a State of the register (a State gives without being entered as a donor).</summary>
    private async Task<FundDonor> FindDonorAsync(string id, ApiRequest request)
    {
        if (await register.FindDonorAsync(id, request.Aborted) is { } donor)
        {
            return donor;
        }

        if (IsoCodes.IsCountry(id) && await states.FindAsync(id, request.Aborted) is { } state)
        {
            return new FundDonor(id, state.Name, DonorKind.State, id);
        }

        throw new NotFoundException("There is no donor with this id.");
    }

    private static string Eur(long minor) => Money.EuroMajor(minor).ToString("0.00", CultureInfo.InvariantCulture);
}
