using LastClick.Publishers;
using LastClick.Replay;
using LastClick.Programs;
using LastClick.Tracking;
using LastClick.Web;

namespace LastClick.Tests.Web;

/// <summary>A publisher's days are its own time zone's: the charts place each fact on the local day it happened.</summary>
public sealed class TimeZoneTests
{
    [Theory]
    [InlineData("UTC", "2026-11-20T23:30:00Z", "2026-11-20")]
    [InlineData("Europe/Berlin", "2026-11-20T23:30:00Z", "2026-11-21")]   // 00:30 in Berlin
    [InlineData("America/New_York", "2026-11-21T03:30:00Z", "2026-11-20")] // 22:30 the evening before
    [InlineData("Asia/Kolkata", "2026-11-20T18:15:00Z", "2026-11-20")]     // 23:45 (UTC+5:30)
    [InlineData("Asia/Kolkata", "2026-11-20T18:45:00Z", "2026-11-21")]     // 00:15 the next day
    public void A_click_lands_on_the_publishers_local_day(string zone, string at, string day)
    {
        using var store = TemporaryStore.Create();
        store.Store.Migrate(TimeProvider.System);
        var platform = new Platform(store.Store, ProgramCatalog.BuiltIn(), TimeProvider.System);
        platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var time = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture);
        platform.Tracking.RecordClick(new Click("c1", "aliexpress-ww", "p1", "v1", time, "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null));

        var now = DateTimeOffset.Parse("2026-11-22T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var series = Dashboard.Daily(store.Store, now, 5, "p1", null, null, TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.Equal(zone, series.TimeZone);
        Assert.Equal(1, series.Clicks.Sum());
        Assert.Equal(day, series.Days[series.Clicks.ToList().IndexOf(1)]);
    }

    [Fact]
    public void An_unknown_time_zone_is_named_and_a_known_one_is_kept()
    {
        var profile = new PublisherProfile("Lena", "lena@example.com", "DE", [new Channel("site", "https://example.com/")], "n", "content", ["content"], ["DE"], "Mars/Olympus");
        Assert.Equal("timeZone", Assert.Throws<LastClick.Common.ProblemException>(() => Applications.Validate(profile)).Problem.Field);
        Assert.Equal("Europe/Berlin", Applications.Validate(profile with { TimeZone = "Europe/Berlin" }).TimeZone);
        Assert.Equal("UTC", Applications.Validate(profile with { TimeZone = null }).TimeZone);
    }
}
