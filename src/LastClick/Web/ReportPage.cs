using System.Globalization;
using LastClick.Common;
using LastClick.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LastClick.Web;

/// <summary>
/// What the reports page shows (publisher's and operator's): the report asked for in the query string (the API's
/// parameters), or the problem with it; links keep every parameter but the one they change.
/// </summary>
public sealed class ReportView
{
    public required string Path { get; init; }
    public required string Dimension { get; init; }
    public required IReadOnlyList<string> Dimensions { get; init; }
    public required IReadOnlyList<string> Programs { get; init; }
    public required bool Operator { get; init; }
    public required IReadOnlyDictionary<string, string> Query { get; init; }
    public ReportResult? Result { get; init; }
    public Problem? Problem { get; init; }

    /// <summary>The order the rows are in: the query's order_by, else the page's default.</summary>
    public string? Order { get; init; }

    public string? this[string name] => Query.GetValueOrDefault(name);

    /// <summary>The rows' keys by name where they have one (links, publishers); the key shows where none.</summary>
    public IReadOnlyDictionary<string, string>? Names { get; init; }

    /// <summary>Publishers' contact names by id.</summary>
    public static IReadOnlyDictionary<string, string> PublisherNames(Platform platform, IEnumerable<string> ids) =>
        ids.Distinct(StringComparer.Ordinal).Select(id => (id, name: platform.Applications.Find(id)?.Profile?.ContactName))
            .Where(p => p.name is { Length: > 0 }).ToDictionary(p => p.id, p => p.name!, StringComparer.Ordinal);

    /// <summary>This page's address with <paramref name="name"/> set to <paramref name="value"/> (null removes it).</summary>
    public string With(string name, string? value, string? handler = null) => With(Path, Query, Dimension, name, value, handler);

    /// <summary>
    /// A report page's address (<paramref name="path"/>) with its <paramref name="query"/> and dimension, <paramref name="name"/>
    /// set to <paramref name="value"/> (null removes it), paging reset unless it is what changes.
    /// </summary>
    internal static string With(string path, IReadOnlyDictionary<string, string> query, string dimension, string name, string? value, string? handler)
    {
        var changed = new Dictionary<string, string?>(query.ToDictionary(kv => kv.Key, kv => (string?)kv.Value), StringComparer.Ordinal)
        {
            ["dimension"] = dimension, [name] = value,
        };
        if (name != "offset") changed.Remove("offset");
        if (handler is not null) changed["handler"] = handler;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, changed.Where(kv => !string.IsNullOrEmpty(kv.Value)));
    }

    /// <summary>Sorting by a column: descending first, ascending when it already is.</summary>
    public string SortBy(string column) => With("order_by", Order == "-" + column ? column : "-" + column);

    /// <summary>A cell in the reader's culture (the page's; the CSV stays invariant).</summary>
    public static string Number(object? value) => value switch
    {
        null => "–",
        decimal d => d.ToString("#,0.00##", CultureInfo.CurrentCulture),
        long l => l.ToString("#,0", CultureInfo.CurrentCulture),
        _ => Convert.ToString(value, CultureInfo.CurrentCulture) ?? "",
    };

    private static readonly HashSet<string> PageParameters = new(StringComparer.Ordinal) { "dimension", "handler" };

    /// <summary>A report page's query string as the report reads it: each parameter's first value, empty ones and the page's own (dimension, handler) left out.</summary>
    internal static Dictionary<string, string> ReportQuery(HttpRequest request) =>
        request.Query.Where(q => q.Value.Count > 0 && !string.IsNullOrEmpty(q.Value[0]) && !PageParameters.Contains(q.Key))
            .ToDictionary(q => q.Key, q => q.Value[0]!, StringComparer.Ordinal);

    /// <summary>A report page's download: the CSV text as UTF-8, under its file name.</summary>
    internal static FileContentResult CsvFile(string csv, string name) =>
        new(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8") { FileDownloadName = name };

    /// <summary>Runs the report of the request (or keeps its problem); a CSV download when <paramref name="csv"/>.</summary>
    public static (ReportView View, IActionResult? Csv) Load(HttpRequest request, Platform platform, string path, string? publisherId, TimeZoneInfo zone, bool csv)
    {
        var query = ReportQuery(request);
        var dimension = request.Query["dimension"].FirstOrDefault() is { Length: > 0 } d ? d : "day";
        // A person reads the latest days first (the API keeps its documented oldest-first default); the CSV keeps time order.
        var defaultOrder = !csv && Reports.Reports.TimeDimensions.Contains(dimension) ? "-" + dimension : null;
        var dimensions = ReportRequest.Dimensions(publisherId is null);
        var programs = platform.Programs.All.Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        ReportResult? result = null;
        Problem? problem = null;
        try
        {
            var parsed = ReportRequest.Parse(dimension, query.Keys,
                name => query.GetValueOrDefault(name) ?? (name == "order_by" ? defaultOrder : null), publisherId, zone, platform.Clock.GetUtcNow(), csv);
            result = Reports.Reports.Run(platform.Store, parsed);
        }
        catch (ProblemException e)
        {
            problem = e.Problem;
        }
        var view = new ReportView
        {
            Path = path, Dimension = dimension, Dimensions = dimensions, Programs = programs, Operator = publisherId is null,
            Query = query, Result = result, Problem = problem, Order = query.GetValueOrDefault("order_by") ?? defaultOrder,
            Names = result?.Dimension switch
            {
                "link" when publisherId is not null => platform.Links.Names(publisherId, [.. result.Rows.Select(r => r.Key)]),
                "publisher" => PublisherNames(platform, result.Rows.Select(r => r.Key)),
                _ => null,
            },
        };
        if (!csv) return (view, null);
        if (result is null) return (view, new BadRequestObjectResult(problem));
        return (view, CsvFile(Server.ReportCsv.Write(result), Server.ReportCsv.FileName(result)));
    }
}

/// <summary>
/// A short table of a report on an overview (the first rows by clicks), linking to the full report and its CSV; rows
/// of links and publishers show their names (<see cref="Names"/>) and link to their pages (<see cref="Href"/>).
/// </summary>
public sealed record TopReport(string Title, ReportResult Result, string More, string Csv)
{
    public IReadOnlyDictionary<string, string>? Names { get; init; }

    public string? Href { get; init; }

    /// <summary>This table with its keys named: a publisher's links by their names, publishers by their contact names.</summary>
    public TopReport Named(Platform platform, string? publisherId) => Result.Dimension switch
    {
        "link" when publisherId is not null => this with { Names = platform.Links.Names(publisherId, [.. Result.Rows.Select(r => r.Key)]), Href = "/p/links/" },
        "publisher" => this with { Names = ReportView.PublisherNames(platform, Result.Rows.Select(r => r.Key)), Href = "/o/publishers/" },
        _ => this,
    };

    /// <summary>The top rows of <paramref name="dimension"/> over the last 30 local days, for a publisher or a program.</summary>
    public static TopReport Of(Platform platform, string title, string dimension, string path, Dictionary<Dimension, string> filters, TimeZoneInfo zone,
        string? currency, int rows = 5)
    {
        var today = Reports.Reports.Today(platform.Clock.GetUtcNow(), zone);
        var start = today.AddDays(-29);
        var result = Reports.Reports.Run(platform.Store, new ReportQuery(dimension, start, today, zone, filters, currency, "-clicks", rows, 0));
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["dimension"] = dimension, ["date_start"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["date_end"] = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["currency"] = result.Currency,
            ["program"] = filters.GetValueOrDefault(Dimension.Program),
        };
        var more = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(path, query.Where(kv => kv.Value is not null));
        return new TopReport(title, result, more, more + "&handler=csv");
    }
}

/// <summary>The reports page (`/p/reports`, `/o/reports`): the report of the query string, or its CSV (handler csv).</summary>
public abstract class ReportPageModel(Platform platform) : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    public ReportView Report { get; private set; } = null!;

    /// <summary>The page's path, whose reports (a publisher's, or null for every publisher) and in which time zone.</summary>
    protected abstract (string Path, string? PublisherId, TimeZoneInfo Zone) Scope(Platform platform);

    public IActionResult OnGet() => Load(csv: false);

    public IActionResult OnGetCsv() => Load(csv: true);

    private IActionResult Load(bool csv)
    {
        var (path, publisherId, zone) = Scope(platform);
        (Report, var download) = ReportView.Load(Request, platform, path, publisherId, zone, csv);
        if (download is not null) return download;
        if (Report.Problem is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
