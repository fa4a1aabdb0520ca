using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using Relocation.Domain.Fund;

namespace Relocation.Workflows.Fund;

/// <summary>
/// A donor statement as CSV (one long table: section, date, item, reference, currency, amount, eur) and as a workbook
/// (Summary, Lines, Pledges, Earmarks). The same figures as the JSON answer; EUR in major units with two decimals.
/// </summary>
public static class FundStatementWriter
{
    private static readonly string[] CsvHeader = ["section", "date", "item", "reference", "currency", "amount", "eur"];

    /// <summary>The summary measures in order; they reconcile: opening + pledged − received against pledges + exchange − written off = closing.</summary>
    public static IEnumerable<(string Measure, long EurMinor)> Summary(FundStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        yield return ("openingOutstanding", statement.OpeningOutstanding);
        yield return ("pledged", statement.Pledged);
        yield return ("received", statement.Received);
        yield return ("receivedUnpledged", statement.ReceivedUnpledged);
        yield return ("exchangeGainLoss", statement.ExchangeGainLoss);
        yield return ("unrealisedExchangeGainLoss", statement.UnrealisedExchange);
        yield return ("writtenOff", statement.WrittenOff);
        yield return ("closingOutstanding", statement.ClosingOutstanding);
    }

    public static byte[] Csv(FundStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvWriterOptions.Default, leaveOpen: true))
        {
            csv.WriteRecord(CsvHeader);
            foreach (var (measure, value) in Summary(statement))
            {
                csv.WriteRecord(["Summary", string.Empty, measure, string.Empty, "EUR", string.Empty, Eur(value)]);
            }

            foreach (var l in statement.Lines)
            {
                csv.WriteRecord(["Line", Date(l.Date), l.Kind, l.Reference ?? string.Empty, l.Amount?.Currency ?? string.Empty, Major(l.Amount), Eur(l.EurMinor)]);
            }

            foreach (var p in statement.Pledges)
            {
                csv.WriteRecord(["Pledge", Date(p.Date), p.PledgeId, p.DueDate is { } due ? "due " + Date(due) : string.Empty, p.Amount?.Currency ?? string.Empty,
                    Major(p.Amount is { } a ? a with { Minor = p.OutstandingAmount } : null), Eur(p.OutstandingEur)]);
            }

            foreach (var e in statement.Earmarks)
            {
                csv.WriteRecord(["Earmark", string.Empty, e.Earmark, "received", "EUR", string.Empty, Eur(e.Received)]);
            }

            csv.Flush();
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Xlsx(FundStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        using var workbook = new XLWorkbook();
        var summary = workbook.Worksheets.Add("Summary");
        summary.Cell(1, 1).Value = "Measure";
        summary.Cell(1, 2).Value = "EUR";
        var row = 2;
        foreach (var (measure, value) in Summary(statement))
        {
            summary.Cell(row, 1).Value = measure;
            summary.Cell(row, 2).Value = Money.EuroMajor(value);
            row++;
        }

        summary.Cell(row + 1, 1).Value = "Donor";
        summary.Cell(row + 1, 2).Value = statement.Donor.Name;
        summary.Cell(row + 2, 1).Value = "Period";
        summary.Cell(row + 2, 2).Value = $"{Date(statement.From)} to {Date(statement.To)}";

        var lines = workbook.Worksheets.Add("Lines");
        Row(lines, 1, "Date", "Item", "Reference", "Currency", "Amount", "EUR", "Exchange gain/loss");
        row = 2;
        foreach (var l in statement.Lines)
        {
            Row(lines, row++, Date(l.Date), l.Kind, l.Reference ?? string.Empty, l.Amount?.Currency ?? string.Empty, l.Amount?.Major, Money.EuroMajor(l.EurMinor), Money.EuroMajor(l.ExchangeGainLoss));
        }

        var pledges = workbook.Worksheets.Add("Pledges");
        Row(pledges, 1, "Pledge", "Date", "Due", "Currency", "Amount", "Received", "Written off", "Outstanding", "Outstanding EUR");
        row = 2;
        foreach (var p in statement.Pledges)
        {
            var digits = p.Amount is { } a ? a : Money.Euro(0);
            Row(pledges, row++, p.PledgeId, Date(p.Date), p.DueDate is { } due ? Date(due) : string.Empty, digits.Currency, p.Amount?.Major,
                (digits with { Minor = p.ReceivedAmount }).Major, (digits with { Minor = p.WrittenOffAmount }).Major, (digits with { Minor = p.OutstandingAmount }).Major, Money.EuroMajor(p.OutstandingEur));
        }

        var earmarks = workbook.Worksheets.Add("Earmarks");
        Row(earmarks, 1, "Earmark", "Received EUR", "Fund cash left in the earmark EUR");
        row = 2;
        foreach (var e in statement.Earmarks)
        {
            Row(earmarks, row++, e.Earmark, Money.EuroMajor(e.Received), Money.EuroMajor(e.FundCashRemaining));
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    private static void Row(IXLWorksheet sheet, int row, params object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            sheet.Cell(row, c + 1).Value = values[c] switch
            {
                null => string.Empty,
                decimal d => d,
                var other => other.ToString(),
            };
        }
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Eur(long minor) => Money.EuroMajor(minor).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Major(Money? money) =>
        money is { } m ? m.Major.ToString("F" + Currencies.DigitsOf(m.Currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : string.Empty;
}
