using LastClick.Publishers;
using LastClick.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastClick.Pages.Publisher;

/// <summary>
/// The publisher's overview: the last 30 days of clicks, orders and commission by status (day report), its top links,
/// sub ids, countries and devices (reports, with CSV), and where its applications stand.
/// </summary>
public sealed class OverviewModel(Platform platform, Microsoft.Extensions.Localization.IStringLocalizer<Text> text) : PageModel
{
    public const int Days = 30;

    public Series Series { get; private set; } = null!;
    public IReadOnlyList<ApplicationView> Applications { get; private set; } = [];
    public IReadOnlyList<TopReport> Tops { get; private set; } = [];

    public void OnGet(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        var zone = Zone(me);
        Series = Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, zone);
        Applications = platform.Applications.For(me);
        var mine = new Dictionary<LastClick.Reports.Dimension, string> { [LastClick.Reports.Dimension.Publisher] = me };
        Tops = [.. new[] { ("link", "Top links"), ("sub1", "Top sub1"), ("country", "Countries"), ("device", "Devices") }
            .Select(t => TopReport.Of(platform, text[t.Item2], t.Item1, "/p/reports", mine, zone, Series.Currency))];
    }

    public IActionResult OnGetSeries(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        return new JsonResult(Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, Zone(me)));
    }

    /// <summary>The publisher's days are its own time zone's (profile; UTC when none is set).</summary>
    private TimeZoneInfo Zone(string publisherId) => platform.Applications.Find(publisherId)?.Profile?.Zone() ?? TimeZoneInfo.Utc;
}
