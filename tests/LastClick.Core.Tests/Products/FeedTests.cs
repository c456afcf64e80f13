using LastClick.Common;
using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>G2, G3: a publisher's feed — filters, the rate the rules engine gives, texts in the language with English as the fallback.</summary>
public sealed class FeedTests : IClassFixture<PostgresAvailability>
{
    private static Product P(string id, string category = "All other categories", string? store = "Some Store", decimal price = 50m, string currency = "EUR",
        long stock = 5, bool affiliated = true, string[]? markets = null, params ProductText[] texts) =>
        CatalogService.Canonical(new Product(id, category, store, price, currency, stock, affiliated, null, false, null, "CN", markets ?? ["DE", "FR"],
            [$"https://ae01.alicdn.com/kf/{id}-1.jpg", $"https://ae01.alicdn.com/kf/{id}-2.jpg"], $"https://www.aliexpress.com/item/{id}.html",
            texts.Length == 0 ? [new ProductText("en", $"Product {id}", $"About {id}")] : texts));

    /// <summary>
    /// 101 phone (fr + en) at the Xiaomi store (a special rate list), 102 toy (en only), 103 lamp (de only), 104 Poland only, 105 gone,
    /// 106 out of stock, 107 not affiliated, 108 in USD.
    /// </summary>
    private static Harness Seeded(string provider)
    {
        var h = Harness.Create(provider);
        if (h is null) return null!;
        h.Publisher("p1", "content");
        h.Platform.Catalog.Push([
            P("101", "Mobile phones", "Xiaomi Official Store", 199.99m, texts: [new ProductText("en", "Phone", "A phone"), new ProductText("fr", "Téléphone", "Un téléphone")]),
            P("102", "Toys", price: 9.50m),
            P("103", "Lights", price: 30m, texts: [new ProductText("de", "Lampe", "Eine Lampe")]),
            P("104", markets: ["PL"]),
            P("105"),
            P("106", stock: 0),
            P("107", affiliated: false),
            P("108", "Toys", price: 20m, currency: "USD"),
        ], []);
        h.Platform.Catalog.Push([], ["105"]);
        return h;
    }

    private static Feed Feed(Harness h, FeedFilter? filter = null, string language = "fr", string market = "DE", string? sub = "feed-sub") =>
        h.Platform.Feeds.Create("p1", new FeedRequest("aliexpress-ww", market, language, FeedFormat.Xml, filter ?? new FeedFilter(), sub));

    private static List<FeedItem> Items(Harness h, Feed feed) => [.. h.Platform.Feeds.Items(feed, "https://go.example")];

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G3_texts_in_the_language_else_English_else_the_products_own_and_every_item_says_which(string provider)
    {
        using var h = Seeded(provider);
        if (h is null) return;
        var feed = Feed(h);
        var items = Items(h, feed);

        // DE market, not gone: 104 ships to Poland only and 105 is gone.
        Assert.Equal(["101", "102", "103", "106", "107", "108"], items.Select(i => i.Id));
        var phone = items[0];
        Assert.Equal(("Téléphone", "Un téléphone", "fr", true), (phone.Title, phone.Description, phone.Language, phone.Translated));
        Assert.Equal(("Product 102", "en", false), (items[1].Title, items[1].Language, items[1].Translated));
        Assert.Equal(("Lampe", "Eine Lampe", "de", false), (items[2].Title, items[2].Description, items[2].Language, items[2].Translated));
        // The publisher's own link: the feed's link code and the product.
        Assert.Equal($"https://go.example/go/{feed.Code}/101", phone.Link);
        Assert.Equal((199.99m, "EUR", 5L), (phone.Price, phone.Currency, phone.Stock));
        Assert.Equal(["https://ae01.alicdn.com/kf/101-1.jpg", "https://ae01.alicdn.com/kf/101-2.jpg"], phone.Images);
        // The feed's link carries the sub id the publisher chose.
        Assert.Equal("feed-sub", h.Platform.Links.Find(feed.Code)!.Sub1);
    }

    /// <summary>
    /// Issue 17: the fallback is per field. A French title without a French description carries the English description
    /// (Google Merchant refuses an item without one); the whole-catalog scan and the filtered join agree.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G3_a_title_in_the_language_without_a_description_there_takes_the_English_description(string provider)
    {
        using var h = Seeded(provider);
        if (h is null) return;
        h.Platform.Catalog.Push([
            P("109", "Toys", texts: [new ProductText("en", "Kite", "A red kite"), new ProductText("fr", "Cerf-volant", null)]),
            P("110", "Toys", texts: [new ProductText("en", "Ball", null), new ProductText("fr", "Ballon", "Un ballon rouge")]),
            // English alone, without a description, between products with one: nothing of a neighbour's English carries over.
            P("111", "Toys", texts: [new ProductText("en", "Top", null)]),
            P("112", "Toys", texts: [new ProductText("de", "Kreisel", null), new ProductText("pt", "Pião", "Um pião")]),
        ], []);

        foreach (var filter in new[] { new FeedFilter(), new FeedFilter(Category: "Toys") })
        {
            var items = Items(h, Feed(h, filter)).ToDictionary(i => i.Id);
            Assert.Equal(("Cerf-volant", "A red kite", "fr", true), (items["109"].Title, items["109"].Description, items["109"].Language, items["109"].Translated));
            Assert.Equal(("Ballon", "Un ballon rouge"), (items["110"].Title, items["110"].Description));
            Assert.Equal(("Top", null, "en", false), (items["111"].Title, items["111"].Description, items["111"].Language, items["111"].Translated));
            Assert.Equal(("Kreisel", null, "de"), (items["112"].Title, items["112"].Description, items["112"].Language));
            // The lamp (German only) keeps its German text whole, in the unfiltered feed that has it.
            if (filter.Category is null) Assert.Equal(("Lampe", "Eine Lampe"), (items["103"].Title, items["103"].Description));
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G2_an_items_rate_is_what_an_order_of_that_product_would_earn_the_publisher(string provider)
    {
        using var h = Seeded(provider);
        if (h is null) return;
        h.Clock.Set(Build.T("2026-02-02T09:00:00Z"));
        var items = Items(h, Feed(h)).ToDictionary(i => i.Id);

        // The rules engine, not a copy: a click of p1 and an order of each product delivered to DE pay the item's rate.
        var n = 0;
        foreach (var (id, category, store, affiliated) in new[] { ("101", "Mobile phones", "Xiaomi Official Store", true), ("102", "Toys", "Some Store", true),
                     ("107", "All other categories", "Some Store", false) })
        {
            n++;
            h.Click($"c{n}", $"v{n}", "2026-02-02T09:00:00Z");
            var order = h.Order($"o{n}", "2026-02-02T09:00:00Z", "EUR", "DE", $"v{n}", "aliexpress-ww",
                Build.Line("l1", category, 10m, affiliated: affiliated, store: store, productId: id));
            Assert.Equal(order.Lines[0].Rate, items[id].Rate);
        }
        Assert.Equal(0.0075m, items["101"].Rate); // the specialty-electronics store list
        Assert.Equal(0m, items["107"].Rate);      // a non-affiliated product pays a content site nothing
        Assert.True(items["102"].Rate > 0m);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G2_filters_category_store_price_in_a_currency_minimum_rate_and_stock(string provider)
    {
        using var h = Seeded(provider);
        if (h is null) return;
        string[] Ids(FeedFilter f) => [.. Items(h, Feed(h, f)).Select(i => i.Id)];

        Assert.Equal(["102", "108"], Ids(new FeedFilter(Category: "Toys")));
        Assert.Equal(["101"], Ids(new FeedFilter(Store: "Xiaomi Official Store")));
        Assert.Equal(["101", "102", "103", "107", "108"], Ids(new FeedFilter(InStock: true)));
        // 20 USD is 17.10 EUR at the program's 2026 rate (0.855): inside 10–30 EUR; 9.50 EUR is not.
        h.Clock.Set(Build.T("2026-03-01T00:00:00Z"));
        Assert.Equal(["103", "108"], Ids(new FeedFilter(MinPrice: 10m, MaxPrice: 30m, PriceCurrency: "EUR")));
        // In USD (the payout currency, the default): 9.50 EUR is 11.11 USD.
        Assert.Equal(["102", "108"], Ids(new FeedFilter(MinPrice: 11m, MaxPrice: 25m)));
        // A minimum rate drops the non-affiliated product and the 0.75% phone.
        var rated = Ids(new FeedFilter(MinRate: 0.01m));
        Assert.DoesNotContain("107", rated);
        Assert.DoesNotContain("101", rated);
        Assert.Contains("102", rated);
        // Another market: Poland only has 104.
        Assert.Equal(["104"], Items(h, Feed(h, market: "PL", language: "en")).Select(i => i.Id));
    }

    [Theory]
    [InlineData("market", "RU")]
    [InlineData("language", "de")]
    [InlineData("minRate", "2")]
    [InlineData("maxPrice", "below")]
    [InlineData("priceCurrency", "XXX")]
    [InlineData("program", "nope")]
    public void A_bad_feed_definition_is_named_and_nothing_is_stored(string field, string value)
    {
        using var h = Seeded(TestStores.Sqlite);
        var request = new FeedRequest("aliexpress-ww", "DE", "fr", FeedFormat.Csv, new FeedFilter());
        request = field switch
        {
            "market" => request with { Market = value },
            "language" => request with { Language = value },
            "minRate" => request with { Filter = new FeedFilter(MinRate: 2m) },
            "maxPrice" => request with { Filter = new FeedFilter(MinPrice: 10m, MaxPrice: 5m) },
            "priceCurrency" => request with { Filter = new FeedFilter(MinPrice: 1m, PriceCurrency: value) },
            _ => request with { ProgramId = value },
        };
        var e = Assert.Throws<ProblemException>(() => h.Platform.Feeds.Create("p1", request));
        Assert.Equal(field, e.Problem.Field);
        Assert.Empty(h.Platform.Feeds.ForPublisher("p1"));
        Assert.Empty(h.Platform.Links.ForPublisher("p1", 10, 0));
    }

    [Fact]
    public void The_version_moves_with_the_catalog_and_the_day_not_with_a_repeated_push()
    {
        using var h = Seeded(TestStores.Sqlite);
        var feed = Feed(h);
        var first = h.Platform.Feeds.Version(feed);

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        h.Platform.Catalog.Push([P("102", "Toys", price: 9.50m)], []); // the same body: unchanged
        Assert.Equal(first, h.Platform.Feeds.Version(feed));

        h.Platform.Catalog.Push([P("102", "Toys", price: 8.50m)], []);
        var changed = h.Platform.Feeds.Version(feed);
        Assert.NotEqual(first.ETag, changed.ETag);
        Assert.Equal(h.Platform.Catalog.Find("102")!.UpdatedAt.ToUnixTimeSeconds(), changed.LastModified.ToUnixTimeSeconds());

        h.Clock.Advance(TimeSpan.FromDays(1)); // rates may change at midnight (campaigns, tiers)
        var tomorrow = h.Platform.Feeds.Version(feed);
        Assert.NotEqual(changed.ETag, tomorrow.ETag);
        Assert.True(tomorrow.LastModified > changed.LastModified, "Last-Modified moves at midnight too");

        // An operator's edit of the program's rules: both validators move (a client sending only If-Modified-Since refetches).
        h.Clock.Advance(TimeSpan.FromHours(2));
        NonPayingStores.Set(h.Platform.ProgramEditor, "aliexpress-ww", ["Some Store"], null, "admin", h.Clock.GetUtcNow());
        var edited = h.Platform.Feeds.Version(feed);
        Assert.NotEqual(tomorrow.ETag, edited.ETag);
        Assert.Equal(h.Clock.GetUtcNow().ToUnixTimeSeconds(), edited.LastModified.ToUnixTimeSeconds());
        // Another feed over the same catalog has its own.
        Assert.NotEqual(h.Platform.Feeds.Version(feed).ETag, h.Platform.Feeds.Version(Feed(h, new FeedFilter(InStock: true))).ETag);
    }

    [Fact]
    public void A_revoked_feed_is_not_found_by_its_token_and_another_publisher_never_finds_it()
    {
        using var h = Seeded(TestStores.Sqlite);
        h.Publisher("p2");
        var feed = Feed(h);
        Assert.Equal(feed.Code, h.Platform.Feeds.ByToken(feed.Token)!.Code);
        Assert.Null(h.Platform.Feeds.Find("p2", feed.Code));
        Assert.False(h.Platform.Feeds.Revoke("p2", feed.Code));
        Assert.True(h.Platform.Feeds.Revoke("p1", feed.Code));
        Assert.Null(h.Platform.Feeds.ByToken(feed.Token));
        Assert.NotNull(h.Platform.Feeds.Find("p1", feed.Code)!.RevokedAt);
    }

    /// <summary>
    /// SQLite reads a whole-catalog feed by merging two ordered scans (Feeds.CatalogScan) and any filtered feed by a join:
    /// over the same products both must give every item the same text, field by field, in English itself and in another
    /// language, with empty and long (past the scan's first buffer) descriptions, in SQLite's order of the ids' bytes.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G3_the_whole_catalog_scan_and_a_filtered_feed_give_every_item_the_same_text(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        var longEnglish = string.Concat(Enumerable.Repeat("Longue déscription – ", 40));
        h.Platform.Catalog.Push([
            P("a", "Toys", texts: [new ProductText("en", "A", longEnglish), new ProductText("fr", "Â", "")]),
            P("b", "Toys", texts: [new ProductText("en", "B", longEnglish)]),
            P("c", "Toys", texts: [new ProductText("en", "C", "short")]),
            P("d", "Toys", texts: [new ProductText("de", "D", "deutsch"), new ProductText("en", "D-en", null), new ProductText("fr", "Dé", null)]),
            P("é", "Toys", texts: [new ProductText("pt", "E", "português")]),
            P("\uE000", "Toys", texts: [new ProductText("fr", "F", "")]),
            P("\U0001F600", "Toys", texts: [new ProductText("en", "G", "")]),
        ], []);
        foreach (var language in new[] { "fr", "en" })
        {
            var whole = Items(h, Feed(h, language: language)).Select(i => (i.Id, i.Title, i.Description, i.Language, i.Translated)).ToList();
            var filtered = Items(h, Feed(h, new FeedFilter(Category: "Toys"), language)).Select(i => (i.Id, i.Title, i.Description, i.Language, i.Translated)).ToList();
            Assert.Equal(whole, filtered);
            var byId = whole.ToDictionary(i => i.Id);
            if (language == "fr")
            {
                Assert.Equal(("Â", "", "fr", true), (byId["a"].Title, byId["a"].Description, byId["a"].Language, byId["a"].Translated));
                Assert.Equal(("B", longEnglish, "en"), (byId["b"].Title, byId["b"].Description, byId["b"].Language));
                Assert.Equal(("C", "short", "en"), (byId["c"].Title, byId["c"].Description, byId["c"].Language));
                Assert.Equal(("Dé", null, "fr"), (byId["d"].Title, byId["d"].Description, byId["d"].Language));
                Assert.Equal(("F", "", "fr"), (byId["\uE000"].Title, byId["\uE000"].Description, byId["\uE000"].Language));
            }
            else
            {
                Assert.Equal(("A", longEnglish, "en", true), (byId["a"].Title, byId["a"].Description, byId["a"].Language, byId["a"].Translated));
                Assert.Equal(("D-en", null, "en", true), (byId["d"].Title, byId["d"].Description, byId["d"].Language, byId["d"].Translated));
                Assert.Equal(("F", "", "fr", false), (byId["\uE000"].Title, byId["\uE000"].Description, byId["\uE000"].Language, byId["\uE000"].Translated));
                Assert.Equal(("G", "", "en"), (byId["\U0001F600"].Title, byId["\U0001F600"].Description, byId["\U0001F600"].Language));
            }
            Assert.Equal(("E", "português", "pt"), (byId["é"].Title, byId["é"].Description, byId["é"].Language));
            // SQLite orders TEXT by its UTF-8 bytes (PostgreSQL by the database's collation).
            if (provider == TestStores.Sqlite)
            {
                Assert.Equal(whole.Select(i => i.Id).OrderBy(id => System.Text.Encoding.UTF8.GetBytes(id), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))),
                    whole.Select(i => i.Id));
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_feed_read_in_part_leaves_the_store_as_it_was_for_the_next_write_and_feed(string provider)
    {
        // A client that goes away mid-feed: the scan's thread stops, its statements end, the session's settings are
        // put back; a product pushed afterwards is in the next feed (no read left open on an old snapshot).
        using var h = Seeded(provider);
        if (h is null) return;
        var feed = Feed(h);
        using (var items = h.Platform.Feeds.Items(feed, "https://go.example").GetEnumerator())
        {
            Assert.True(items.MoveNext() && items.MoveNext());
        }
        h.Platform.Catalog.Push([P("109", "Toys", texts: [new ProductText("fr", "Cerf-volant", "Un cerf-volant")])], []);
        Assert.Equal(["101", "102", "103", "106", "107", "108", "109"], Items(h, feed).Select(i => i.Id));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void Every_item_gets_its_own_products_text_whatever_characters_the_ids_hold(string provider)
    {
        // SQLite merges the texts from a second ordered scan: its order of text (UTF-8 bytes) must be followed exactly,
        // including characters above U+E000 and outside the BMP, where UTF-16's order differs.
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        string[] ids = ["a1", "A1", "é", "\uE000x", "\U0001F600", "z", "\uFFFDq", "10", "9"];
        h.Platform.Catalog.Push([.. ids.Select(id => P(id, texts: [new ProductText("en", $"title of {id}", null), new ProductText("fr", $"titre de {id}", null)]))], []);
        var items = Items(h, Feed(h));
        Assert.Equal(ids.Order(StringComparer.Ordinal).Count(), items.Count);
        Assert.All(items, i => Assert.Equal($"titre de {i.Id}", i.Title));
    }
}
