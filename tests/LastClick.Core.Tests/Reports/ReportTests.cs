using System.Globalization;
using Dapper;
using LastClick.Common;
using LastClick.Reports;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Reporting;

/// <summary>Reports over the rollups (H1, C4; issue 5): local days, filters, sorting, paging, totals, currencies, CSV, retention.</summary>
public sealed class ReportTests : IClassFixture<PostgresAvailability>
{
    private static readonly string[] Ips = ["81.2.69.142", "77.88.8.8", "2.16.0.1"];
    private static readonly string[] Agents = ["Mozilla/5.0 Firefox/128.0", "Mozilla/5.0 (iPhone) Mobile"];
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York", "Australia/Adelaide"];

    private static ReportQuery Query(string dimension, string start, string end, string zone = "UTC", string? publisher = "p1",
        string orderBy = "-clicks", int limit = 500, int offset = 0, string? currency = null, params (Dimension, string)[] filters)
    {
        var f = filters.ToDictionary(x => x.Item1, x => x.Item2);
        if (publisher is not null) f[Dimension.Publisher] = publisher;
        return new ReportQuery(dimension, DateOnly.Parse(start, CultureInfo.InvariantCulture), DateOnly.Parse(end, CultureInfo.InvariantCulture),
            TimeZoneInfo.FindSystemTimeZoneById(zone), f, currency, orderBy, limit, offset);
    }

    [Theory]
    [InlineData("UTC", "2026-11-20T23:30:00Z", "2026-11-20")]
    [InlineData("Europe/Berlin", "2026-11-20T23:30:00Z", "2026-11-21")]
    [InlineData("America/New_York", "2026-11-21T03:30:00Z", "2026-11-20")]
    [InlineData("Asia/Kolkata", "2026-11-20T18:15:00Z", "2026-11-20")]
    [InlineData("Asia/Kolkata", "2026-11-20T18:45:00Z", "2026-11-21")]
    [InlineData("Asia/Kathmandu", "2026-11-20T18:10:00Z", "2026-11-20")] // 23:55 (UTC+5:45)
    [InlineData("Asia/Kathmandu", "2026-11-20T18:20:00Z", "2026-11-21")] // 00:05 the next day
    public void H1_a_click_lands_on_the_publishers_local_day_in_every_report(string zone, string at, string day)
    {
        using var h = Harness.Sqlite().Publisher();
        h.Click("c1", "v1", at);
        var d = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        var days = Reports.Reports.Run(h.Platform.Store, Query("day", d.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), zone, orderBy: "day"));
        Assert.Equal([0L, 1L, 0L], days.Rows.Select(r => r.Clicks));
        Assert.Equal(day, days.Rows[1].Key);

        // A report by another dimension over that local day alone counts it (its edges are read in quarter hours),
        // and over the day before alone does not.
        Assert.Equal(1, Reports.Reports.Run(h.Platform.Store, Query("country", day, day, zone)).Totals.Clicks);
        var before = d.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(0, Reports.Reports.Run(h.Platform.Store, Query("country", before, before, zone)).Totals.Clicks);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task H1_every_report_in_every_zone_equals_counting_the_raw_clicks_on_local_days(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher().Publisher("p2");
        var random = new Random(5);
        var clicks = new List<Click>();
        var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        for (var i = 0; i < 400; i++)
        {
            var click = new Click($"c{i}", random.Next(3) == 0 ? "aliexpress-cis" : "aliexpress-ww", random.Next(4) == 0 ? "p2" : "p1", $"v{random.Next(60)}",
                T("2026-03-01T00:00:00Z").AddMinutes(random.Next(9 * 24 * 60)), Ips[random.Next(3)], Agents[random.Next(2)], null, $"L{random.Next(5)}", random.Next(3) == 0 ? null : $"s{random.Next(4)}");
            clicks.Add(click);
            await writer.WriteAsync(click);
        }
        await writer.DisposeAsync();
        var stored = clicks.ToDictionary(c => c.Id);
        using var c = h.Platform.Store.Open();
        var countries = c.Query<(string Id, string? Country)>("SELECT id, country FROM clicks").ToDictionary(r => r.Id, r => r.Country ?? "");

        foreach (var zoneId in Zones)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            foreach (var (start, end) in new[] { ("2026-03-02", "2026-03-07"), ("2026-03-03", "2026-03-03"), ("2026-02-27", "2026-03-12") })
            {
                DateOnly Local(Click k) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(k.At, zone).DateTime);
                foreach (var publisher in new[] { "p1", null })
                {
                    var inRange = clicks.Where(k => (publisher is null || k.PublisherId == publisher) && Local(k) >= DateOnly.Parse(start, CultureInfo.InvariantCulture)
                                                    && Local(k) <= DateOnly.Parse(end, CultureInfo.InvariantCulture)).ToList();
                    foreach (var (dimension, key) in new (string, Func<Click, string>)[]
                    {
                        ("day", k => Local(k).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("program", k => k.ProgramId), ("link", k => k.LinkId!),
                        ("sub1", k => k.Sub1 ?? ""), ("country", k => countries[k.Id]), ("publisher", k => k.PublisherId),
                    })
                    {
                        if (publisher is null == dimension is "link" or "sub1") continue; // operator: by publisher, not by link or sub id
                        var report = Reports.Reports.Run(h.Platform.Store, Query(dimension, start, end, zoneId, publisher));
                        var expected = inRange.GroupBy(key).ToDictionary(g => g.Key, g => (long)g.Count());
                        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal),
                            report.Rows.Where(r => r.Clicks > 0).ToDictionary(r => r.Key, r => r.Clicks).OrderBy(kv => kv.Key, StringComparer.Ordinal));
                        Assert.Equal(inRange.Count, report.Totals.Clicks);
                    }
                }
            }
        }
        Assert.NotNull(stored);
    }

    [Theory]
    [InlineData("day", "UTC", null, "rollup_program_d")]
    [InlineData("day", "Europe/Berlin", null, "rollup_program_h")]
    [InlineData("day", "Asia/Kolkata", null, "rollup_program_q")]
    [InlineData("day", "Asia/Kolkata", "p1", "rollup_publisher_q")]
    [InlineData("week", "UTC", "p1", "rollup_link_d")]
    [InlineData("program", "Europe/Berlin", "p1", "rollup_publisher_q")]
    [InlineData("publisher", "UTC", null, "rollup_publishers_w rollup_publishers_d")]
    [InlineData("country", "UTC", null, "rollup_country_d")]
    [InlineData("program", "UTC", null, "rollup_program_d")]
    [InlineData("link", "UTC", "p1", "rollup_link_d")]
    [InlineData("link", "Europe/Berlin", "p1", "rollup_link_d rollup_full_q")]
    [InlineData("sub2", "UTC", "p1", "rollup_subs_d")]
    [InlineData("sub2", "Europe/Berlin", "p1", "rollup_subs_d rollup_subs_q")]
    public void A_report_reads_the_smallest_rollups_that_cover_it(string dimension, string zone, string? publisher, string tables)
    {
        // 2026-02-26 (Thursday) … 2026-04-30 (Thursday): whole ISO weeks inside, days at both ends.
        var q = Query(dimension, "2026-02-26", "2026-04-30", zone, publisher);
        var (from, to) = Reports.Reports.UtcRange(q.Start, q.End, q.Zone);
        var plan = Reports.Reports.Plan(q, from, to, Reports.Reports.TimeDimensions.Contains(dimension));
        Assert.Equal(tables.Split(' '), plan.Select(p => p.Cube.Table).Distinct());
        Assert.Equal(to - from, plan.Sum(p => p.Cube.Grain.StartOf(p.To) - p.Cube.Grain.StartOf(p.From))); // the range, each instant once
    }

    private static Harness Story()
    {
        var h = Harness.Sqlite().Publisher().Publisher("p2");
        // p1: sub1 a ×3 clicks (2 visitors), b ×1, none ×1; p2: one click on a. Orders: a's visitor buys twice, b's once.
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        RecordWithSub(h, "c2", "v1", "2026-02-01T11:00:00Z", "a");
        RecordWithSub(h, "c3", "v2", "2026-02-01T12:00:00Z", "a");
        RecordWithSub(h, "c4", "v2", "2026-02-01T12:10:00Z", "a");
        RecordWithSub(h, "c5", "v3", "2026-02-02T09:00:00Z", "b");
        RecordWithSub(h, "c6", "v9", "2026-02-02T09:00:00Z", "a", "p2");
        h.Order("o1", "2026-02-02T10:00:00Z", visitor: "v1");
        h.Order("o2", "2026-02-02T11:00:00Z", visitor: "v2");
        h.Order("o3", "2026-02-02T12:00:00Z", visitor: "v3");
        h.Event("e1", "goods_received", "2026-02-10T10:00:00Z", "o1");
        h.Event("e2", "cancelled", "2026-02-10T10:00:00Z", "o2");
        return h;
    }

    private static void RecordWithSub(Harness h, string id, string visitor, string at, string sub1, string publisher = "p1")
    {
        h.Clock.Set(T(at));
        h.Platform.Tracking.RecordClick(new Click(id, "aliexpress-ww", publisher, visitor, T(at), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null, $"link-{sub1}", sub1));
    }

    [Fact]
    public void H1_C4_metrics_filters_sorting_paging_and_totals()
    {
        using var h = Story();
        var store = h.Platform.Store;
        var bySub = Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28"));
        Assert.Equal(["a", "", "b"], bySub.Rows.Select(r => r.Key)); // by clicks, descending
        var a = bySub.Rows[0];
        Assert.Equal((3L, 2L, 2L, 1L, 1L), (a.Clicks, a.UniqueClicks, a.Orders, a.OrdersApproved, a.OrdersDeclined));
        Assert.Equal(decimal.Parse(h.Find("o1").Commission, CultureInfo.InvariantCulture), a.CommissionConfirmed + a.CommissionPayable);
        Assert.Equal(0m, a.CommissionPending);
        Assert.True(a.CommissionDeclined > 0m, "a cancelled order reports the commission it forfeited");
        Assert.Equal(50m, a.ApprovalRate); // C4: approved / decided
        Assert.Equal(Math.Round(200m / 3, 2, MidpointRounding.AwayFromZero), a.Cr);
        Assert.Equal(Math.Round(a.Commission / 3, 4, MidpointRounding.AwayFromZero), a.Epc);

        // Totals are over every row, not the page; p2's click is not in p1's report.
        Assert.Equal(5, bySub.Totals.Clicks);
        Assert.Equal(3, bySub.Totals.Orders);
        var page = Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28", orderBy: "sub1", limit: 1, offset: 1));
        Assert.Equal(["a"], page.Rows.Select(r => r.Key));
        Assert.Equal((3, 5L), (page.Count, page.Totals.Clicks));
        Assert.Equal(["b", "a", ""], Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28", orderBy: "-sub1")).Rows.Select(r => r.Key));
        Assert.Equal("a", Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28", orderBy: "-approval_rate")).Rows[0].Key);
        Assert.Equal(["a", "", "b"], Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28", orderBy: "approval_rate")).Rows.Select(r => r.Key));

        // Filters: by sub1, by program (nothing in RU&CIS), by day.
        Assert.Equal(3, Reports.Reports.Run(store, Query("day", "2026-02-01", "2026-02-28", filters: (Dimension.Sub1, "a"))).Totals.Clicks);
        Assert.Equal(0, Reports.Reports.Run(store, Query("sub1", "2026-02-01", "2026-02-28", filters: (Dimension.Program, "aliexpress-cis"))).Totals.Clicks);
        Assert.Equal(4, Reports.Reports.Run(store, Query("link", "2026-02-01", "2026-02-01")).Totals.Clicks);

        // The operator's report over every publisher, by publisher.
        var byPublisher = Reports.Reports.Run(store, Query("publisher", "2026-02-01", "2026-02-28", publisher: null));
        Assert.Equal([("p1", 5L), ("p2", 1L)], byPublisher.Rows.Select(r => (r.Key, r.Clicks)));

        // Weeks start on Monday (2026-02-01 is a Sunday), months are calendar months.
        Assert.Equal(["2026-01-26", "2026-02-02"], Reports.Reports.Run(store, Query("week", "2026-02-01", "2026-02-08", orderBy: "week")).Rows.Select(r => r.Key));
        Assert.Equal(["2026-02"], Reports.Reports.Run(store, Query("month", "2026-02-01", "2026-02-28", orderBy: "month")).Rows.Select(r => r.Key));
    }

    [Fact]
    public void Money_is_in_one_currency_and_clicks_and_orders_count_every_currency()
    {
        using var h = Harness.Sqlite().Publisher();
        h.Click("c1", "v1", "2026-05-01T10:00:00Z");
        h.Click("c2", "v2", "2026-05-01T10:00:00Z", program: "aliexpress-cis", ip: "77.88.8.8");
        h.Order("o1", "2026-05-01T11:00:00Z", visitor: "v1");
        h.Order("o2", "2026-05-01T11:00:00Z", "RUB", "RU", "v2", "aliexpress-cis");
        var usd = Reports.Reports.Run(h.Platform.Store, Query("program", "2026-05-01", "2026-05-01", currency: "USD"));
        var rub = Reports.Reports.Run(h.Platform.Store, Query("program", "2026-05-01", "2026-05-01", currency: "RUB"));
        Assert.Equal(2, usd.Totals.Orders);
        Assert.Equal(usd.Totals.Orders, rub.Totals.Orders);
        Assert.Equal(decimal.Parse(h.Find("o1").Commission, CultureInfo.InvariantCulture), usd.Totals.CommissionPending);
        Assert.Equal(decimal.Parse(h.Find("o2").Commission, CultureInfo.InvariantCulture), rub.Totals.CommissionPending);
        Assert.Equal(["RUB", "USD"], usd.Currencies.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("dimension", "sub9")]
    [InlineData("date_start", "2026-13-01")]
    [InlineData("date_end", "yesterday")]
    [InlineData("order_by", "-bananas")]
    [InlineData("limit", "0")]
    [InlineData("limit", "501")]
    [InlineData("offset", "-1")]
    [InlineData("time_zone", "Mars/Olympus")]
    [InlineData("currency", "usd")]
    [InlineData("publisher", "p2")]
    public void A_bad_parameter_is_named(string field, string value)
    {
        var query = new Dictionary<string, string> { [field] = value };
        var e = Assert.Throws<ProblemException>(() => ReportRequest.Parse(field == "dimension" ? value : "day", n => query.GetValueOrDefault(n), "p1",
            TimeZoneInfo.Utc, new DateOnly(2026, 11, 22)));
        Assert.Equal(field, e.Problem.Field);
    }

    [Fact]
    public void Operator_reports_by_link_or_sub_id_take_a_publisher_and_dates_follow_admitad()
    {
        var e = Assert.Throws<ProblemException>(() => ReportRequest.Parse("sub1", _ => null, null, TimeZoneInfo.Utc, new DateOnly(2026, 11, 22)));
        Assert.Equal("publisher", e.Problem.Field);
        var q = ReportRequest.Parse("day", n => n switch { "date_start" => "01.11.2026", "date_end" => "2026-11-05", "subid1" => "a", _ => null }, "p1",
            TimeZoneInfo.Utc, new DateOnly(2026, 11, 22));
        Assert.Equal((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 5), "a", "p1"), (q.Start, q.End, q.Filters[Dimension.Sub1], q.Filters[Dimension.Publisher]));
        var defaults = ReportRequest.Parse("link", _ => null, "p1", TimeZoneInfo.Utc, new DateOnly(2026, 11, 22));
        Assert.Equal((new DateOnly(2026, 10, 24), new DateOnly(2026, 11, 22), "-clicks", 20), (defaults.Start, defaults.End, defaults.OrderBy, defaults.Limit));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void Retention_drops_old_raw_clicks_by_day_and_the_reports_and_late_status_changes_keep_them(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("old", "v1", "2026-01-01T23:59:00Z");
        h.Order("o1", "2026-01-02T08:00:00Z", visitor: "v1");
        h.Click("kept", "v2", "2026-01-02T00:00:00Z");
        h.Click("new", "v3", "2026-02-10T10:00:00Z");
        var before = Reports.Reports.Run(h.Platform.Store, Query("country", "2026-01-01", "2026-02-28"));

        // 2026-02-10 with 39 days kept: clicks of 2026-01-01 and before go.
        Assert.Equal(1, Retention.DropClicks(h.Platform.Store, T("2026-02-10T12:00:00Z"), 39, chunk: 1));
        Assert.Equal(0, Retention.DropClicks(h.Platform.Store, T("2026-02-10T12:00:00Z"), 39, chunk: 1));
        using (var c = h.Platform.Store.Open()) Assert.Equal(["kept", "new"], c.Query<string>("SELECT id FROM clicks ORDER BY id"));
        var dropped = Reports.Reports.Run(h.Platform.Store, Query("country", "2026-01-01", "2026-02-28"));
        Assert.Equal(before.Rows, dropped.Rows);
        Assert.Equal(before.Totals, dropped.Totals);
        Assert.Equal(2, before.Totals.Clicks - 1);

        // The order of the dropped click confirms later: its commission moves in its own row (its click's country).
        h.Event("e1", "goods_received", "2026-02-11T10:00:00Z", "o1");
        var after = Reports.Reports.Run(h.Platform.Store, Query("country", "2026-01-01", "2026-02-28"));
        Assert.Equal(before.Rows.Select(r => r.Key), after.Rows.Select(r => r.Key));
        Assert.Equal(before.Totals.CommissionPending, after.Totals.CommissionConfirmed + after.Totals.CommissionPayable);
        Assert.True(after.Totals.CommissionPending == 0m && before.Totals.CommissionPending > 0m);
    }
}
