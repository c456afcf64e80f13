using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's statistics (H1) by any dimension, in its time zone, with CSV download: the API's report on a page.</summary>
public sealed class PublisherReportsModel(Platform platform) : PageModel
{
    public ReportView Report { get; private set; } = null!;

    public IActionResult OnGet() => Load(csv: false);

    public IActionResult OnGetCsv() => Load(csv: true);

    private IActionResult Load(bool csv)
    {
        var me = WebSetup.PublisherOf(User);
        var zone = platform.Applications.Find(me)?.Profile?.Zone() ?? TimeZoneInfo.Utc;
        (Report, var download) = ReportView.Load(Request, platform, "/p/reports", me, zone, csv);
        if (download is not null) return download;
        if (Report.Problem is not null) Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
