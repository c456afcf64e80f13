using LastClick.Commissions;
using LastClick.Common;
using LastClick.Fraud;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Fraud;

/// <summary>A6 invalid traffic by request shape, A1 over every identifier, and the fraud review's money (E4, C2), on both stores.</summary>
public sealed class TrafficQualityTests : IClassFixture<PostgresAvailability>
{
    private const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static readonly string[] OwnHosts = ["aliexpress.com", "*.aliexpress.com"];

    public static TheoryData<string, string?, string?, string?, string?, string?, string?, string> InvalidShapes => new()
    {
        // user agent, Sec-Fetch-Dest, Sec-Fetch-Mode, Purpose, Sec-Purpose, Referer → reason
        { Chrome, "image", "no-cors", null, null, null, null, RequestShapes.CookieStuffing },
        { Chrome, "iframe", "navigate", null, null, null, null, RequestShapes.HiddenClick },
        { Chrome, "frame", "navigate", null, null, null, null, RequestShapes.HiddenClick },
        { Chrome, "script", "no-cors", null, null, null, null, RequestShapes.CookieStuffing },
        { Chrome, "empty", "cors", null, null, null, null, RequestShapes.CookieStuffing },
        { Chrome, "style", null, null, null, null, null, RequestShapes.CookieStuffing },
        { Chrome, null, "no-cors", null, null, null, null, RequestShapes.CookieStuffing },
        { Chrome, "document", "navigate", "prefetch", null, null, null, RequestShapes.Prefetch },
        { Chrome, "empty", "no-cors", null, "prefetch", null, null, RequestShapes.Prefetch },
        { Chrome, "document", "navigate", null, "prefetch;prerender", null, null, RequestShapes.Prefetch },
        { Chrome, null, null, null, null, "prefetch", null, RequestShapes.Prefetch },
        { "", "document", "navigate", null, null, null, null, RequestShapes.NoUserAgent },
        { Chrome, "document", "navigate", null, null, null, "https://www.aliexpress.com/item/1.html", RequestShapes.ExtensionInjection },
        { Chrome, "document", "navigate", null, null, null, "https://aliexpress.com/", RequestShapes.ExtensionInjection },
    };

    [Theory]
    [MemberData(nameof(InvalidShapes))]
    public void A6_each_request_shape_that_is_not_a_person_navigating_is_invalid_with_its_evidence(
        string userAgent, string? dest, string? mode, string? purpose, string? secPurpose, string? xMoz, string? referrer, string reason)
    {
        var verdict = RequestShapes.Judge(new RequestShape(userAgent, dest, mode, purpose, secPurpose, xMoz, null, referrer), OwnHosts);

        Assert.Equal(reason, verdict?.Reason);
        Assert.False(string.IsNullOrEmpty(verdict?.Evidence));
    }

    [Theory]
    [InlineData("document", "navigate", null)]
    [InlineData(null, null, null)] // Safari before 16.4, Firefox before 90: no Fetch Metadata at all — absence is not evidence
    [InlineData(null, null, "https://blog.example/review")]
    [InlineData("document", "navigate", "https://notaliexpress.com/")]
    [InlineData("document", "nested-navigate", null)]
    public void A6_a_top_level_navigation_counts_and_an_absent_header_is_never_evidence(string? dest, string? mode, string? referrer)
    {
        Assert.Null(RequestShapes.Judge(new RequestShape(Chrome, dest, mode, Referrer: referrer), OwnHosts));
    }

    [Fact]
    public void A6_click_spam_is_the_clicks_past_the_limit_of_one_visitor_or_address_on_one_publisher_within_the_window()
    {
        var spam = new ClickSpam();
        var limits = new LastClick.Programs.ClickSpamLimits(VisitorClicks: 3, AddressClicks: 5, TimeSpan.FromSeconds(60));
        var at = T("2026-02-01T10:00:00Z");
        var verdicts = Enumerable.Range(0, 5).Select(i => spam.Count("p1", "v1", "198.51.100.1", at.AddSeconds(i), limits)).ToList();
        Assert.Equal([null, null, null], verdicts.Take(3));
        Assert.Equal(ClickSpam.ClickSpamReason, verdicts[3]?.Reason);
        Assert.Contains("4 clicks of one visitor", verdicts[3]?.Evidence, StringComparison.Ordinal);
        // Another publisher, and the same visitor after the window, start again.
        Assert.Null(spam.Count("p2", "v1", "198.51.100.1", at.AddSeconds(5), limits));
        Assert.Null(spam.Count("p1", "v1", "198.51.100.9", at.AddSeconds(61), limits));
        // Many visitors behind one address: the address limit.
        var byAddress = Enumerable.Range(0, 7).Select(i => spam.Count("p3", $"w{i}", "198.51.100.2", at.AddSeconds(i), limits)).ToList();
        Assert.Null(byAddress[4]);
        Assert.Equal(ClickSpam.ClickSpamReason, byAddress[5]?.Reason);
    }

    public static TheoryData<string, string> StoresAndReasons()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { TestStores.Sqlite, TestStores.Postgres })
        {
            foreach (var reason in new[] { RequestShapes.CookieStuffing, RequestShapes.HiddenClick, RequestShapes.Prefetch, RequestShapes.NoUserAgent,
                         RequestShapes.ExtensionInjection, ClickSpam.ClickSpamReason, InvalidReasons.Bot, InvalidReasons.Suspended })
            {
                data.Add(provider, reason);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(StoresAndReasons))]
    public void A6_an_invalid_click_after_a_real_one_leaves_the_real_click_credited_and_alone_earns_zero_with_its_reason(string provider, string reason)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("honest").Publisher("stuffer");
        h.Click("real", "v1", "2026-02-01T10:00:00Z", "honest");
        Stuff(h, "stuffed", "v1", "2026-02-01T10:05:00Z", reason);

        var order = h.Order("o1", "2026-02-01T11:00:00Z", visitor: "v1");
        Assert.Equal(("honest", "real"), (order.Publisher, order.Click));
        Assert.Contains(order.AttributionTrace, t => t.StartsWith($"click stuffed skipped: invalid traffic ({reason})", StringComparison.Ordinal));
        Assert.Equal(7.2m, h.Balance("honest").Pending);

        // Only the invalid click: its publisher sees the order at zero with the reason, and its evidence is stored.
        Stuff(h, "alone", "v2", "2026-02-01T12:00:00Z", reason);
        var alone = h.Order("o2", "2026-02-01T12:30:00Z", visitor: "v2");
        Assert.Equal(("stuffer", "0.00", Commission.Reasons.InvalidTraffic), (alone.Publisher, alone.Commission, alone.Lines[0].Reason));
        Assert.Contains(reason, alone.Lines[0].Trace[0].Detail, StringComparison.Ordinal);
        Assert.Equal(0m, h.Balance("stuffer").Pending);
        var evidence = h.Platform.Store.Read(s => s.Scalar<string?>("SELECT invalid_evidence FROM clicks WHERE id = 'alone'"));
        Assert.False(string.IsNullOrEmpty(evidence));
    }

    private static void Stuff(Harness h, string id, string visitor, string at, string reason)
    {
        h.Clock.Set(T(at));
        var (agent, flag) = reason == InvalidReasons.Bot ? ("Googlebot/2.1 (+http://www.google.com/bot.html)", (string?)null) : (Chrome, reason);
        var cls = h.Platform.Tracking.RecordClick(new Click(id, "aliexpress-ww", "stuffer", visitor, T(at), "81.2.69.142", agent, null,
            FlaggedAs: flag, Evidence: flag is null ? null : $"evidence of {reason}"));
        Assert.Equal(reason, cls.InvalidReason);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A1_click_id_only_visitor_only_and_both_give_the_same_winner(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        // The visitor clicked p1's link, then p2's: p2's click is the last paid click whichever identifier the order names.
        h.Click("c1", "v1", "2026-02-01T10:00:00Z", "p1");
        h.Click("c2", "v1", "2026-02-01T10:30:00Z", "p2");
        var winners = new[] { Ingest(h, "by-click", null, "c1"), Ingest(h, "by-visitor", "v1", null), Ingest(h, "by-both", "v1", "c1") }
            .Select(o => (o.Publisher, o.Click)).ToList();
        Assert.Equal([("p2", "c2"), ("p2", "c2"), ("p2", "c2")], winners);
        Assert.Contains(h.Find("by-click").AttributionTrace, t => t.Contains("clickId c1 identifies visitor v1", StringComparison.Ordinal));

        // A marketplace paid touch after the click wins over it even when the order names only the click (A1).
        h.Click("c3", "v3", "2026-02-02T10:00:00Z", "p1");
        h.Platform.Tracking.RecordTouch(new MarketplaceTouch("t3", "v3", T("2026-02-02T10:10:00Z"), "marketplace-ads"));
        var touched = Ingest(h, "touched", null, "c3", "2026-02-02T11:00:00Z");
        Assert.Equal((null, Attribution.Attribution.LaterPaidTouch), (touched.Publisher, touched.Reason));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A1_when_visitor_and_click_id_disagree_both_visitors_are_judged_and_the_trace_says_so(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        h.Click("c1", "v1", "2026-02-01T10:00:00Z", "p1");
        h.Click("c2", "v2", "2026-02-01T10:30:00Z", "p2");
        h.Click("c3", "v1", "2026-02-01T10:40:00Z", "p1");

        var order = Ingest(h, "o1", "v1", "c2");
        Assert.Equal(("p1", "c3"), (order.Publisher, order.Click));
        Assert.Contains(order.AttributionTrace, t => t.Contains("visitor v1 and clickId c2 (visitor v2) disagree", StringComparison.Ordinal));
        // The credited publisher reads the trace without visitor ids or another publisher's click id.
        var shown = h.Platform.Store.Read(s => Orders.OrderService.ForItsPublisher(s, order));
        Assert.DoesNotContain(shown.AttributionTrace, t => t.Contains("v1", StringComparison.Ordinal) || t.Contains("v2", StringComparison.Ordinal) || t.Contains("c2", StringComparison.Ordinal));
        Assert.Contains(shown.AttributionTrace, t => t.Contains("a visitor and clickId (not yours) (a visitor) disagree", StringComparison.Ordinal));
        Assert.Contains(shown.AttributionTrace, t => t.Contains("last paid click c3", StringComparison.Ordinal));

        var unknown = Ingest(h, "o2", "v1", "nope");
        Assert.Equal("c3", unknown.Click);
        Assert.Contains(unknown.AttributionTrace, t => t.Contains("clickId nope is unknown: judged by visitor v1", StringComparison.Ordinal));
    }

    private static Orders.OrderView Ingest(Harness h, string id, string? visitor, string? clickId, string at = "2026-02-01T11:00:00Z")
    {
        h.Clock.Set(T(at));
        return h.Platform.Orders.Ingest(new Order(id, T(at), Currency.Of("USD"), "DE", [Line()], visitor, clickId), "aliexpress-ww");
    }

    /// <summary>Three orders on p2 from clicks of one address within an hour: a conversion burst; one honest order of p1 beside them.</summary>
    private static Harness Burst(string provider)
    {
        var h = Harness.Create(provider);
        if (h is null) return null!;
        h.Publisher("p1").Publisher("p2");
        for (var i = 0; i < 3; i++)
        {
            h.Click($"b{i}", $"bv{i}", $"2026-02-01T10:{10 * i:00}:00Z", "p2", ip: "203.0.113.10");
            h.Order($"bo{i}", $"2026-02-01T11:{10 * i:00}:00Z", visitor: $"bv{i}", lines: [Line(price: 200m)]);
        }
        h.Click("honest", "hv", "2026-02-01T09:00:00Z", "p1", ip: "81.2.69.142");
        h.Order("ho", "2026-02-01T12:00:00Z", visitor: "hv");
        return h;
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E4_a_confirmed_finding_declines_pending_orders_with_the_finding_in_the_trace_and_a_dismissed_one_moves_no_money(string provider)
    {
        using var h = Burst(provider);
        if (h is null) return;
        h.Clock.Set(T("2026-02-02T06:00:00Z"));
        var run = h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "admin@program.example");
        Assert.Equal(1, run.Opened);
        var finding = Assert.Single(h.Platform.Fraud.List(FindingStatus.Open));
        Assert.Equal((TrafficAnalytics.ConversionBurst, "p2", "203.0.113.0/24"), (finding.Rule, finding.PublisherId, finding.Evidence.Figures["network"]));
        Assert.Equal(["bo0", "bo1", "bo2"], finding.Evidence.Orders);
        Assert.Equal(["b0", "b1", "b2"], finding.Evidence.Clicks);
        // A second run refreshes the open finding instead of adding one.
        Assert.Equal(0, h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system").Opened);

        var before = (h.Balance("p2").Pending, h.Transfers().Count);
        Assert.Equal(43.2m, before.Pending);
        var dismissed = h.Platform.Fraud.Dismiss(finding.Id, "admin@program.example", "a family ordering together");
        Assert.Equal(("dismissed", "admin@program.example", "a family ordering together"), (dismissed.Status, dismissed.DecidedBy, dismissed.DecisionNote));
        Assert.Equal(before, (h.Balance("p2").Pending, h.Transfers().Count));
        Assert.Equal("finding", Assert.Throws<ProblemException>(() => h.Platform.Fraud.Confirm(finding.Id, "x", null, null)).Problem.Field);
        Assert.Equal("note", Assert.Throws<ProblemException>(() => h.Platform.Fraud.Dismiss(finding.Id, "x", " ")).Problem.Field);
        // Analysed again with nothing new: the dismissal stands, nothing reopens.
        Assert.Equal(0, h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system").Opened);
        Assert.Empty(h.Platform.Fraud.List(FindingStatus.Open));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void C2_a_finding_confirmed_after_payout_posts_antispam_deductions_and_the_balance_may_go_negative(string provider)
    {
        using var h = Burst(provider);
        if (h is null) return;
        // bo0 and bo1 are received and paid out; bo2 is still pending.
        h.Event("e0", "goods_received", "2026-02-02T00:00:00Z", "bo0");
        h.Event("e1", "goods_received", "2026-02-02T00:00:00Z", "bo1");
        Assert.Single(h.Payout("2026-02-03T00:00:00Z"), l => l.PublisherId == "p2");
        Assert.Equal(28.8m, h.Balance("p2").Paid);

        h.Clock.Set(T("2026-02-03T06:00:00Z"));
        h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system");
        var finding = Assert.Single(h.Platform.Fraud.List(FindingStatus.Open));
        Assert.Equal("reason", Assert.Throws<ProblemException>(() => h.Platform.Fraud.Confirm(finding.Id, "x", "because", null)).Problem.Field);
        var result = h.Platform.Fraud.Confirm(finding.Id, "admin@program.example", null, "one household, three accounts");
        Assert.Equal((1, 2, 0), (result.Declined, result.Deducted, result.Unchanged));

        var pending = h.Find("bo2");
        Assert.Equal(("declined", Commission.Reasons.InvalidTraffic, "0.00"), (pending.Status, pending.Reason, pending.Commission));
        Assert.Equal(Commission.Reasons.InvalidTraffic, pending.Lines[0].Reason);
        Assert.Contains(pending.AttributionTrace, t => t == $"finding #{finding.Id} (conversion_burst) confirmed by admin@program.example: invalid_traffic");
        var paid = h.Find("bo0");
        Assert.Equal(("declined", Commission.Reasons.InvalidTraffic), (paid.Status, paid.Reason));
        var deductions = h.Transfers("p2").Where(t => t.Kind == Ledger.EntryKinds.AntispamDeduction).ToList();
        Assert.Equal([14.4m, 14.4m], deductions.Select(t => t.Amount));
        // Paid stays paid; the payable balance owes it back (C2: recovered from later payouts).
        var balance = h.Balance("p2");
        Assert.Equal((0m, -28.8m, 28.8m), (balance.Pending, balance.Payable, balance.Paid));
        // H3: the finding's three declines count as antispam in the publisher's quality, with what the two paid ones had earned.
        var quality = LastClick.Reports.QualityReport.Run(h.Platform.Store, new LastClick.Reports.QualityQuery("month", "p2", null, 0, 2000, null)).Totals;
        Assert.Equal((3L, 3L), (quality.Fraud, quality.Declined));
        Assert.True(quality.FraudCommission >= 28.8m, $"{quality.FraudCommission}");
        // The honest publisher is untouched; a second confirmation is refused.
        Assert.Equal(7.2m, h.Balance("p1").Pending);
        Assert.Throws<ProblemException>(() => h.Platform.Fraud.Confirm(finding.Id, "x", null, null));

        // A late order of the same burst: the confirmed finding is not reopened; a new one holds the order it did not cover.
        h.Click("b3", "bv3", "2026-02-01T10:40:00Z", "p2", ip: "203.0.113.10");
        h.Order("bo3", "2026-02-01T11:40:00Z", visitor: "bv3", lines: [Line(price: 200m)]);
        h.Clock.Set(T("2026-02-03T07:00:00Z"));
        Assert.Equal(1, h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system").Opened);
        var late = Assert.Single(h.Platform.Fraud.List(FindingStatus.Open));
        Assert.Contains("bo3", late.Evidence.Orders);
        Assert.Equal(FindingStatus.Confirmed, h.Platform.Fraud.Find(finding.Id)!.Status);
        Assert.Equal(0, h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system").Opened);
        Assert.Equal((1, 0, 3), h.Platform.Fraud.Confirm(late.Id, "admin@program.example", null, null) is var r ? (r.Declined, r.Deducted, r.Unchanged) : default); // the three already declined stay as they are
        Assert.Equal("declined", h.Find("bo3").Status);
        Assert.Equal(0, h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system").Opened);

        // The publisher reads the confirmed finding and answers it.
        Assert.Null(h.Platform.Fraud.ForPublisher("p1", finding.Id));
        var answered = h.Platform.Fraud.Reply("p2", finding.Id, "These were my sister's orders.");
        Assert.Equal("These were my sister's orders.", answered.Reply);
        Assert.Throws<ProblemException>(() => h.Platform.Fraud.Reply("p1", finding.Id, "not mine"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E4_paid_search_on_a_banned_keyword_and_pop_referrers_are_findings_of_prohibited_practice(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("bidder").Publisher("popper").Publisher("clean");
        h.Platform.Keywords.Add(["aliexpress"], "admin");
        void SignalClick(string id, string visitor, string publisher, string at, string kind, string detail)
        {
            h.Clock.Set(T(at));
            h.Platform.Tracking.RecordClick(new Click(id, "aliexpress-ww", publisher, visitor, T(at), "81.2.69.142", Chrome, null,
                SignalKind: kind, SignalDetail: detail));
        }
        SignalClick("g1", "gv1", "bidder", "2026-02-01T10:00:00Z", SourceSignal.PaidSearch, "gclid; keyword=AliExpress coupon");
        h.Order("go1", "2026-02-01T10:20:00Z", visitor: "gv1");
        SignalClick("g2", "gv2", "clean", "2026-02-01T10:00:00Z", SourceSignal.PaidSearch, "gclid; keyword=garden hose");
        for (var i = 0; i < 3; i++) SignalClick($"pop{i}", $"pv{i}", "popper", $"2026-02-01T1{i}:00:00Z", SourceSignal.PopReferrer, "popads.net");

        h.Clock.Set(T("2026-02-02T06:00:00Z"));
        h.Platform.Fraud.Analyze(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 1), "system");
        var findings = h.Platform.Fraud.List(FindingStatus.Open).OrderBy(f => f.Rule, StringComparer.Ordinal).ToList();
        Assert.Equal([(TrafficAnalytics.BrandBidding, "bidder"), (TrafficAnalytics.PopReferrer, "popper")], findings.Select(f => (f.Rule, f.PublisherId)));
        Assert.Equal(["go1"], findings[0].Evidence.Orders);
        Assert.Contains("AliExpress coupon (aliexpress)", findings[0].Evidence.Figures["keywords"], StringComparison.Ordinal);

        h.Platform.Fraud.Confirm(findings[0].Id, "admin", null, null);
        Assert.Equal(("declined", Commission.Reasons.ProhibitedPractice), (h.Find("go1").Status, h.Find("go1").Reason));
    }

    /// <summary>An order placed <paramref name="secondsToOrder"/> after its click, from its own network unless <paramref name="ip"/> says otherwise.</summary>
    private static DayOrder Placed(string id, string publisher, string clickAt, double secondsToOrder, string? ip = null) =>
        new(id, "aliexpress-ww", publisher, "", T(clickAt).AddSeconds(secondsToOrder), $"k-{id}", T(clickAt), ip ?? $"{20 + id.Length}.{(int)id[0]}.{(int)id[^1]}.1");

    private static AnalysisDay Day(IReadOnlyList<DayOrder> orders, decimal fastShare = 0.01m, IReadOnlyList<DayClicks>? clicks = null, decimal? clicksPerOrder = 12m) =>
        new(new DateOnly(2026, 2, 1), orders, clicks ?? [], [], new Dictionary<string, ProgramNorm> { ["aliexpress-ww"] = new("aliexpress-ww", 1000, fastShare, clicksPerOrder) }, []);

    [Fact]
    public void A6_ctit_fast_flags_a_publisher_whose_orders_mostly_come_seconds_after_the_click_and_spares_a_coupon_site_with_some()
    {
        var forced = Enumerable.Range(0, 4).Select(i => Placed($"f{i}", "forcer", $"2026-02-01T1{i}:00:00Z", 8 + i))
            .Append(Placed("f9", "forcer", "2026-02-01T15:00:00Z", 1800)).ToList();
        // A coupon site: a quarter of its orders within a minute (the cart was full), the rest later.
        var coupon = Enumerable.Range(0, 12).Select(i => Placed($"c{i}", "coupons", $"2026-02-01T0{i % 10}:00:00Z", i % 4 == 0 ? 20 : 900)).ToList();

        var finding = Assert.Single(TrafficAnalytics.Judge(Day([.. forced, .. coupon])));
        Assert.Equal((TrafficAnalytics.CtitFast, "forcer", 80), (finding.Rule, finding.PublisherId, finding.Score));
        Assert.Equal(["f0", "f1", "f2", "f3"], finding.Evidence.Orders);
        Assert.Equal("1%", finding.Evidence.Figures["program_fast_share"]);
        // Where fast orders are the program's habit, the same publisher is not far off it.
        Assert.Empty(TrafficAnalytics.Judge(Day(forced, fastShare: 0.5m)));
    }

    [Fact]
    public void A6_conversion_burst_is_one_address_or_five_in_one_network_within_an_hour_not_an_office_of_colleagues()
    {
        var office = Enumerable.Range(0, 3).Select(i => Placed($"o{i}", "review", $"2026-02-01T10:{10 * i:00}:00Z", 1200, $"198.51.100.{20 + i}")).ToList();
        Assert.Empty(TrafficAnalytics.Judge(Day(office)));
        var farm = Enumerable.Range(0, 5).Select(i => Placed($"n{i}", "farm", $"2026-02-01T10:{5 * i:00}:00Z", 1200, $"198.51.100.{40 + i}")).ToList();
        var later = Placed("n9", "farm", "2026-02-01T13:00:00Z", 1200, "198.51.100.49");
        var finding = Assert.Single(TrafficAnalytics.Judge(Day([.. farm, later])));
        Assert.Equal(TrafficAnalytics.ConversionBurst, finding.Rule);
        Assert.Equal(["n0", "n1", "n2", "n3", "n4"], finding.Evidence.Orders);
        Assert.Contains("198.51.100.0/24 (5 addresses)", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A6_clicks_per_order_flags_clicks_far_above_the_median_publisher_and_needs_enough_clicks()
    {
        var orders = Enumerable.Range(0, 3).Select(i => Placed($"s{i}", "sprayer", $"2026-02-01T1{i}:00:00Z", 1200)).ToList();
        var finding = Assert.Single(TrafficAnalytics.Judge(Day(orders, clicks: [new DayClicks("aliexpress-ww", "sprayer", "", 1500, 200)])));
        Assert.Equal((TrafficAnalytics.ClicksPerOrder, 3, "1300"), (finding.Rule, finding.Evidence.Orders.Count, finding.Evidence.Figures["valid_clicks"]));
        // Ten times the norm is the line; and a handful of clicks is no evidence whatever the ratio.
        Assert.Empty(TrafficAnalytics.Judge(Day(orders, clicks: [new DayClicks("aliexpress-ww", "sprayer", "", 350, 0)])));
        Assert.Empty(TrafficAnalytics.Judge(Day([orders[0]], clicks: [new DayClicks("aliexpress-ww", "sprayer", "", 99, 0)], clicksPerOrder: 1m)));
    }

    [Fact]
    public void Signals_paid_search_with_its_keyword_and_pop_network_referrers()
    {
        Assert.Equal(new SourceSignal(SourceSignal.PaidSearch, "gclid; keyword=aliexpress coupon"),
            RequestShapes.Signal(new RequestShape(Chrome, Query: "?gclid=abc&utm_term=aliexpress+coupon")));
        Assert.Equal(new SourceSignal(SourceSignal.PaidSearch, "utm_medium=cpc; keyword=ali express"),
            RequestShapes.Signal(new RequestShape(Chrome, Query: "?utm_medium=cpc&keyword=ali%20express")));
        Assert.Equal(new SourceSignal(SourceSignal.PopReferrer, "serve.popads.net"),
            RequestShapes.Signal(new RequestShape(Chrome, Referrer: "https://serve.popads.net/c?x=1")));
        Assert.Null(RequestShapes.Signal(new RequestShape(Chrome, Query: "?utm_medium=email&utm_term=aliexpress", Referrer: "https://blog.example/")));
        // Microsoft Advertising's click id ("clkid", not "clid") is paid search too.
        Assert.Equal(new SourceSignal(SourceSignal.PaidSearch, "msclkid; keyword=aliexpress"),
            RequestShapes.Signal(new RequestShape(Chrome, Query: "?msclkid=abc&utm_term=aliexpress")));
        Assert.Equal("203.0.113.0/24", TrafficAnalytics.Network("203.0.113.77"));
        Assert.Equal("2001:db8:1::/48", TrafficAnalytics.Network("2001:db8:1:2::5"));
    }

    [Fact]
    public void E4_a_publisher_sees_its_finding_without_the_operators_note_the_decider_or_the_buyers_addresses()
    {
        var finding = new Finding(7, TrafficAnalytics.ConversionBurst, "aliexpress-ww", "p1", "", "2026-02-01", 80, "burst",
            new FindingEvidence(new Dictionary<string, string> { ["network"] = "198.51.100.0/24", ["orders"] = "5", ["addresses"] = "198.51.100.1 198.51.100.2 198.51.100.3" },
                ["o1"], ["c1"]),
            FindingStatus.Confirmed, T("2026-02-02T00:00:00Z"), "admin@program.example", T("2026-02-02T01:00:00Z"), "invalid_traffic", "same family of bots as p9",
            null, null);

        var shown = FraudReview.Redacted(finding);

        Assert.Equal((null, null, "invalid_traffic"), (shown.DecidedBy, shown.DecisionNote, shown.DecisionReason));
        Assert.Equal(new Dictionary<string, string> { ["orders"] = "5", ["addresses"] = "3 distinct" }, shown.Evidence.Figures);
        Assert.Equal(["o1"], shown.Evidence.Orders);
        Assert.Equal(["c1"], shown.Evidence.Clicks);
    }
}
