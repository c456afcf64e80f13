using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using LastClick.Common;
using LastClick.Tracking;

namespace LastClick.Server;

/// <summary>The CSV of bulk link creation (F1): a header row, then one link per row. Errors name the row and column.</summary>
public static class LinkCsv
{
    private static readonly string[] Delimiters = [",", ";", "\t"];
    private static readonly string[] Columns = ["program", "destination", "sub1", "sub2", "sub3", "sub4", "sub5", "name"];

    public static IReadOnlyList<LinkRequest> Parse(string text, string? defaultProgram, int maxRows)
    {
        // The delimiter is the header's (comma, semicolon or tab): a one-column file keeps commas inside its URLs.
        var headerLine = text[..(text.IndexOf('\n') is var end and >= 0 ? end : text.Length)];
        var delimiter = Delimiters.MaxBy(d => headerLine.Count(c => c == d[0])) is { } most && headerLine.Contains(most[0], StringComparison.Ordinal) ? most : "\t";
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter, TrimOptions = TrimOptions.Trim, IgnoreBlankLines = true,
            BadDataFound = context => throw ProblemException.Invalid($"rows[{context.Context.Parser!.Row - 2}]", $"malformed CSV at line {context.Context.Parser.Row}"),
        };
        using var reader = new StringReader(text);
        using var csv = new CsvReader(reader, configuration);
        if (!csv.Read() || !csv.ReadHeader()) throw ProblemException.Invalid("csv", "is empty: expected a header row (program, destination, sub1…sub5)");
        var header = csv.HeaderRecord!.Select(h => h.ToLowerInvariant()).ToArray();
        foreach (var column in header)
        {
            if (!Columns.Contains(column)) throw ProblemException.Invalid($"csv.{column}", $"unknown column (expected {string.Join(", ", Columns)})");
        }
        if (header.Distinct().Count() != header.Length) throw ProblemException.Invalid("csv", "a column is named twice in the header");
        if (!header.Contains("destination")) throw ProblemException.Invalid("csv.destination", "the header has no destination column");
        if (!header.Contains("program") && defaultProgram is null) throw ProblemException.Invalid("csv.program", "no program column and no ?program=");
        var rows = new List<LinkRequest>();
        while (csv.Read())
        {
            var i = rows.Count;
            if (i == maxRows) throw ProblemException.Invalid("csv", $"more than {maxRows} rows: split the file");
            // A row with more or fewer fields than the header is a quoting mistake (a URL with a comma), never guessed at.
            if (csv.Parser.Count != header.Length)
            {
                throw ProblemException.Invalid($"rows[{i}]", $"has {csv.Parser.Count} fields, the header has {header.Length} (quote values that contain '{delimiter}')");
            }
            string? Cell(string name)
            {
                var at = Array.IndexOf(header, name);
                return at < 0 || at >= csv.Parser.Count ? null : csv.Parser[at] is { Length: > 0 } value ? value : null;
            }
            var program = Cell("program") ?? defaultProgram ?? throw ProblemException.Invalid($"rows[{i}].program", "is required");
            var destination = Cell("destination") ?? throw ProblemException.Invalid($"rows[{i}].destination", "is required");
            rows.Add(new LinkRequest(program, destination, Cell("sub1"), Cell("sub2"), Cell("sub3"), Cell("sub4"), Cell("sub5")) { Name = Cell("name") });
        }
        if (rows.Count == 0) throw ProblemException.Invalid("csv", "has a header but no rows");
        return rows;
    }

    /// <summary>The created links as CSV, in the order of the request: code, tracking URL, program, destination, subs, name.</summary>
    public static string Write(IEnumerable<(Link Link, string TrackingUrl)> links)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        // Sub ids are the publisher's text: a leading = + - @ is escaped so a spreadsheet never runs it as a formula.
        using (var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var name in new[] { "code", "tracking_url", "program", "destination", "sub1", "sub2", "sub3", "sub4", "sub5", "name" }) csv.WriteField(name);
            csv.NextRecord();
            foreach (var (link, url) in links)
            {
                foreach (var value in new[] { link.Code, url, link.ProgramId, link.Destination, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5, link.Name })
                {
                    csv.WriteField(value);
                }
                csv.NextRecord();
            }
        }
        return writer.ToString();
    }
}
