using System.Globalization;
using System.Text;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>
/// The publisher's commissions with status, reason and sub1, filtered by status, program and UTC days, as a page or as
/// CSV (every matching row, up to <see cref="CsvLimit"/>); each opens with its rate trace.
/// </summary>
public sealed class CommissionsModel(Platform platform) : PageModel
{
    public const int PageSize = 50;
    public const int CsvLimit = 100_000;
    public const string DetailBase = "/p/commissions";

    public IReadOnlyList<CommissionRow> Rows { get; private set; } = [];
    public IReadOnlyList<LastClick.Programs.ProgramDefinition> Programs { get; private set; } = [];
    public string? Status { get; private set; }
    public string? Program { get; private set; }
    public DateOnly? From { get; private set; }
    public DateOnly? To { get; private set; }
    public int Offset { get; private set; }

    /// <summary>The filters as a query string, for paging and the CSV link.</summary>
    public string Query => string.Join("&amp;", new[] { ("status", Status), ("program", Program),
            ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) }
        .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    public IActionResult OnGet(string? status, string? program, string? from, string? to, string? format, int offset = 0)
    {
        Status = string.IsNullOrEmpty(status) ? null : status;
        Program = string.IsNullOrEmpty(program) ? null : program;
        if (Status is not null && !Dashboard.Statuses.Contains(Status)) return BadRequest();
        if (!Day(from, out var f) || !Day(to, out var t)) return BadRequest();
        (From, To) = (f, t);
        Offset = Math.Max(0, offset);
        Programs = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal)];
        var fromAt = From is { } a ? new DateTimeOffset(a.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var toAt = To is { } b ? new DateTimeOffset(b.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var publisher = WebSetup.PublisherOf(User);
        if (format == "csv")
        {
            var all = Dashboard.Commissions(platform.Store, publisher, Program, Status, null, CsvLimit, 0, from: fromAt, to: toAt);
            return File(Encoding.UTF8.GetBytes(Csv(all)), "text/csv; charset=utf-8", "commissions.csv");
        }
        Rows = Dashboard.Commissions(platform.Store, publisher, Program, Status, null, PageSize, Offset, from: fromAt, to: toAt);
        return Page();
    }

    private static bool Day(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) || d.Year is < 2000 or > 2099) return false;
        day = d;
        return true;
    }

    /// <summary>The CSV keeps codes and invariant numbers (for spreadsheets and scripts), as the API's CSV does.</summary>
    private static string Csv(IReadOnlyList<CommissionRow> rows)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvHelper.CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            foreach (var h in new[] { "order_id", "at", "program", "status", "reason", "sub1", "country", "sale", "sale_currency", "commission", "currency" }) csv.WriteField(h);
            csv.NextRecord();
            foreach (var r in rows)
            {
                csv.WriteField(r.OrderId);
                csv.WriteField(Common.Times.Format(r.At));
                csv.WriteField(r.Program);
                csv.WriteField(r.Status);
                csv.WriteField(r.Reason ?? "");
                csv.WriteField(r.Sub1 ?? "");
                csv.WriteField(r.Country ?? "");
                csv.WriteField(r.Sales.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(r.SaleCurrency);
                csv.WriteField(r.Commission.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(r.Currency);
                csv.NextRecord();
            }
        }
        return writer.ToString();
    }
}
