using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>
/// Program-wide charts for the operator's team from the reports (rollups): clicks, orders, commission by status,
/// approval rate (C4) of the 30 days, top publishers, countries, devices and traffic sources with CSV.
/// </summary>
public sealed class OperatorOverviewModel(Platform platform, Microsoft.Extensions.Localization.IStringLocalizer<Text> text) : PageModel
{
    public Series Series { get; private set; } = null!;
    public string Program { get; private set; } = "";
    public IReadOnlyList<string> Programs { get; private set; } = [];
    public IReadOnlyDictionary<string, string> ProgramNames { get; private set; } = new Dictionary<string, string>();
    public decimal? Approval { get; private set; }
    public long Pending { get; private set; }
    public IReadOnlyList<TopReport> Tops { get; private set; } = [];

    public IActionResult OnGet(string? program, string? currency)
    {
        Programs = [.. platform.Programs.All.Select(p => p.Id).Order(StringComparer.Ordinal)];
        ProgramNames = platform.Programs.All.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        Program = program is not null && Programs.Contains(program) ? program : Busiest() ?? Programs[0];
        Series = Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), 30, null, Program, currency);
        Pending = platform.Applications.Pending();
        var ofProgram = new Dictionary<LastClick.Reports.Dimension, string> { [LastClick.Reports.Dimension.Program] = Program };
        Tops = [.. new[] { ("publisher", "Top publishers"), ("country", "Countries"), ("device", "Devices"), ("source", "Traffic sources") }
            .Select(t => TopReport.Of(platform, text[t.Item2], t.Item1, "/o/reports", ofProgram, TimeZoneInfo.Utc, Series.Currency).Named(platform, null))];
        Approval = Tops[0].Result.Totals.ApprovalRate is { } rate ? rate / 100m : null;
        return Page();
    }

    /// <summary>The program with the most clicks in the last 30 days (the first screen opens on one with data), or null.</summary>
    private string? Busiest()
    {
        var today = LastClick.Reports.Reports.Today(platform.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        var byProgram = LastClick.Reports.Reports.Run(platform.Store, new LastClick.Reports.ReportQuery(
            "program", today.AddDays(-29), today, TimeZoneInfo.Utc, new Dictionary<LastClick.Reports.Dimension, string>(), null, "-clicks", 1, 0));
        return byProgram.Rows is [{ Clicks: > 0 } top, ..] && Programs.Contains(top.Key) ? top.Key : null;
    }

    public IActionResult OnGetSeries(string? program, string? currency)
    {
        var id = platform.Programs.All.Any(p => p.Id == program) ? program : null;
        return new JsonResult(Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), 30, null, id, currency));
    }
}
