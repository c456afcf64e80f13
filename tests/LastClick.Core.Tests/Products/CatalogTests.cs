using Dapper;
using LastClick.Products;
using LastClick.Common;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>G1: the marketplace's catalog pushed in batches, idempotent by content; a product that disappears is marked gone, never deleted.</summary>
public sealed class CatalogTests : IClassFixture<PostgresAvailability>
{
    private static Product Phone(string id = "1005001", decimal price = 199.99m, long stock = 12, string title = "Phone X") =>
        CatalogService.Canonical(new Product(id, "Mobile phones", "Xiaomi Official Store", price, "EUR", stock, true, 0.08m, false, null, "CN",
            ["PL", "DE", "FR"], ["https://ae01.alicdn.com/kf/phone.jpg"], $"https://www.aliexpress.com/item/{id}.html",
            [new ProductText("fr", "Téléphone X", null), new ProductText("en", title, "A phone")]));

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G1_a_push_creates_a_repeat_changes_nothing_a_change_updates_and_gone_is_marked_not_deleted(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var catalog = h.Platform.Catalog;

        Assert.Equal(new CatalogChange(2, 0, 0, 0), catalog.Push([Phone(), Phone("1005002")], []));
        var first = catalog.Find("1005001")!;
        Assert.Equal(Fingerprint.Of(Phone()), Fingerprint.Of(first.Product)); // read back as pushed, field for field
        Assert.Equal(["DE", "FR", "PL"], first.Product.Markets);
        Assert.Equal(["en", "fr"], first.Product.Texts.Select(t => t.Language));
        Assert.Equal(199.99m, first.Product.Price);

        // The same body again (markets in another order): nothing changes, not even the update time.
        h.Clock.Advance(TimeSpan.FromHours(1));
        var shuffled = Phone() with { Markets = ["FR", "PL", "DE"] };
        Assert.Equal(new CatalogChange(0, 0, 1, 0), catalog.Push([CatalogService.Canonical(shuffled)], []));
        Assert.Equal(first.UpdatedAt, catalog.Find("1005001")!.UpdatedAt);

        // A new price and title: updated, texts replaced.
        Assert.Equal(new CatalogChange(0, 1, 0, 0), catalog.Push([Phone(price: 179.99m, title: "Phone X (2026)")], []));
        var changed = catalog.Find("1005001")!;
        Assert.Equal((179.99m, "Phone X (2026)"), (changed.Product.Price, changed.Product.Texts.Single(t => t.Language == "en").Title));
        Assert.True(changed.UpdatedAt > first.UpdatedAt);

        // Gone: marked, kept; gone twice counts once; pushed again, it is back.
        Assert.Equal(new CatalogChange(0, 0, 0, 1), catalog.Push([], ["1005002", "1005002", "unknown"]));
        Assert.Equal(new CatalogChange(0, 0, 0, 0), catalog.Push([], ["1005002"]));
        Assert.NotNull(catalog.Find("1005002")!.GoneAt);
        Assert.Equal(new CatalogChange(0, 1, 0, 0), catalog.Push([Phone("1005002")], []));
        Assert.Null(catalog.Find("1005002")!.GoneAt);
        using var c = h.Platform.Store.Open();
        Assert.Equal(2L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM products"));
        Assert.Equal(4L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM product_texts"));
    }

    [Theory]
    [InlineData("id", "products[1].id")]
    [InlineData("price", "products[1].price")]
    [InlineData("currency", "products[1].currency")]
    [InlineData("market", "products[1].markets[0]")]
    [InlineData("url", "products[1].url")]
    [InlineData("image", "products[1].images[0]")]
    [InlineData("title", "products[1].texts.en.title")]
    [InlineData("texts", "products[1].texts")]
    [InlineData("rate", "products[1].sellerRate")]
    [InlineData("twice", "products[1].id")]
    [InlineData("control", "products[1].texts.en.title")]
    [InlineData("surrogate", "products[1].texts.fr.description")]
    [InlineData("language twice", "products[1].texts.en")]
    [InlineData("huge", "products[1].price")]
    public void A_bad_product_is_named_and_the_push_writes_nothing(string fault, string field)
    {
        using var h = Harness.Sqlite();
        var bad = fault switch
        {
            "id" => Phone("1005009") with { Id = "" },
            "price" => Phone("1005009", price: 1.001m),
            "currency" => Phone("1005009") with { Currency = "XXX" },
            "market" => Phone("1005009") with { Markets = ["germany"] },
            "url" => Phone("1005009") with { Url = "http://www.aliexpress.com/item/1.html" },
            "image" => Phone("1005009") with { Images = ["javascript:alert(1)"] },
            "title" => Phone("1005009") with { Texts = [new ProductText("en", " ", null)] },
            "texts" => Phone("1005009") with { Texts = [] },
            "rate" => Phone("1005009") with { SellerRate = 1.5m },
            // What an XML feed could not carry, refused at the door rather than breaking every feed later.
            "control" => Phone("1005009") with { Texts = [new ProductText("en", "Lamp\u000b", null)] },
            "surrogate" => Phone("1005009") with { Texts = [new ProductText("fr", "Lampe", "moitié \uD83D")] },
            "language twice" => Phone("1005009") with { Texts = [new ProductText("en", "A", null), new ProductText("en", "B", null)] },
            "huge" => Phone("1005009", price: 1e17m),
            _ => Phone(),
        };
        var e = Assert.Throws<ProblemException>(() => h.Platform.Catalog.Push([Phone(), bad], []));
        Assert.Equal(field, e.Problem.Field);
        Assert.Null(h.Platform.Catalog.Find("1005001"));
    }

    [Fact]
    public void Products_are_read_from_the_marketplaces_JSON_and_unknown_fields_are_named()
    {
        var node = JsonNode.Parse("""
            {"id":"7","category":"Toys","price":"3.50","currency":"USD","stock":4,"affiliated":true,"markets":["DE","CZ"],
             "url":"https://www.aliexpress.com/item/7.html","texts":{"en":{"title":"Yo-yo"},"cs":{"title":"Jojo","description":"Hračka"}}}
            """, "products[0]");
        var product = CatalogService.FromJson(node);
        Assert.Equal(("7", 3.50m, 4L, true), (product.Id, product.Price, product.Stock, product.Affiliated));
        Assert.Equal(["CZ", "DE"], product.Markets);
        Assert.Equal(["cs", "en"], product.Texts.Select(t => t.Language));
        var e = Assert.Throws<ProblemException>(() => CatalogService.FromJson(JsonNode.Parse("""{"id":"7","colour":"red"}""", "products[0]")));
        Assert.Contains("colour", e.Problem.Field + e.Problem.Detail, StringComparison.Ordinal);
    }
}
