using LastClick.Programs;

namespace LastClick.Payouts;

/// <summary>When a program's weekly runs fall: its weekday at its hour, in its time zone (D2). Pure.</summary>
public static class PayoutSchedule
{
    /// <summary>The latest scheduled instant at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset Latest(PayoutTerms terms, DateTimeOffset now)
    {
        var zone = terms.Zone();
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var back = 0; back <= 8; back++)
        {
            var day = localDay.AddDays(-back);
            if (day.DayOfWeek != terms.Weekday) continue;
            var at = At(day, terms.Hour, zone);
            if (at <= now) return at;
        }
        throw new InvalidOperationException("a weekly schedule always falls within eight days");
    }

    /// <summary>The first scheduled instant after <paramref name="now"/>.</summary>
    public static DateTimeOffset Next(PayoutTerms terms, DateTimeOffset now)
    {
        var zone = terms.Zone();
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var ahead = 0; ahead <= 8; ahead++)
        {
            var day = localDay.AddDays(ahead);
            if (day.DayOfWeek != terms.Weekday) continue;
            var at = At(day, terms.Hour, zone);
            if (at > now) return at;
        }
        throw new InvalidOperationException("a weekly schedule always falls within eight days");
    }

    /// <summary>The instant of a local day's hour; an hour the clocks skip (spring forward) is taken an hour later.</summary>
    private static DateTimeOffset At(DateOnly day, int hour, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0), DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
