using LastClick.Commissions;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Rules;

public sealed class LifecycleTests
{
    private static Harness WithClick(params LastClick.Programs.ProgramDefinition[] programs)
    {
        var h = Harness.Sqlite(programs).Publisher();
        h.Click();
        return h;
    }

    [Fact]
    public void C1_pending_then_confirmed_goods_received_then_payable_at_once_then_paid()
    {
        using var h = WithClick();
        Assert.Equal("pending", h.Order(lines: Line(price: 500m)).Status); // 36.00 USD
        Assert.Equal(36.00m, h.Balance().Pending);

        h.Event("e1", "paid", "2026-02-02T09:01:00Z");
        Assert.Equal("pending", h.Find().Status);

        h.Event("e2", "goods_received", "2026-02-10T00:00:00Z");
        Assert.Equal("payable", h.Find().Status); // AliExpress: no hold, payable for the next weekly run
        Assert.Equal(36.00m, h.Balance().Payable);

        var run = h.Payout("2026-02-13T00:00:00Z");
        Assert.Equal("paid", Assert.Single(run).Status);
        Assert.Equal("paid", h.Find().Status);
        Assert.Equal(new BalanceView("p1", "USD", 0m, 0m, 0m, 36.00m), h.Balance());
    }

    [Fact]
    public void C1_auto_confirmation_confirms_like_goods_received()
    {
        using var h = WithClick();
        h.Order();
        h.Event("e1", "auto_confirmed", "2026-03-01T00:00:00Z");
        Assert.Equal("payable", h.Find().Status);
    }

    [Fact]
    public void C1_with_a_hold_a_confirmed_commission_becomes_payable_when_the_hold_has_passed()
    {
        var held = Edited("aliexpress-ww", json => json.Replace("\"holdDays\": 0", "\"holdDays\": 14", StringComparison.Ordinal));
        using var h = WithClick(held);
        h.Order(lines: Line(price: 500m));
        h.Event("e1", "goods_received", "2026-02-10T00:00:00Z");
        Assert.Equal("confirmed", h.Find().Status);
        Assert.Equal(36.00m, h.Balance().Confirmed);

        h.Clock.Set(T("2026-02-23T23:59:59Z"));
        Assert.Equal(0, h.Platform.Orders.Advance());
        h.Clock.Set(T("2026-02-24T00:00:00Z"));
        Assert.Equal(1, h.Platform.Orders.Advance());
        Assert.Equal("payable", h.Find().Status);
        Assert.Equal(36.00m, h.Balance().Payable);
        Assert.Equal([EntryKinds.Commission, EntryKinds.Confirmation, EntryKinds.Release], h.Transfers().Select(t => t.Kind));
    }

    [Theory]
    [InlineData("cancelled", "cancelled")]
    [InlineData("refunded", "refunded")]
    [InlineData("fraud", "fraud")]
    public void C1_cancelled_fully_refunded_or_fraudulent_before_payment_is_declined(string type, string reason)
    {
        using var h = WithClick();
        h.Order(lines: Line(price: 500m));
        h.Event("e1", "goods_received", "2026-02-05T00:00:00Z");
        h.Event("e2", type, "2026-02-06T00:00:00Z");

        var order = h.Find();
        Assert.Equal("declined", order.Status);
        Assert.Equal(reason, order.Reason);
        Assert.All(order.Lines, l => Assert.Equal(reason, l.Reason));
        Assert.Equal(new BalanceView("p1", "USD", 0m, 0m, 0m, 0m), h.Balance());
        Assert.Equal(EntryKinds.Reversal, h.Transfers()[^1].Kind);
    }

    [Fact]
    public void C1_a_partial_refund_recomputes_the_line()
    {
        using var h = WithClick();
        h.Order(lines: [Line("l1", price: 100m, quantity: 2), Line("l2", "Mobile phones", 100m)]); // 14.40 + 2.40
        h.Event("e1", "refunded", "2026-02-05T00:00:00Z", line: "l1", amount: 50m);

        var order = h.Find();
        Assert.Equal("pending", order.Status);
        Assert.Equal("13.20", order.Commission); // 150 × 7.2% + 2.40
        Assert.Equal(13.20m, h.Balance().Pending);
        Assert.Equal(EntryKinds.Adjustment, h.Transfers()[^1].Kind);

        h.Event("e2", "refunded", "2026-02-06T00:00:00Z", line: "l1", amount: 150m);
        Assert.Equal("refunded", h.Find().Lines[0].Reason);
        Assert.Equal("2.40", h.Find().Commission);
    }

    [Fact]
    public void C2_a_refund_after_payment_is_a_negative_refund_adjustment_recovered_from_later_payouts()
    {
        using var h = WithClick();
        h.Order(lines: Line(price: 500m)); // 36.00
        h.Event("e1", "goods_received", "2026-02-05T00:00:00Z");
        h.Payout("2026-02-06T00:00:00Z");
        h.Event("e2", "refunded", "2026-02-08T00:00:00Z", line: "l1", amount: 250m);

        Assert.Equal("paid", h.Find().Status);
        Assert.Equal("18.00", h.Find().Commission);
        var deduction = h.Transfers()[^1];
        Assert.Equal((EntryKinds.RefundAdjustment, "payable", "program", 18.00m), (deduction.Kind, deduction.From, deduction.To, deduction.Amount));
        Assert.Equal(-18.00m, h.Balance().Payable);

        // A later order earns 40.00 USD, capped at 38.00: the next run pays 38.00 − 18.00 = 20.00 (the debt is recovered first).
        h.Click("c2", at: "2026-02-09T00:00:00Z");
        h.Order("o2", "2026-02-09T01:00:00Z", lines: Line(price: 555.56m));
        h.Event("e3", "goods_received", "2026-02-10T00:00:00Z", order: "o2");
        var run = Assert.Single(h.Payout("2026-02-13T00:00:00Z"));
        Assert.Equal(("paid", "20.00"), (run.Status, run.Amount));
        Assert.Equal(0m, h.Balance().Payable);
        Assert.Equal(36.00m + 20.00m, h.Balance().Paid);
    }

    [Fact]
    public void C2_fraud_after_payment_is_an_antispam_deduction_and_the_balance_goes_negative()
    {
        using var h = WithClick();
        h.Order(lines: Line(price: 500m));
        h.Event("e1", "goods_received", "2026-02-05T00:00:00Z");
        h.Payout("2026-02-06T00:00:00Z");
        h.Event("e2", "fraud", "2026-03-10T00:00:00Z");

        var order = h.Find();
        Assert.Equal(("declined", "fraud", "0.00"), (order.Status, order.Reason, order.Commission));
        var deduction = h.Transfers()[^1];
        Assert.Equal((EntryKinds.AntispamDeduction, 36.00m), (deduction.Kind, deduction.Amount));
        Assert.Equal(-36.00m, h.Balance().Balance);

        var run = Assert.Single(h.Payout("2026-03-13T00:00:00Z"));
        Assert.Equal(("carried_over", "negative_balance"), (run.Status, run.Reason));
    }

    [Fact]
    public void C3_a_repeated_event_changes_nothing_and_a_conflicting_one_is_refused()
    {
        using var h = WithClick();
        h.Order(lines: Line(price: 500m));
        Assert.True(h.Event("e1", "refunded", "2026-02-05T00:00:00Z", line: "l1", amount: 100m));
        var before = h.Transfers().Count;
        Assert.False(h.Event("e1", "refunded", "2026-02-05T00:00:00Z", line: "l1", amount: 100m));
        Assert.Equal(before, h.Transfers().Count);
        Assert.Equal("28.80", h.Find().Commission);

        var conflict = Assert.Throws<LastClick.Common.ProblemException>(() => h.Event("e1", "refunded", "2026-02-05T00:00:00Z", line: "l1", amount: 200m));
        Assert.Equal("conflict", conflict.Problem.Type);
        Assert.Equal("28.80", h.Find().Commission);
    }

    [Fact]
    public void C3_events_out_of_order_end_in_the_right_state()
    {
        using var h = WithClick();
        h.Order(lines: Line(price: 500m));
        // Goods received arrives first, then the paid event dated before it (received later: the clock never goes back).
        h.Event("e2", "goods_received", "2026-02-10T00:00:00Z");
        h.Event("e1", "paid", "2026-02-02T09:01:00Z");
        Assert.Equal("payable", h.Find().Status);

        using var inOrder = WithClick();
        inOrder.Order(lines: Line(price: 500m));
        inOrder.Event("e1", "paid", "2026-02-02T09:01:00Z");
        inOrder.Event("e2", "goods_received", "2026-02-10T00:00:00Z");
        Assert.Equal(inOrder.Balance(), h.Balance());
    }

    [Fact]
    public void C3_the_lifecycle_fold_is_the_same_for_every_order_of_the_events()
    {
        var order = Order(lines: [Line("a", price: 100m), Line("b", price: 50m)]);
        OrderEvent E(string id, EventType t, string at, string? line = null, decimal? amount = null) => new(id, "o1", t, T(at), line, amount);
        var events = new[]
        {
            E("1", EventType.Paid, "2026-02-02T00:00:00Z"), E("2", EventType.Refunded, "2026-02-03T00:00:00Z", "a", 30m),
            E("3", EventType.GoodsReceived, "2026-02-04T00:00:00Z"), E("4", EventType.Refunded, "2026-02-05T00:00:00Z", "a", 100m),
        };
        var expected = OrderLifecycle.Fold(events, order);
        foreach (var permutation in Permutations(events))
        {
            var facts = OrderLifecycle.Fold(permutation, order);
            Assert.Equal(expected with { LineRefunds = null! }, facts with { LineRefunds = null! });
            Assert.Equal(expected.LineRefunds, facts.LineRefunds);
        }
        Assert.Equal(100m, expected.LineRefunds["a"]);
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items) =>
        items.Length <= 1 ? [items] : items.SelectMany((x, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => (T[])[x, .. rest]));

    [Fact]
    public void C4_approval_rate_is_approved_over_decided_per_publisher_and_program()
    {
        using var h = Harness.Sqlite().Publisher("p1").Publisher("p2");
        h.Click("c1", "v1", publisher: "p1");
        h.Click("c2", "v2", publisher: "p2");
        h.Order("o1", visitor: "v1");
        h.Order("o2", visitor: "v1");
        h.Order("o3", visitor: "v1");
        h.Order("o4", visitor: "v2");
        h.Event("e1", "goods_received", "2026-02-03T00:00:00Z", order: "o1");
        h.Event("e2", "goods_received", "2026-02-03T00:00:00Z", order: "o2");
        h.Event("e3", "cancelled", "2026-02-03T00:00:00Z", order: "o3");
        h.Event("e4", "refunded", "2026-02-03T00:00:00Z", order: "o4");

        var rates = h.Platform.Ledger.ApprovalRates("aliexpress-ww");
        Assert.Equal(0.6667m, rates.Single(r => r.Publisher == "p1").Rate);
        Assert.Equal(0m, rates.Single(r => r.Publisher == "p2").Rate);
        Assert.Equal((2, 2, 0.5m), rates.Single(r => r.Publisher is null) is var all ? (all.Approved, all.Declined, all.Rate) : default);
        Assert.Null(OrderLifecycle.ApprovalRate(0, 0));
    }
}
