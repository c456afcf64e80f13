using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>F3: links whose product is gone or out of stock, with up to three suggestions from the same category and store or price band.</summary>
public sealed class BrokenLinkTests : IClassFixture<PostgresAvailability>
{
    private static Product P(string id, string category, string? store, decimal price, long stock = 5, string currency = "EUR") =>
        CatalogService.Canonical(new Product(id, category, store, price, currency, stock, true, null, false, null, null, ["DE"], [],
            $"https://www.aliexpress.com/item/{id}.html", [new ProductText("en", $"Title {id}", null)]));

    [Theory]
    [InlineData("https://www.aliexpress.com/item/1005001.html", "1005001")]
    [InlineData("https://aliexpress.com/item/1005001.html?spm=a2g0o&sku=2", "1005001")]
    [InlineData("https://de.aliexpress.com/item/1005001.html#reviews", "1005001")]
    [InlineData("https://www.aliexpress.com/de/item/1005001.html", "1005001")]
    [InlineData("https://www.aliexpress.com/store/1005001", null)]
    [InlineData("https://www.aliexpress.com/item/1005001.htmlx", null)]
    [InlineData("https://www.aliexpress.com/", null)]
    public void A_links_product_is_the_item_page_in_its_destination(string destination, string? product) =>
        Assert.Equal(product, BrokenLinks.ProductOf(destination));

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void F3_gone_and_out_of_stock_products_break_links_and_suggestions_come_from_the_store_then_the_price_band(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        h.Platform.Catalog.Push([
            P("100", "Headphones", "Sound Store", 40m),           // will be gone
            P("101", "Headphones", "Sound Store", 45m),           // same store: nearest price first
            P("102", "Headphones", "Sound Store", 90m),
            P("103", "Headphones", "Other Store", 41m),           // same category, inside ±30%
            P("104", "Headphones", "Other Store", 60m),           // outside the band (52 is the top)
            P("105", "Headphones", "Sound Store", 39m, stock: 0), // out of stock: never suggested
            P("106", "Cables", "Sound Store", 40m),               // another category
            P("107", "Headphones", "Other Store", 42m, currency: "USD"), // another currency: not in the band
            P("200", "Lamps", null, 10m, stock: 0),               // out of stock, nothing alike
            P("300", "Lamps", null, 12m),                         // fine
        ], []);
        h.Platform.Catalog.Push([], ["100"]);
        var gone = h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/100.html?sku=1");
        var empty = h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/200.html");
        h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/300.html");    // fine
        h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/999.html");    // unknown to the catalog: not judged
        h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/");                 // not a product page
        var other = h.Platform.Links.Create("p2", "aliexpress-ww", "https://www.aliexpress.com/item/105.html");

        Assert.Equal(3, BrokenLinks.Run(h.Platform.Store, h.Clock.GetUtcNow(), "test"));
        var mine = BrokenLinks.ForPublisher(h.Platform.Store, "p1").ToDictionary(b => b.LinkCode);
        Assert.Equal(2, mine.Count);
        Assert.Equal(("100", BrokenLinks.Gone), (mine[gone.Code].ProductId, mine[gone.Code].Reason));
        // Same store first (101 at 45, then 102 at 90), then the band: 103 at 41 (60 is outside ±30%, 107 is in USD, 105 has no stock).
        Assert.Equal([("101", "same_store"), ("102", "same_store"), ("103", "price_band")],
            mine[gone.Code].Suggestions.Select(s => (s.ProductId, s.Basis)));
        Assert.Equal(("Title 101", "https://www.aliexpress.com/item/101.html", 45m, "EUR"),
            (mine[gone.Code].Suggestions[0].Title, mine[gone.Code].Suggestions[0].Url, mine[gone.Code].Suggestions[0].Price, mine[gone.Code].Suggestions[0].Currency));
        Assert.Equal(BrokenLinks.OutOfStock, mine[empty.Code].Reason);
        Assert.Equal(["300"], mine[empty.Code].Suggestions.Select(s => s.ProductId)); // store unknown: the band only (12 within 10 ± 30%)
        Assert.Equal([other.Code], BrokenLinks.ForPublisher(h.Platform.Store, "p2").Select(b => b.LinkCode));

        // Back in stock and pushed again: the next run finds it mended.
        h.Platform.Catalog.Push([P("105", "Headphones", "Sound Store", 39m, stock: 3)], []);
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True(BrokenLinks.RunIfDue(h.Platform.Store, h.Clock.GetUtcNow()));
        Assert.False(BrokenLinks.RunIfDue(h.Platform.Store, h.Clock.GetUtcNow())); // daily
        Assert.Empty(BrokenLinks.ForPublisher(h.Platform.Store, "p2"));
        Assert.Equal(2, BrokenLinks.ForPublisher(h.Platform.Store, "p1").Count);
    }
}
