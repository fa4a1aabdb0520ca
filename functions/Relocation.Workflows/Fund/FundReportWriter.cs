using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using CsvHelper;
using Relocation.Domain.Fund;

namespace Relocation.Workflows.Fund;

/// <summary>
/// Writes a <see cref="FundReport"/> as CSV (one long table: section, subject, measure, EUR — easy to pivot and to
/// check) and as a workbook with one sheet per section. Amounts are EUR in major units with two decimals.
/// </summary>
public static class FundReportWriter
{
    public static byte[] Csv(FundReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, CsvWriterOptions.Default, leaveOpen: true))
        {
            csv.WriteRecord(["section", "subject", "measure", "eur"]);
            foreach (var line in Lines(report))
            {
                csv.WriteRecord([line.Section, line.Subject, line.Measure, line.Eur.ToString("0.00", CultureInfo.InvariantCulture)]);
            }

            csv.Flush();
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Xlsx(FundReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var workbook = new XLWorkbook();
        var b = report.Balance;
        var summary = workbook.Worksheets.Add("Summary");
        summary.Cell(1, 1).Value = "Measure";
        summary.Cell(1, 2).Value = "EUR";
        var row = 2;
        foreach (var (measure, value) in Summary(b))
        {
            summary.Cell(row, 1).Value = measure;
            summary.Cell(row, 2).Value = Eur(value);
            row++;
        }

        summary.Cell(row + 1, 1).Value = "As of";
        summary.Cell(row + 1, 2).Value = report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        summary.Cell(row + 2, 1).Value = "Generated at (UTC)";
        summary.Cell(row + 2, 2).Value = report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

        Sheet(workbook, "Donors", ["State", "Pledged", "Received", "Outstanding", "Exchange gain/loss", "Written off"],
            b.ByDonor.Select(d => new object?[] { d.StateCode, Eur(d.Pledged), Eur(d.Received), Eur(d.Outstanding), Eur(d.ExchangeGainLoss), Eur(d.WrittenOff) }));
        Sheet(workbook, "Years", ["Year", "Pledged", "Received", "Committed", "Released", "Disbursed"],
            b.ByYear.Select(y => new object?[] { y.Year, Eur(y.Pledged), Eur(y.Received), Eur(y.Committed), Eur(y.Released), Eur(y.Disbursed) }));
        // A relocation is named by its funding reference only: never a pseudonym, and no receiving State next to a case.
        Sheet(workbook, "Relocations", ["Funding reference", "Committed", "Released", "Disbursed", "Open"],
            report.Relocations.Select(r => new object?[] { r.RelocationId, Eur(r.Committed), Eur(r.Released), Eur(r.Disbursed), Eur(r.Open) }));

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>The summary measures, in the order both files show them.</summary>
    public static IEnumerable<(string Measure, long EurMinor)> Summary(FundBalance balance)
    {
        ArgumentNullException.ThrowIfNull(balance);
        yield return ("cash", balance.Cash);
        yield return ("committed", balance.Committed);
        yield return ("available", balance.Available);
        yield return ("pledgedOutstanding", balance.PledgedOutstanding);
        yield return ("disbursed", balance.Disbursed);

        // IPSAS 23: exchange differences and write-offs are shown apart from contributions.
        yield return ("exchangeGainLoss", balance.ExchangeGainLoss);
        yield return ("unrealisedExchangeGainLoss", balance.UnrealisedExchange);
        yield return ("writtenOff", balance.WrittenOff);
        yield return ("programmeSupportCost", balance.ProgrammeSupportCost);
    }

    private static IEnumerable<ReportLine> Lines(FundReport report)
    {
        var b = report.Balance;
        foreach (var (measure, value) in Summary(b))
        {
            yield return new ReportLine("Summary", string.Empty, measure, Eur(value));
        }

        foreach (var d in b.ByDonor)
        {
            yield return new ReportLine("Donor", d.StateCode, "pledged", Eur(d.Pledged));
            yield return new ReportLine("Donor", d.StateCode, "received", Eur(d.Received));
            yield return new ReportLine("Donor", d.StateCode, "outstanding", Eur(d.Outstanding));
            yield return new ReportLine("Donor", d.StateCode, "exchangeGainLoss", Eur(d.ExchangeGainLoss));
            yield return new ReportLine("Donor", d.StateCode, "writtenOff", Eur(d.WrittenOff));
        }

        foreach (var y in b.ByYear)
        {
            var year = y.Year.ToString(CultureInfo.InvariantCulture);
            yield return new ReportLine("Year", year, "pledged", Eur(y.Pledged));
            yield return new ReportLine("Year", year, "received", Eur(y.Received));
            yield return new ReportLine("Year", year, "committed", Eur(y.Committed));
            yield return new ReportLine("Year", year, "released", Eur(y.Released));
            yield return new ReportLine("Year", year, "disbursed", Eur(y.Disbursed));
        }

        foreach (var r in report.Relocations)
        {
            yield return new ReportLine("Relocation", r.RelocationId, "committed", Eur(r.Committed));
            yield return new ReportLine("Relocation", r.RelocationId, "released", Eur(r.Released));
            yield return new ReportLine("Relocation", r.RelocationId, "disbursed", Eur(r.Disbursed));
        }
    }

    private static void Sheet(XLWorkbook workbook, string name, string[] headers, IEnumerable<object?[]> rows)
    {
        var sheet = workbook.Worksheets.Add(name);
        for (var c = 0; c < headers.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = headers[c];
        }

        var r = 2;
        foreach (var values in rows)
        {
            for (var c = 0; c < values.Length; c++)
            {
                sheet.Cell(r, c + 1).Value = values[c] switch
                {
                    null => string.Empty,
                    decimal d => d,
                    int i => i,
                    var other => other.ToString(),
                };
            }

            r++;
        }
    }

    private static decimal Eur(long minor) => Money.EuroMajor(minor);

    private sealed record ReportLine(string Section, string Subject, string Measure, decimal Eur);
}
