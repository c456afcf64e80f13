using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>Program-wide charts for the operator's team: clicks, orders, commission by status, approval rate.</summary>
public sealed class OperatorOverviewModel(Platform platform) : PageModel
{
    public Series Series { get; private set; } = null!;
    public string Program { get; private set; } = "";
    public IReadOnlyList<string> Programs { get; private set; } = [];
    public decimal? Approval { get; private set; }
    public long Pending { get; private set; }

    public IActionResult OnGet(string? program, string? currency)
    {
        Programs = [.. platform.Programs.All.Select(p => p.Id).Order(StringComparer.Ordinal)];
        Program = program is not null && Programs.Contains(program) ? program : Programs[0];
        Series = Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), 30, null, Program, currency);
        Approval = platform.Ledger.ApprovalRates(Program).Single(a => a.Publisher is null).Rate;
        Pending = platform.Applications.Pending();
        return Page();
    }

    public IActionResult OnGetSeries(string? program, string? currency)
    {
        var id = platform.Programs.All.Any(p => p.Id == program) ? program : null;
        return new JsonResult(Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), 30, null, id, currency));
    }
}
