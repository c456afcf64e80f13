using LastClick.Common;
using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>G4: products ranked by the previous month's confirmed orders delivered to each of the twelve markets.</summary>
public sealed class BestSellerTests : IClassFixture<PostgresAvailability>
{
    private static readonly string[] Letters = ["A", "B", "C"];

    /// <summary>An order of the given products (product id × quantity) delivered to <paramref name="country"/>, confirmed when asked.</summary>
    private static void Sale(Harness h, string id, string at, string country, bool confirm, params (string Product, int Quantity)[] lines)
    {
        h.Click($"c-{id}", $"v-{id}", at);
        h.Order(id, at, "EUR", country, $"v-{id}", "aliexpress-ww",
            [.. lines.Select((l, i) => Build.Line($"l{i}", "Toys", 10m, l.Quantity, productId: l.Product))]);
        if (confirm) h.Event($"e-{id}", "goods_received", DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture).AddHours(1).ToString("O"), id);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G4_ranks_by_confirmed_orders_then_units_then_id_per_market_for_the_month(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        // February 2026, Germany. By hand:
        //   A: 3 confirmed orders (units 1+1+5 = 7)   → 1st
        //   B: 2 confirmed orders (units 2+2 = 4)      → 2nd (ties with C on orders, more units)
        //   C: 2 confirmed orders (units 1+1 = 2)      → 3rd
        //   D: 2 confirmed orders (units 1+1 = 2)      → 4th (ties with C entirely: the id decides)
        //   E: 1 pending order only                    → not ranked
        // One order holding A twice as two lines counts once as an order (units add).
        Sale(h, "o1", "2026-02-03T10:00:00Z", "DE", true, ("A", 1), ("B", 2));
        Sale(h, "o2", "2026-02-04T10:00:00Z", "DE", true, ("A", 1), ("C", 1), ("D", 1));
        Sale(h, "o3", "2026-02-05T10:00:00Z", "DE", true, ("A", 2), ("A", 3), ("B", 2));
        Sale(h, "o4", "2026-02-06T10:00:00Z", "DE", true, ("C", 1), ("D", 1));
        Sale(h, "o5", "2026-02-07T10:00:00Z", "DE", false, ("E", 9));
        // Elsewhere: France has its own list; January's and Russia's orders do not count.
        Sale(h, "o6", "2026-02-08T10:00:00Z", "FR", true, ("E", 1));
        Sale(h, "o7", "2026-01-20T10:00:00Z", "DE", true, ("E", 1));
        // A cancelled order does not count.
        Sale(h, "o8", "2026-02-09T10:00:00Z", "DE", false, ("E", 1));
        h.Event("e-o8-cancel", "cancelled", "2026-02-09T12:00:00Z", "o8");

        h.Clock.Set(Build.T("2026-03-01T00:05:00Z"));
        Assert.True(BestSellerJob.RunIfDue(h.Platform.Store, h.Clock.GetUtcNow()));
        Assert.False(BestSellerJob.RunIfDue(h.Platform.Store, h.Clock.GetUtcNow())); // once a month

        var de = BestSellerJob.List(h.Platform.Store, "DE");
        Assert.Equal([("A", 1, 3L, 7L), ("B", 2, 2L, 4L), ("C", 3, 2L, 2L), ("D", 4, 2L, 2L)],
            de.Select(b => (b.ProductId, b.Rank, b.Orders, b.Units)));
        Assert.All(de, b => Assert.Equal("2026-02", b.Month));
        Assert.Equal(["E"], BestSellerJob.List(h.Platform.Store, "FR").Select(b => b.ProductId));
        Assert.Empty(BestSellerJob.List(h.Platform.Store, "PL"));
        // January was never ranked (the job ranks the month before the run).
        Assert.Empty(BestSellerJob.List(h.Platform.Store, "DE", "2026-01"));

        // A rerun replaces the month's lists rather than adding to them.
        Assert.Equal(5, BestSellerJob.Run(h.Platform.Store, "2026-02", h.Clock.GetUtcNow(), "test"));
        Assert.Equal(4, BestSellerJob.List(h.Platform.Store, "DE").Count);
    }

    [Theory]
    [InlineData("uk", "GB")]
    [InlineData("de", "DE")]
    public void Markets_are_the_twelve_with_UK_as_GB(string given, string code) => Assert.Equal(code, BestSellerJob.Market(given));

    [Fact]
    public void A_market_outside_the_twelve_is_named() =>
        Assert.Equal("market", Assert.Throws<ProblemException>(() => BestSellerJob.Market("RU")).Problem.Field);

    [Fact]
    public void A_best_seller_feed_holds_the_markets_list_in_rank_order()
    {
        using var h = Harness.Sqlite();
        h.Publisher("p1");
        h.Platform.Catalog.Push([.. Letters.Select(id => CatalogService.Canonical(new Product(id, "Toys", null, 5m, "EUR", 3, true, null, false, null, null,
            ["DE"], [], $"https://www.aliexpress.com/item/{id}.html", [new ProductText("en", id, null)])))], []);
        Sale(h, "o1", "2026-02-03T10:00:00Z", "DE", true, ("C", 1));
        Sale(h, "o2", "2026-02-04T10:00:00Z", "DE", true, ("C", 1), ("A", 1));
        BestSellerJob.Run(h.Platform.Store, "2026-02", h.Clock.GetUtcNow(), "test");
        var feed = h.Platform.Feeds.Create("p1", new FeedRequest("aliexpress-ww", "DE", "en", FeedFormat.Csv, new FeedFilter(BestSellers: true)));
        Assert.Equal([("C", (int?)1), ("A", 2)], h.Platform.Feeds.Items(feed, "https://go.example").Select(i => (i.Id, i.Rank)));
    }

    [Fact]
    public void G4_an_order_counts_in_the_month_it_is_confirmed_so_the_last_days_orders_are_not_lost()
    {
        using var h = Harness.Sqlite();
        h.Publisher("p1");
        // Ordered on 30 January, received on 3 February: February's list has it; January's run (on 1 February) could not.
        h.Click("c-late", "v-late", "2026-01-30T10:00:00Z");
        h.Order("late", "2026-01-30T10:00:00Z", "EUR", "DE", "v-late", "aliexpress-ww", Build.Line("l0", "Toys", 10m, productId: "L"));
        h.Event("e-late", "goods_received", "2026-02-03T10:00:00Z", "late");
        BestSellerJob.Run(h.Platform.Store, "2026-01", h.Clock.GetUtcNow(), "test");
        BestSellerJob.Run(h.Platform.Store, "2026-02", h.Clock.GetUtcNow(), "test");
        Assert.Empty(BestSellerJob.List(h.Platform.Store, "DE", "2026-01"));
        Assert.Equal(["L"], BestSellerJob.List(h.Platform.Store, "DE", "2026-02").Select(b => b.ProductId));
    }
}
