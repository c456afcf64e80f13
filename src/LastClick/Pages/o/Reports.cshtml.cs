using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Operators;

/// <summary>The program's statistics over every publisher (H1, C4), by any dimension and by publisher, in UTC days, with CSV download.</summary>
public sealed class ProgramReportsModel(Platform platform) : PageModel
{
    public ReportView Report { get; private set; } = null!;

    public IActionResult OnGet() => Load(csv: false);

    public IActionResult OnGetCsv() => Load(csv: true);

    private IActionResult Load(bool csv)
    {
        (Report, var download) = ReportView.Load(Request, platform, "/o/reports", null, TimeZoneInfo.Utc, csv);
        if (download is not null) return download;
        if (Report.Problem is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
