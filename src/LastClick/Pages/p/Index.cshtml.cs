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
    public bool Member { get; private set; }
    public IReadOnlyDictionary<string, string> Programs => platform.Programs.All.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
    public bool HasLink { get; private set; }
    public bool HasPostback { get; private set; }
    public bool HasFeed { get; private set; }

    /// <summary>A new publisher's first steps are shown until all three are done: a link, a postback, a feed.</summary>
    public bool FirstSteps => Member && !(HasLink && HasPostback && HasFeed);

    public void OnGet(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        var zone = Zone(me);
        Series = Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, zone);
        Applications = platform.Applications.For(me);
        Member = Dashboard.MemberPrograms(platform, me).Count > 0;
        HasLink = platform.Links.ForPublisher(me, 1, 0, withFeeds: false).Count > 0;
        HasPostback = platform.Postbacks.Settings(me).Count > 0;
        HasFeed = platform.Feeds.ForPublisher(me).Count > 0;
        var mine = new Dictionary<LastClick.Reports.Dimension, string> { [LastClick.Reports.Dimension.Publisher] = me };
        Tops = [.. new[] { ("link", "Top links"), ("sub1", "Top sub1"), ("country", "Countries"), ("device", "Devices") }
            .Select(t => TopReport.Of(platform, text[t.Item2], t.Item1, "/p/reports", mine, zone, Series.Currency).Named(platform, me))];
    }

    public IActionResult OnGetSeries(string? currency)
    {
        var me = WebSetup.PublisherOf(User);
        return new JsonResult(Dashboard.Daily(platform.Store, platform.Clock.GetUtcNow(), Days, me, null, currency, Zone(me)));
    }

    /// <summary>The publisher's days are its own time zone's (profile; UTC when none is set).</summary>
    private TimeZoneInfo Zone(string publisherId) => platform.Applications.Find(publisherId)?.Profile?.Zone() ?? TimeZoneInfo.Utc;
}
