using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using LastClick.Commissions;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Properties;

/// <summary>
/// Property tests over random stories of orders, events and payout runs, played through the real services on
/// SQLite: money is conserved, each balance is the sum of its entries, and events replayed twice or in any
/// arrival order leave the same books.
/// </summary>
public sealed class LedgerProperties
{
    public sealed record StoryLine(string Category, int PriceCents, int Quantity, bool Affiliated);
    public sealed record StoryOrder(int Publisher, int Hour, string Currency, StoryLine[] Lines);
    public sealed record StoryEvent(int Order, string Type, int Hour, int Line, int RefundCents);
    public sealed record Story(StoryOrder[] Orders, StoryEvent[] Events, int[] PayoutHours);

    private static readonly string[] Categories = ["Mobile phones", "Mobile phone accessories", "Garden supplies", "Toys", "Books"];

    private static readonly Gen<StoryLine> LineGen =
        from category in Gen.Elements(Categories)
        from price in Gen.Choose(1, 150_000)
        from quantity in Gen.Choose(1, 3)
        from affiliated in Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new StoryLine(category, price, quantity, affiliated);

    private static readonly Gen<StoryOrder> OrderGen =
        from publisher in Gen.Choose(0, 2)
        from hour in Gen.Choose(0, 300)
        from currency in Gen.Elements("USD", "EUR", "GBP")
        from lines in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(LineGen, n))
        select new StoryOrder(publisher, hour, currency, lines);

    private static Gen<StoryEvent> EventGen(int orders) =>
        from order in Gen.Choose(0, orders - 1)
        from type in Gen.Frequency(
            (4, Gen.Constant("goods_received")), (3, Gen.Constant("paid")), (1, Gen.Constant("auto_confirmed")),
            (3, Gen.Constant("refunded_line")), (1, Gen.Constant("refunded")), (1, Gen.Constant("cancelled")), (1, Gen.Constant("fraud")))
        from hour in Gen.Choose(1, 500)
        from line in Gen.Choose(0, 2)
        from refund in Gen.Choose(1, 50_000)
        select new StoryEvent(order, type, hour, line, refund);

    private static readonly Gen<Story> StoryGen =
        from orders in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(OrderGen, n))
        from events in Gen.Choose(0, 20).SelectMany(n => Gen.ArrayOf(EventGen(orders.Length), n))
        from payouts in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(24, 800), n))
        select new Story(orders, events, payouts.Distinct().ToArray());

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(60);

    private static readonly DateTimeOffset Start = T("2026-02-01T00:00:00Z");

    private static string At(int hour) => (Start + TimeSpan.FromHours(hour)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Harness Prepare() => Harness.Sqlite().Publisher("p0").Publisher("p1", "coupon").Publisher("p2", "dropshipping");

    private static void PlaceOrder(Harness h, Story story, int k)
    {
        var o = story.Orders[k];
        h.Click($"c{k}", $"v{k}", At(o.Hour), $"p{o.Publisher}");
        h.Order($"o{k}", At(o.Hour + 1), o.Currency, "DE", $"v{k}", lines: o.Lines.Select((l, i) =>
            Line($"l{i}", l.Category, l.PriceCents / 100m, l.Quantity, l.Affiliated)).ToArray());
    }

    private static void ApplyEvent(Harness h, Story story, int index, string? receivedAt = null)
    {
        var e = story.Events[index];
        var order = story.Orders[e.Order];
        var at = At(order.Hour + 1 + e.Hour);
        if (receivedAt is not null) h.Clock.Set(T(receivedAt));
        if (e.Type == "refunded_line")
        {
            var line = e.Line % order.Lines.Length;
            // A single refund is at most its line's value (a larger one is refused, I1); several may add up past it (capped).
            var worth = order.Lines[line].PriceCents * order.Lines[line].Quantity;
            h.Event($"e{index}", "refunded", at, $"o{e.Order}", $"l{line}", Math.Min(e.RefundCents, worth) / 100m);
        }
        else
        {
            h.Event($"e{index}", e.Type, at, $"o{e.Order}");
        }
    }

    /// <summary>Everything in time order, payout runs included, as the replay plays it.</summary>
    private static Harness PlayInTimeOrder(Story story)
    {
        var h = Prepare();
        var timeline = new List<(int Hour, int Kind, int Index)>();
        timeline.AddRange(story.Orders.Select((o, k) => (o.Hour, 0, k)));
        timeline.AddRange(story.Events.Select((e, i) => (story.Orders[e.Order].Hour + 1 + e.Hour, 1, i)));
        timeline.AddRange(story.PayoutHours.Select(p => (p, 2, p)));
        var placed = new HashSet<int>();
        foreach (var (hour, kind, index) in timeline.OrderBy(t => t.Hour).ThenBy(t => t.Kind))
        {
            if (kind == 0) { PlaceOrder(h, story, index); placed.Add(index); }
            else if (kind == 1 && placed.Contains(story.Events[index].Order)) ApplyEvent(h, story, index);
            else if (kind == 1) continue;
            else h.Payout(At(hour));
        }
        return h;
    }

    private static (string Publisher, string Currency, decimal Pending, decimal Confirmed, decimal Payable, decimal Paid)[] Books(Harness h) =>
        h.Platform.Ledger.Balances().Select(b => (b.Publisher, b.Currency, b.Pending, b.Confirmed, b.Payable, b.Paid)).ToArray();

    private static (string, string, string, string?)[] OrderStates(Harness h, Story story) =>
        story.Orders.Select((_, k) => h.Find($"o{k}")).Select(o => (o.Id, o.Status, o.Commission, o.Reason)).ToArray();

    [Fact]
    public void D1_money_is_conserved_and_every_balance_is_the_sum_of_its_entries()
    {
        Check.One(Runs, Prop.ForAll(Arb.From(StoryGen), (Story story) =>
        {
            using var h = PlayInTimeOrder(story);
            var transfers = h.Transfers();
            Assert.All(transfers, t => Assert.True(t.Amount > 0m && t.From != t.To));

            // The program's expense account is exactly minus everything the publishers hold or were paid.
            var program = transfers.Where(t => t.To == "program").Sum(t => t.Amount) - transfers.Where(t => t.From == "program").Sum(t => t.Amount);
            var balances = h.Platform.Ledger.Balances();
            Assert.Equal(-program, balances.Sum(b => b.Pending + b.Confirmed + b.Payable + b.Paid));

            foreach (var b in balances)
            {
                decimal Sum(string account) =>
                    transfers.Where(t => t.Publisher == b.Publisher && t.Currency == b.Currency && t.To == account).Sum(t => t.Amount)
                    - transfers.Where(t => t.Publisher == b.Publisher && t.Currency == b.Currency && t.From == account).Sum(t => t.Amount);
                Assert.Equal((Sum("pending"), Sum("confirmed"), Sum("payable"), Sum("paid")), (b.Pending, b.Confirmed, b.Payable, b.Paid));
            }

            // What the ledger holds for each publisher is what its orders earn now.
            var orders = story.Orders.Select((_, k) => h.Find($"o{k}")).Where(o => o.Publisher is not null).ToList();
            foreach (var group in orders.GroupBy(o => o.Publisher!))
            {
                var held = balances.Where(b => b.Publisher == group.Key).Sum(b => b.Pending + b.Confirmed + b.Payable + b.Paid);
                Assert.Equal(group.Sum(o => decimal.Parse(o.Commission, CultureInfo.InvariantCulture)), held);
            }
            Assert.All(orders.SelectMany(o => o.Lines), l => Assert.True(l.Commission != "0.00" || l.Reason is not null, $"line {l.Id} pays zero without a reason"));
            Assert.All(orders.Where(o => o.Status == "declined"), o => Assert.Equal("0.00", o.Commission));
        }));
    }

    [Fact]
    public void C3_replaying_every_event_twice_leaves_the_same_ledger()
    {
        Check.One(Runs, Prop.ForAll(Arb.From(StoryGen), (Story story) =>
        {
            using var h = PlayInTimeOrder(story);
            var books = Books(h);
            var transfers = h.Transfers().Count;
            for (var i = 0; i < story.Events.Length; i++) ApplyEvent(h, story, i);

            Assert.Equal(books, Books(h));
            Assert.Equal(transfers, h.Transfers().Count);
        }));
    }

    [Fact]
    public void C3_events_arriving_in_any_order_leave_the_same_books()
    {
        var withShuffle =
            from story in StoryGen
            from order in Gen.Shuffle(Enumerable.Range(0, story.Events.Length).ToArray())
            select (story with { PayoutHours = [] }, order);

        // More runs here: an arrival-order bug shows only when two events of one order collide (about one story in three).
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(Arb.From(withShuffle), ((Story Story, int[] Arrival) input) =>
        {
            var (story, arrival) = input;
            var end = At(2000);
            using var inOrder = Prepare();
            using var shuffled = Prepare();
            for (var k = 0; k < story.Orders.Length; k++)
            {
                PlaceOrder(inOrder, story, k);
                PlaceOrder(shuffled, story, k);
            }
            foreach (var i in Enumerable.Range(0, story.Events.Length).OrderBy(i => story.Orders[story.Events[i].Order].Hour + story.Events[i].Hour))
            {
                ApplyEvent(inOrder, story, i, end);
            }
            foreach (var i in arrival) ApplyEvent(shuffled, story, i, end);

            Assert.Equal(OrderStates(inOrder, story), OrderStates(shuffled, story));
            Assert.Equal(Books(inOrder), Books(shuffled));
        }));
    }
}
