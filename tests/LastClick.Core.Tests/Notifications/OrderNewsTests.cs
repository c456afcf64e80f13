using LastClick.Data;
using LastClick.Orders;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Notifications;

/// <summary>I2: every change a credited order's publisher hears of is one outbox message, written with the change, on both stores.</summary>
public sealed class OrderNewsTests : IClassFixture<PostgresAvailability>
{
    public static TheoryData<string> Stores => TestStores.Providers;

    [Theory]
    [MemberData(nameof(Stores))]
    public void I2_each_status_change_and_each_adjustment_of_a_credited_order_is_exactly_one_message(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click();
        var seen = new List<string>();
        var before = (Status: (string?)null, Commission: (string?)null);

        // After each step: a new status is one message of that status, the same status with another commission one
        // "adjusted", anything else none.
        void Step(Action act)
        {
            act();
            var order = h.Find("o1");
            var expected = before.Status is null ? "order_created"
                : before.Status != order.Status ? $"order_{order.Status}"
                : before.Commission != order.Commission ? "order_adjusted"
                : null;
            var messages = h.Platform.Store.Read(s => Outbox.Read(s, "p1")).Where(m => m.Subject == "order:o1").Select(m => m.Kind).ToList();
            if (expected is not null) seen.Add(expected);
            Assert.Equal(seen, messages);
            before = (order.Status, order.Commission);
        }

        Step(() => h.Order("o1", lines: [Line(price: 300m), Line("l2", price: 100m)]));
        Step(() => h.Event("e1", "paid", "2026-02-02T10:00:00Z"));
        Step(() => h.Event("e2", "refunded", "2026-02-02T11:00:00Z", line: "l2", amount: 100m));
        Step(() => h.Event("e3", "goods_received", "2026-02-04T00:00:00Z"));
        Step(() => h.Payout("2026-02-06T00:00:00Z"));
        Step(() => h.Event("e4", "fraud", "2026-02-07T00:00:00Z"));
        Step(() => h.Event("e4", "fraud", "2026-02-07T00:00:00Z")); // a repeated event: no news

        Assert.Equal(["order_created", "order_adjusted", "order_payable", "order_paid", "order_declined"], seen);
        var last = h.Platform.Store.Read(s => Outbox.Read(s, "p1", "order_declined")).Single();
        using var payload = System.Text.Json.JsonDocument.Parse(last.Payload);
        Assert.Equal(("declined", "o1", "c1", "USD", "aliexpress-ww"), (payload.RootElement.GetProperty("status").GetString(), payload.RootElement.GetProperty("orderId").GetString(),
            payload.RootElement.GetProperty("clickId").GetString(), payload.RootElement.GetProperty("currency").GetString(), payload.RootElement.GetProperty("program").GetString()));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void I2_an_order_credited_to_nobody_is_no_publishers_news(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Order("o1", visitor: "nobody");
        Assert.DoesNotContain(h.Platform.Store.Read(s => Outbox.Read(s)), m => m.Kind.StartsWith("order_", StringComparison.Ordinal));
    }
}
