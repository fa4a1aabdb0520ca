using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Relocation.Domain.Fund;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// <b>FundRegister</b>: <c>(rates, {yyyy-MM})</c> a month's rates as JSON (decimal strings, so no rate is rounded through
/// a double); <c>(donor, {id})</c> a donor. Every read is a point read.
/// </summary>
internal sealed class TableFundRegister(StorageClients clients) : IFundRegister
{
    public const string Table = "FundRegister";
    private const string RatesPartition = "rates";
    private const string DonorPartition = "donor";

    private readonly TableClient _table = clients.Table(Table);

    public async Task SaveRatesAsync(FundRates rates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var text = JsonSerializer.Serialize(rates.Rates.ToDictionary(r => r.Key, r => r.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal));
        await _table.UpsertEntityAsync(new TableEntity(RatesPartition, rates.Month) { ["Rates"] = text }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<FundRates?> FindRatesAsync(string month, CancellationToken cancellationToken)
    {
        var row = await _table.FindAsync<TableEntity>(RatesPartition, month, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var rates = JsonSerializer.Deserialize<Dictionary<string, string>>(row.GetString("Rates"))!;
        return new FundRates(month, new SortedDictionary<string, decimal>(
            rates.ToDictionary(r => r.Key, r => decimal.Parse(r.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal), StringComparer.Ordinal));
    }

    public async Task<bool> SaveDonorAsync(FundDonor donor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(donor);
        var existed = await _table.FindAsync<TableEntity>(DonorPartition, donor.Id, cancellationToken) is not null;
        await _table.UpsertEntityAsync(
            new TableEntity(DonorPartition, donor.Id) { ["Name"] = donor.Name, ["Kind"] = donor.Kind.ToString(), ["Country"] = donor.Country },
            TableUpdateMode.Replace,
            cancellationToken);
        return !existed;
    }

    public async Task<FundDonor?> FindDonorAsync(string id, CancellationToken cancellationToken)
    {
        if (!FundDonorIds.IsValid(id))
        {
            return null;
        }

        var row = await _table.FindAsync<TableEntity>(DonorPartition, id, cancellationToken);
        return row is null ? null : new FundDonor(id, row.GetString("Name"), Enum.Parse<DonorKind>(row.GetString("Kind")), row.GetString("Country"));
    }
}
