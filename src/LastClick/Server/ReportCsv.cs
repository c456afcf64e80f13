using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Reports;

namespace LastClick.Server;

/// <summary>A report as CSV (API and dashboard): the dimension's column, every metric of the JSON, the currency; the totals row last.</summary>
public static class ReportCsv
{
    /// <summary>The download's name: lastclick-{dimension}-{first day}-{last day}.csv.</summary>
    public static string FileName(ReportResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"lastclick-{result.Dimension}-{result.Start:yyyy-MM-dd}-{result.End:yyyy-MM-dd}.csv");

    public static string Write(ReportResult result)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        // Sub ids are the publisher's own text: a leading = + - @ is escaped so a spreadsheet never runs it as a formula.
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape }))
        {
            csv.WriteField(result.Dimension);
            foreach (var metric in Reports.Reports.Metrics) csv.WriteField(metric);
            csv.WriteField("currency");
            csv.NextRecord();
            foreach (var row in result.Rows.Append(result.Totals))
            {
                csv.WriteField(row.Key);
                foreach (var metric in Reports.Reports.Metrics) csv.WriteField(Reports.Reports.Value(row, metric) is IFormattable v ? v.ToString(null, CultureInfo.InvariantCulture) : "");
                csv.WriteField(result.Currency ?? "");
                csv.NextRecord();
            }
        }
        return writer.ToString();
    }
}
