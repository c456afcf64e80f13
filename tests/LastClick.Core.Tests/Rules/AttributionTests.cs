using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Rules;

public sealed class AttributionTests
{
    private static readonly DateTimeOffset OrderAt = T("2026-02-04T00:00:00Z");
    private static readonly TimeSpan Window = TimeSpan.FromDays(3);

    [Fact]
    public void A1_latest_affiliate_click_wins()
    {
        var result = Attribution.Attribution.Decide(
            [Click("c1", "2026-02-02T00:00:00Z", "p1"), Click("c2", "2026-02-03T00:00:00Z", "p2"), Click("c0", "2026-02-01T12:00:00Z", "p3")],
            OrderAt, Window);

        Assert.Equal("c2", result.Click?.Id);
        Assert.Equal("p2", result.Click?.PublisherId);
        Assert.Null(result.Reason);
    }

    [Fact]
    public void A1_latest_paid_touch_wins_even_if_not_affiliate()
    {
        var result = Attribution.Attribution.Decide(
            [Click("c1", "2026-02-02T00:00:00Z"), MarketplaceTouch("t1", "2026-02-03T00:00:00Z")], OrderAt, Window);

        Assert.False(result.Credited);
        Assert.Equal(Attribution.Attribution.LaterPaidTouch, result.Reason);
    }

    [Fact]
    public void A1_affiliate_click_after_a_marketplace_touch_wins()
    {
        var result = Attribution.Attribution.Decide(
            [MarketplaceTouch("t1", "2026-02-02T00:00:00Z"), Click("c1", "2026-02-03T00:00:00Z")], OrderAt, Window);

        Assert.Equal("c1", result.Click?.Id);
    }

    [Fact]
    public void A1_touches_after_the_order_do_not_count()
    {
        var result = Attribution.Attribution.Decide(
            [Click("c1", "2026-02-03T00:00:00Z", "p1"), Click("c2", "2026-02-04T00:00:01Z", "p2")], OrderAt, Window);

        Assert.Equal("c1", result.Click?.Id);
    }

    [Fact]
    public void A1_ties_in_time_go_to_the_later_input()
    {
        var result = Attribution.Attribution.Decide(
            [Click("c2", "2026-02-03T00:00:00Z", "p2", seq: 2), Click("c1", "2026-02-03T00:00:00Z", "p1", seq: 1)], OrderAt, Window);

        Assert.Equal("c2", result.Click?.Id);
    }

    [Fact]
    public void A1_no_touch_means_no_publisher_with_reason_no_click()
    {
        var result = Attribution.Attribution.Decide([], OrderAt, Window);

        Assert.False(result.Credited);
        Assert.Equal(Attribution.Attribution.NoClick, result.Reason);
    }

    [Fact]
    public void A2_cookie_window_is_three_days_in_both_programs()
    {
        Assert.Equal(3, Ww.CookieWindowDays);
        Assert.Equal(3, Cis.CookieWindowDays);
    }

    [Fact]
    public void A2_a_click_exactly_three_days_old_counts_and_one_a_second_older_has_expired()
    {
        var inside = Attribution.Attribution.Decide([Click("c1", "2026-02-01T00:00:00Z")], OrderAt, Ww.CookieWindow);
        var outside = Attribution.Attribution.Decide([Click("c1", "2026-01-31T23:59:59Z")], OrderAt, Ww.CookieWindow);

        Assert.Equal("c1", inside.Click?.Id);
        Assert.False(outside.Credited);
        Assert.Equal(Attribution.Attribution.CookieExpired, outside.Reason);
    }

    [Fact]
    public void A2_an_expired_click_does_not_lose_to_nothing_a_fresh_one_wins()
    {
        var result = Attribution.Attribution.Decide(
            [Click("old", "2026-01-20T00:00:00Z", "p1"), Click("new", "2026-02-03T00:00:00Z", "p2")], OrderAt, Window);

        Assert.Equal("new", result.Click?.Id);
    }

    [Fact]
    public void A6_an_invalid_click_never_takes_the_order_from_a_valid_one()
    {
        var result = Attribution.Attribution.Decide(
            [Click("good", "2026-02-02T00:00:00Z", "p1"), Click("stuffed", "2026-02-03T00:00:00Z", "p2", invalid: "cookie_stuffing")],
            OrderAt, Window);

        Assert.Equal("good", result.Click?.Id);
        Assert.Contains(result.Trace, t => t.Contains("stuffed", StringComparison.Ordinal) && t.Contains("cookie_stuffing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("cookie_stuffing")]
    [InlineData("forced_click")]
    [InlineData("hidden_click")]
    [InlineData("pop_under")]
    public void A6_invalid_traffic_attributes_nothing_in_every_program(string kind)
    {
        var click = Click("c1", "2026-02-03T00:00:00Z", country: "RU", invalid: kind);
        var result = Attribution.Attribution.Decide([click], OrderAt, Window);
        Assert.Equal("c1", result.Click?.Id);

        foreach (var (program, country) in new[] { (Ww, "DE"), (Ww, "RU"), (Cis, "RU") })
        {
            var order = Order(country: country, lines: Line(sellerRate: 0.1m));
            var commission = Compute(order, program, click with { Country = country });
            Assert.Equal(0m, commission.Total);
            Assert.All(commission.Lines, l => Assert.Equal(Commission.Reasons.InvalidTraffic, l.Reason));
        }
    }

    [Fact]
    public void I1_a_publisher_sees_its_own_skipped_clicks_in_the_trace_but_not_another_publishers_click_ids()
    {
        using var h = Harness.Sqlite().Publisher("p1").Publisher("p2");
        h.Click("their-click", "v1", "2026-02-01T09:00:00Z", publisher: "p2", invalid: "cookie_stuffing");
        h.Click("own-bad", "v1", "2026-02-01T09:30:00Z", publisher: "p1", invalid: "forced_click");
        h.Click("own-good", "v1", "2026-02-01T10:00:00Z", publisher: "p1");
        var order = h.Order();
        Assert.Contains(order.AttributionTrace, l => l.Contains("their-click", StringComparison.Ordinal));

        var shown = h.Platform.Store.Read(s => LastClick.Orders.OrderService.ForItsPublisher(s, order));

        Assert.DoesNotContain(shown.AttributionTrace, l => l.Contains("their-click", StringComparison.Ordinal));
        Assert.Contains("another publisher's click skipped: invalid traffic (cookie_stuffing)", shown.AttributionTrace);
        Assert.Contains(shown.AttributionTrace, l => l.StartsWith("click own-bad skipped", StringComparison.Ordinal));
        Assert.Equal(order.AttributionTrace.Count, shown.AttributionTrace.Count);
    }
}
