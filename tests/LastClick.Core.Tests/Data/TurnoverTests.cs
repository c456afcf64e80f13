using Dapper;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Lifecycle;
using LastClick.Orders;
using LastClick.Reports;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Data;

/// <summary>
/// B13's turnover: the previous month's confirmed sales, kept per publisher, program and month as orders change, and
/// read as one row. It must agree with summing the orders, one at a time, in a group commit's batch and in a replay's.
/// </summary>
public sealed class TurnoverTests : IClassFixture<PostgresAvailability>
{
    private static decimal Rate(OrderView order) => order.Lines[0].Rate;

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void B13_the_previous_months_confirmed_sales_lift_the_rates_and_follow_every_change_of_an_order(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        // January: 150,000 and 60,000 USD of p1's sales, and 300,000 of p2's that are never confirmed.
        h.Click("c1", "v1", "2026-01-05T10:00:00Z");
        h.Order("j1", "2026-01-06T09:00:00Z", lines: Line(price: 150_000m));
        h.Order("j2", "2026-01-07T09:00:00Z", lines: Line(price: 60_000m));
        h.Click("c9", "v9", "2026-01-05T10:00:00Z", publisher: "p2");
        h.Order("j9", "2026-01-07T09:00:00Z", visitor: "v9", lines: Line(price: 300_000m));
        h.Click("c2", "v2", "2026-02-01T10:00:00Z");

        // Only j1 confirmed: 150,000, under the first tier's 200,000.
        h.Event("e1", "goods_received", "2026-01-20T00:00:00Z", order: "j1");
        Assert.Equal(0.072m, Rate(h.Order("f1", "2026-02-02T09:00:00Z", visitor: "v2")));
        // j2 confirmed: 210,000.
        h.Event("e2", "goods_received", "2026-02-02T10:00:00Z", order: "j2");
        Assert.Equal(0.076m, Rate(h.Order("f2", "2026-02-02T11:00:00Z", visitor: "v2")));
        // An order sent with its zone counts by its UTC month: 1 March 01:00 in Moscow is still February, so its
        // previous month is January.
        h.Click("c3", "v3", "2026-02-28T20:00:00Z");
        h.Clock.Set(T("2026-02-28T23:00:00Z"));
        var moscow = new Order("f3", new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.FromHours(3)), Currency.Of("USD"), "DE", [Line()], "v3");
        Assert.Equal(0.076m, Rate(h.Platform.Orders.Ingest(moscow, "aliexpress-ww")));
        // j2 refunded by 20,000 after its confirmation: 190,000, under again.
        h.Event("e3", "refunded", "2026-02-28T23:00:00Z", order: "j2", line: "l1", amount: 20_000m);
        Assert.Equal(0.072m, Rate(h.Order("f4", "2026-02-28T23:30:00Z", visitor: "v3")));

        Assert.Equal(SummedFromOrders(h), Kept(h));
        Assert.Equal(190_000_00L, Kept(h)[("p1", "aliexpress-ww", QualityRollup.MonthOf(Times.ToMicros(T("2026-01-01T00:00:00Z"))))]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_confirmation_earlier_in_a_batch_counts_for_the_orders_after_it_as_one_at_a_time(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        h.Click("c1", "v1", "2026-01-05T10:00:00Z");
        h.Order("j1", "2026-01-06T09:00:00Z", lines: Line(price: 250_000m));
        h.Order("j2", "2026-01-06T10:00:00Z", lines: Line(price: 260_000m));
        h.Click("c2", "v2", "2026-02-01T10:00:00Z");
        h.Clock.Set(T("2026-02-02T12:00:00Z"));
        var orders = h.Platform.Orders;
        OrderView New(LastClick.Data.DbSession s, string id) =>
            orders.Ingest(s, new Order(id, T("2026-02-02T09:00:00Z"), Currency.Of("USD"), "DE", [Line()], "v2"), "aliexpress-ww");
        void Confirm(LastClick.Data.DbSession s, string id, string order) =>
            orders.ApplyEvent(s, new OrderEvent(id, order, EventType.GoodsReceived, T("2026-02-02T10:00:00Z"), null, null));

        var rates = h.Platform.Store.InSession(s =>
        {
            // As a group commit runs pieces. One that confirms and then fails is rolled back: its share is dropped.
            s.Execute("SAVEPOINT job");
            s.BeginPiece();
            Confirm(s, "e1", "j1");
            s.EndPiece(kept: false);
            s.Execute("ROLLBACK TO SAVEPOINT job");
            s.Execute("RELEASE SAVEPOINT job");
            s.BeginPiece();
            var before = New(s, "f1");
            s.EndPiece(kept: true);
            // The confirmation's piece ends (its share waits in the batch), the next reads.
            s.BeginPiece();
            Confirm(s, "e1", "j1");
            s.EndPiece(kept: true);
            s.BeginPiece();
            var afterPiece = New(s, "f2");
            s.EndPiece(kept: true);
            // As a replay runs steps: in one piece, the share waits in the piece (510,000: over the second tier).
            s.BeginPiece();
            Confirm(s, "e2", "j2");
            var samePiece = New(s, "f3");
            s.EndPiece(kept: true);
            s.WriteFolded();
            return (Rate(before), Rate(afterPiece), Rate(samePiece));
        });

        Assert.Equal((0.072m, 0.076m, 0.081m), rates);
        Assert.Equal(SummedFromOrders(h), Kept(h));
    }

    /// <summary>What the tiers read before the table: the approved orders' sales, summed per publisher and month.</summary>
    private static Dictionary<(string, string, int), long> SummedFromOrders(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.Query<(string Publisher, string Program, long At, long Sales)>(
                "SELECT publisher_id, program_id, at, sales_minor FROM orders WHERE publisher_id IS NOT NULL AND status IN ('confirmed', 'payable', 'paid')")
            .GroupBy(o => (o.Publisher, o.Program, QualityRollup.MonthOf(o.At)))
            .Select(g => (g.Key, Sum: g.Sum(o => o.Sales)))
            .Where(g => g.Sum != 0)
            .ToDictionary(g => g.Key, g => g.Sum);
    }

    private static Dictionary<(string, string, int), long> Kept(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.Query<(string Publisher, string Program, long Month, long Sales)>("SELECT publisher_id, program_id, month, sales_minor FROM publisher_turnover")
            .Where(r => r.Sales != 0)
            .ToDictionary(r => (r.Publisher, r.Program, (int)r.Month), r => r.Sales);
    }
}
