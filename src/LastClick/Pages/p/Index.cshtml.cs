using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's overview: the last 30 days of clicks, orders and commission by status, and where its applications stand.</summary>
public sealed class OverviewModel(Platform platform) : PageModel
{
    public const int Days = 30;

    public Series Series { get; private set; } = null!;
    public IReadOnlyList<ApplicationView> Applications { get; private set; } = [];

    public void OnGet(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        Series = Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, Zone(me));
        Applications = platform.Applications.For(me);
    }

    public IActionResult OnGetSeries(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        return new JsonResult(Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, Zone(me)));
    }

    /// <summary>The publisher's days are its own time zone's (profile; UTC when none is set).</summary>
    private TimeZoneInfo Zone(string publisherId) => platform.Applications.Find(publisherId)?.Profile?.Zone() ?? TimeZoneInfo.Utc;
}
