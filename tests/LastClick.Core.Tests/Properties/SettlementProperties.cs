using FsCheck;
using FsCheck.Fluent;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Orders;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Properties;

/// <summary>
/// The settlement decision on its own, without a store (D1, C1–C3): random orders and stories of events, payout runs and
/// confirmed findings, folded through <see cref="Settlements.Decide"/> into an in-memory ledger. The publisher's accounts
/// always add up to the decided commission, deciding twice posts nothing, and the events' arrival order does not matter.
/// </summary>
public sealed class SettlementProperties
{
    public sealed record Happening(string Kind, int Hour, int Line, int Cents);
    public sealed record Story(int[] Prices, Happening[] Steps, bool Credited);

    private static readonly Gen<Happening> HappeningGen =
        from kind in Gen.Frequency((4, Gen.Constant("goods_received")), (2, Gen.Constant("paid")), (3, Gen.Constant("refund_line")), (1, Gen.Constant("refunded")),
            (1, Gen.Constant("cancelled")), (1, Gen.Constant("fraud")), (1, Gen.Constant("finding")), (3, Gen.Constant("payout")))
        from hour in Gen.Choose(1, 400)
        from line in Gen.Choose(0, 2)
        from cents in Gen.Choose(1, 40_000)
        select new Happening(kind, hour, line, cents);

    private static readonly Gen<Story> StoryGen =
        from prices in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 200_000), n))
        from steps in Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(HappeningGen, n))
        from credited in Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)))
        select new Story(prices, steps, credited);

    private static readonly DateTimeOffset Start = T("2026-02-01T00:00:00Z");

    private sealed class Books
    {
        public Dictionary<Account, decimal> Balances { get; } = Enum.GetValues<Account>().ToDictionary(a => a, _ => 0m);

        public void Post(IEnumerable<Transfer> transfers)
        {
            foreach (var t in transfers)
            {
                Assert.True(t.Amount > 0m, $"a transfer moves a positive amount ({t})");
                Balances[t.From] -= t.Amount;
                Balances[t.To] += t.Amount;
            }
        }

        public decimal Publisher => Balances[Account.Pending] + Balances[Account.Confirmed] + Balances[Account.Payable] + Balances[Account.Paid];
    }

    private static (Order Order, OrderState State) Begin(Story story)
    {
        var lines = story.Prices.Select((p, i) => Line($"l{i}", i % 2 == 0 ? "Toys" : "Mobile phones", p / 100m)).ToArray();
        var order = new Order("o1", Start, Currency.Of("EUR"), "DE", lines, "v1");
        var rates = Commission.Rate(order, Click("c1", "2026-01-31T23:00:00Z"), Ww, new PublisherContext("content"));
        return (order, new OrderState(order, story.Credited ? "p1" : null, story.Credited ? null : "no_click", Currency.Of("USD"), rates, OrderPosition.Empty));
    }

    private static OrderFacts Apply(OrderFacts facts, Happening step, Order order, int index)
    {
        var at = Start + TimeSpan.FromHours(step.Hour);
        return step.Kind switch
        {
            "finding" => facts with { Finding = facts.Finding ?? new FindingFact(index, Commission.Reasons.InvalidTraffic, at) },
            "refund_line" => OrderLifecycle.Apply(facts, new OrderEvent($"e{index}", "o1", EventType.Refunded, at, order.Lines[step.Line % order.Lines.Count].Id,
                Math.Min(step.Cents / 100m, order.Lines[step.Line % order.Lines.Count].Amount)), order),
            _ => OrderLifecycle.Apply(facts, new OrderEvent($"e{index}", "o1", OrderService.ParseEventType(step.Kind), at), order),
        };
    }

    [Fact]
    public void D1_C2_the_publishers_accounts_always_hold_the_decided_commission_and_deciding_again_posts_nothing() =>
        Prop.ForAll(StoryGen.ToArbitrary(), story =>
        {
            var (order, state) = Begin(story);
            var books = new Books();
            var facts = OrderFacts.None;
            var now = Start;
            var decision = Settlements.Decide(state, facts, Ww, now);
            books.Post(decision.Transfers);
            state = state with { Position = decision.Position };
            for (var i = 0; i < story.Steps.Length; i++)
            {
                var step = story.Steps[i];
                now = Max(now, Start + TimeSpan.FromHours(step.Hour));
                if (step.Kind == "payout")
                {
                    // A payout run pays what is payable (held in the payable account) and marks the order paid out.
                    if (state.Position is { Held: Account.Payable, HeldAmount: > 0m } held)
                    {
                        books.Post([new Transfer(EntryKinds.Payout, Account.Payable, Account.Paid, held.HeldAmount)]);
                        state = state with { Position = new OrderPosition(null, 0m, true, held.HeldAmount) };
                    }
                    continue;
                }
                facts = Apply(facts, step, order, i);
                decision = Settlements.Decide(state, facts, Ww, now);
                books.Post(decision.Transfers);
                state = state with { Position = decision.Position };

                Assert.Equal(0m, books.Balances.Values.Sum()); // conservation (D1)
                Assert.Equal(decision.Commission, books.Publisher); // what the publisher holds is what the order earns now
                Assert.True(decision.Commission >= 0m);
                if (OrderLifecycle.DeclineReason(facts) is { } reason)
                {
                    Assert.Equal((OrderStatus.Declined, 0m), (decision.Status, decision.Commission));
                    Assert.All(decision.Lines, l => Assert.Equal(story.Credited ? reason : "no_click", l.Reason));
                }
                if (state.Position.PaidOut && decision.Transfers.Any(t => t.From == Account.Payable && t.To == Account.Program))
                {
                    // After payout a loss is taken back from the payable balance, as a deduction (C2), never from paid.
                    Assert.All(decision.Transfers, t => Assert.Contains(t.Kind, new[] { EntryKinds.AntispamDeduction, EntryKinds.RefundAdjustment }));
                    Assert.Equal(OrderLifecycle.Fraudulent(facts), decision.Transfers.All(t => t.Kind == EntryKinds.AntispamDeduction));
                }
                var again = Settlements.Decide(state, facts, Ww, now);
                Assert.Empty(again.Transfers);
                Assert.True(again.SameOutcome(decision));
            }
            if (!story.Credited) Assert.Equal(0m, books.Publisher);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void C3_the_settlement_of_a_set_of_events_does_not_depend_on_their_order() =>
        Prop.ForAll(StoryGen.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (story, seed) =>
        {
            var (order, state) = Begin(story);
            var steps = story.Steps.Select((s, i) => (Happening: s, Index: i)).Where(s => s.Happening.Kind != "payout").ToList();
            var now = Start + TimeSpan.FromHours(500);
            OrderFacts Fold(IEnumerable<(Happening Happening, int Index)> ordered) => ordered.Aggregate(OrderFacts.None, (f, s) => Apply(f, s.Happening, order, s.Index));
            var inOrder = Settlements.Decide(state, Fold(steps), Ww, now);
            var random = new Random(seed);
            var shuffled = Settlements.Decide(state, Fold(steps.OrderBy(_ => random.Next()).ToList()), Ww, now);
            Assert.True(inOrder.SameOutcome(shuffled));
            Assert.Equal(inOrder.Transfers, shuffled.Transfers);
        }).QuickCheckThrowOnFailure();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
