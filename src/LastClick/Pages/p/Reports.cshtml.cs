using LastClick.Web;

namespace LastClick.Pages.Publisher;

/// <summary>The publisher's statistics (H1) by any dimension, in its time zone, with CSV download: the API's report on a page.</summary>
public sealed class PublisherReportsModel(Platform platform) : ReportPageModel(platform)
{
    protected override (string, string?, TimeZoneInfo) Scope(Platform platform)
    {
        var me = WebSetup.PublisherOf(User);
        return ("/p/reports", me, platform.Applications.Find(me)?.Profile?.Zone() ?? TimeZoneInfo.Utc);
    }
}
