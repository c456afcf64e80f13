using System.Globalization;
using Dapper;
using FsCheck;
using FsCheck.Fluent;
using LastClick.Data;
using LastClick.Reports;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Properties;

/// <summary>
/// Issue 5: the rollups equal a direct aggregation of the raw facts, on both stores, for random stories of clicks
/// (through the redirect's group commit and the one-at-a-time path, repeated ids, visitors coming back the same day
/// and the next, invalid traffic, every device) and orders with their events and payout runs (refunds, cancellations,
/// fraud and payments move money between the status columns). The SQL rebuild gives the same tables.
/// </summary>
public sealed class RollupProperties : IClassFixture<PostgresAvailability>
{
    public sealed record StoryClick(int Publisher, int Link, int Visitor, int Minute, int Agent, int Ip, int Sub, bool Invalid, bool Batched);
    public sealed record StoryOrder(int Click, int MinutesAfter, int PriceCents);
    public sealed record StoryEvent(int Order, string Type, int Hours, int RefundCents);
    public sealed record Story(StoryClick[] Clicks, StoryOrder[] Orders, StoryEvent[] Events, int[] PayoutHours, int[] Repeats);

    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148",
        "Mozilla/5.0 (iPad; CPU OS 17_0) Safari/604.1", "Googlebot/2.1 (+http://www.google.com/bot.html)", "",
    ];

    private static readonly string[] Ips = ["81.2.69.142", "77.88.8.8", "2.16.0.1", "8.8.8.8"];

    private static readonly Gen<StoryClick> ClickGen =
        from publisher in Gen.Choose(0, 2)
        from link in Gen.Choose(0, 3)
        from visitor in Gen.Choose(-1, 5)
        from minute in Gen.Choose(0, 3 * 24 * 60)
        from agent in Gen.Choose(0, Agents.Length - 1)
        from ip in Gen.Choose(0, Ips.Length - 1)
        from sub in Gen.Choose(0, 3)
        from invalid in Gen.Frequency((8, Gen.Constant(false)), (1, Gen.Constant(true)))
        from batched in Gen.Elements(true, false)
        select new StoryClick(publisher, link, visitor, minute, agent, ip, sub, invalid, batched);

    private static Gen<StoryEvent> EventGen(int orders) =>
        from order in Gen.Choose(0, orders - 1)
        from type in Gen.Elements("goods_received", "paid", "refunded_line", "refunded", "cancelled", "fraud")
        from hours in Gen.Choose(1, 200)
        from refund in Gen.Choose(1, 5_000)
        select new StoryEvent(order, type, hours, refund);

    private static readonly Gen<Story> StoryGen =
        from clicks in Gen.Choose(1, 30).SelectMany(n => Gen.ArrayOf(ClickGen, n))
        from orders in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(
            from click in Gen.Choose(0, clicks.Length - 1)
            from after in Gen.Choose(1, 600)
            from price in Gen.Choose(100, 90_000)
            select new StoryOrder(click, after, price), n))
        from events in orders.Length == 0 ? Gen.Constant(Array.Empty<StoryEvent>()) : Gen.Choose(0, 12).SelectMany(n => Gen.ArrayOf(EventGen(orders.Length), n))
        from payouts in Gen.Choose(0, 2).SelectMany(n => Gen.ArrayOf(Gen.Choose(24, 400), n))
        from repeats in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, clicks.Length - 1), n))
        select new Story(clicks, orders, events, payouts.Distinct().ToArray(), repeats);

    private static readonly DateTimeOffset Start = T("2026-02-01T00:00:00Z");

    private static Click ClickOf(StoryClick c, int k) =>
        new($"c{k}", "aliexpress-ww", $"p{c.Publisher}", c.Visitor < 0 ? null : $"v{c.Visitor}", Start.AddMinutes(c.Minute), Ips[c.Ip], Agents[c.Agent], null,
            $"L{c.Publisher}{c.Link}", c.Sub == 0 ? null : $"s{c.Sub}", c.Sub == 3 ? "deep" : null, FlaggedAs: c.Invalid ? "cookie_stuffing" : null);

    private static async Task Play(Harness h, Story story)
    {
        // Clicks in the story's order (not time order): the group commit's in twos and threes, so one batch can hold
        // a visitor's first and second click; repeated ids come again at the end.
        var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        var pending = new List<Task>();
        for (var k = 0; k < story.Clicks.Length; k++)
        {
            var click = ClickOf(story.Clicks[k], k);
            if (story.Clicks[k].Batched) pending.Add(writer.WriteAsync(click));
            else
            {
                await Task.WhenAll(pending);
                pending.Clear();
                h.Platform.Tracking.RecordClick(click);
            }
        }
        await Task.WhenAll(pending);
        foreach (var k in story.Repeats) await writer.WriteAsync(ClickOf(story.Clicks[k], k));
        await writer.DisposeAsync();

        var timeline = new List<(DateTimeOffset At, int Kind, int Index)>();
        timeline.AddRange(story.Orders.Select((o, i) => (OrderAt(story, i), 0, i)));
        timeline.AddRange(story.Events.Select((e, i) => (OrderAt(story, e.Order).AddHours(e.Hours), 1, i)));
        timeline.AddRange(story.PayoutHours.Select(p => (Start.AddHours(p), 2, p)));
        var placed = new HashSet<int>();
        foreach (var (at, kind, index) in timeline.OrderBy(t => t.At).ThenBy(t => t.Kind))
        {
            var when = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (kind == 0)
            {
                var o = story.Orders[index];
                var c = story.Clicks[o.Click];
                // The order comes from the click's visitor (or with the click id where the click has none).
                h.Clock.Set(at);
                var order = new LastClick.Commissions.Order($"o{index}", at, LastClick.Common.Currency.Of("USD"), "DE",
                    [Line("l0", "Toys", o.PriceCents / 100m, 1, true), Line("l1", "Books", 3.50m, 2, true)],
                    c.Visitor < 0 ? null : $"v{c.Visitor}", c.Visitor < 0 ? $"c{o.Click}" : null);
                h.Platform.Orders.Ingest(order, "aliexpress-ww");
                placed.Add(index);
            }
            else if (kind == 1 && placed.Contains(story.Events[index].Order))
            {
                var e = story.Events[index];
                // A single refund is at most its line's value (a larger one is refused, I1); several may add up past it.
                if (e.Type == "refunded_line") h.Event($"e{index}", "refunded", when, $"o{e.Order}", "l0", Math.Min(e.RefundCents, story.Orders[e.Order].PriceCents) / 100m);
                else h.Event($"e{index}", e.Type, when, $"o{e.Order}");
            }
            else if (kind == 2)
            {
                h.Clock.Set(at);
                h.Platform.Orders.Advance();
                h.Payout(when);
            }
        }
    }

    private static DateTimeOffset OrderAt(Story story, int i) =>
        Start.AddMinutes(story.Clicks[story.Orders[i].Click].Minute + story.Orders[i].MinutesAfter);

    private static Harness Prepare(string provider)
    {
        var h = Harness.Create(provider)!;
        return h.Publisher("p0").Publisher("p1", "coupon").Publisher("p2", "cashback");
    }

    private static void Verify(string provider, int runs)
    {
        if (TestStores.Create(provider) is not { } probe) return; // PostgreSQL outside CI without a server
        probe.Dispose();
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs), Prop.ForAll(Arb.From(StoryGen), (Story story) =>
        {
            using var h = Prepare(provider);
            Play(h, story).GetAwaiter().GetResult();
            var expected = DirectAggregation.Of(h.Platform.Store);
            Assert.NotEmpty(expected[0]);
            foreach (var (cube, i) in Cubes.All.Select((c, i) => (c, i))) Assert.Equal(expected[i], DirectAggregation.Table(h.Platform.Store, cube));

            // The SQL rebuilds agree too: the migration's first filling, and the replay's sum at its end (by quarter hour).
            var sqlProvider = h.Platform.Store.Provider;
            foreach (var rebuild in new[] { ClickJournal.RebuildSql(sqlProvider), RollupRebuild.ByQuarterSql(sqlProvider) + ClickJournal.AllSummedSql })
            {
                using (var c = h.Platform.Store.Open()) c.Execute(rebuild);
                foreach (var (cube, i) in Cubes.All.Select((c, i) => (c, i))) Assert.Equal(expected[i], DirectAggregation.Table(h.Platform.Store, cube));
            }
        }));
    }

    [Fact]
    public void Rollups_equal_the_direct_aggregation_of_the_facts_on_SQLite() => Verify(TestStores.Sqlite, 60);

    [Fact]
    public void Rollups_equal_the_direct_aggregation_of_the_facts_on_PostgreSQL() => Verify(TestStores.Postgres, 20);
}
