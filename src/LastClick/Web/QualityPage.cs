using System.Globalization;
using LastClick.Common;
using LastClick.Reports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LastClick.Web;

/// <summary>What the quality page shows (the publisher's and the operator's): the report of the query string, or its problem.</summary>
public sealed class QualityView
{
    public required string Path { get; init; }
    public required string Dimension { get; init; }
    public required IReadOnlyList<string> Dimensions { get; init; }
    public required IReadOnlyList<(string Id, string Name)> Programs { get; init; }
    public required bool Operator { get; init; }
    public required IReadOnlyDictionary<string, string> Query { get; init; }
    public QualityResult? Result { get; init; }
    public Problem? Problem { get; init; }
    public IReadOnlyDictionary<string, string>? Names { get; init; }

    public string? this[string name] => Query.GetValueOrDefault(name);

    /// <summary>This page with <paramref name="name"/> set to <paramref name="value"/> (null removes it).</summary>
    public string With(string name, string? value, string? handler = null) => ReportView.With(Path, Query, Dimension, name, value, handler);

    /// <summary>The chart's bars: commission per 100 of sales of the first fifteen rows (by category: what pays after refunds).</summary>
    public string Bars(Func<string, string> label) => System.Text.Json.JsonSerializer.Serialize(
        (Result?.Rows ?? []).Where(r => r.PaysPer100 is not null).Take(15).Select(r => new { label = label(r.Key), value = r.PaysPer100 }));

    public static (QualityView View, IActionResult? Csv) Load(HttpRequest request, Platform platform, string path, string? publisherId, bool csv)
    {
        var query = ReportView.ReportQuery(request);
        var dimension = request.Query["dimension"].FirstOrDefault() is { Length: > 0 } d ? d : "category";
        var operatorScope = publisherId is null;
        QualityResult? result = null;
        Problem? problem = null;
        try
        {
            var parsed = QualityReport.Parse(dimension, query.Keys, query.GetValueOrDefault, publisherId, operatorScope, platform.Clock.GetUtcNow(), csv);
            if (parsed.ProgramId is { } program) platform.Programs.Get(program, "program");
            result = QualityReport.Run(platform.Store, parsed);
        }
        catch (ProblemException e)
        {
            problem = e.Problem;
        }
        var view = new QualityView
        {
            Path = path, Dimension = dimension, Operator = operatorScope, Query = query, Result = result, Problem = problem,
            Dimensions = operatorScope ? QualityReport.OperatorDimensions : QualityReport.PublisherDimensions,
            Programs = [.. platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (p.Id, p.Name))],
            Names = result?.Dimension == "publisher" ? ReportView.PublisherNames(platform, result.Rows.Select(r => r.Key)) : null,
        };
        if (!csv) return (view, null);
        if (result is null) return (view, new BadRequestObjectResult(problem));
        return (view, ReportView.CsvFile(Server.LastClickServer.QualityCsv(result), Server.LastClickServer.QualityFileName(result)));
    }
}

/// <summary>The quality page (`/p/quality`, `/o/quality`): the report of the query string, or its CSV (handler csv).</summary>
public abstract class QualityPageModel(Platform platform) : Microsoft.AspNetCore.Mvc.RazorPages.PageModel
{
    public QualityView Quality { get; private set; } = null!;

    /// <summary>The page's path and whose orders (a publisher's, or null for every publisher).</summary>
    protected abstract (string Path, string? PublisherId) Scope();

    public IActionResult OnGet() => Load(csv: false);

    public IActionResult OnGetCsv() => Load(csv: true);

    private IActionResult Load(bool csv)
    {
        var (path, publisherId) = Scope();
        (Quality, var download) = QualityView.Load(Request, platform, path, publisherId, csv);
        if (download is not null) return download;
        if (Quality.Problem is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
