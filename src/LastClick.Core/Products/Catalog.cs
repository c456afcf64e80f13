using System.Globalization;
using System.Text.Json;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Products;

/// <summary>A product's title and description in one language.</summary>
public sealed record ProductText(string Language, string Title, string? Description);

/// <summary>
/// A product as the marketplace pushes it (G1): what the commission rules read (category, store, affiliated flag,
/// seller rate, virtual, section, seller origin — the fields of an order line), price and stock, the markets it ships
/// to, its images and page, and its texts by language. Canonical: markets sorted, texts sorted by language.
/// </summary>
public sealed record Product(
    string Id, string Category, string? Store, decimal Price, string Currency, long Stock, bool Affiliated, decimal? SellerRate,
    bool Virtual, string? Section, string? SellerOrigin, IReadOnlyList<string> Markets, IReadOnlyList<string> Images, string Url,
    IReadOnlyList<ProductText> Texts);

/// <summary>What a push changed.</summary>
public sealed record CatalogChange(int Created, int Updated, int Unchanged, int Gone);

/// <summary>A stored product with its state.</summary>
public sealed record StoredProduct(Product Product, DateTimeOffset UpdatedAt, DateTimeOffset? GoneAt);

/// <summary>
/// The catalog (G1, decision 0010): idempotent upserts by content (a repeated push changes nothing, not even the
/// update time that feeds' ETags read), products marked gone and never deleted, a product pushed again after it
/// was gone comes back.
/// </summary>
public sealed class CatalogService(Store store, TimeProvider clock)
{
    public const int MaxBatch = 10_000;

    public CatalogChange Push(IReadOnlyList<Product> products, IReadOnlyList<string> gone) => store.InSession(s => Push(s, products, gone));

    public CatalogChange Push(DbSession s, IReadOnlyList<Product> products, IReadOnlyList<string> gone)
    {
        if (products.Count + gone.Count > MaxBatch) throw ProblemException.Invalid("products", $"at most {MaxBatch} products and gone ids in one push");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < products.Count; i++)
        {
            Validate(products[i], $"products[{i}]");
            if (!seen.Add(products[i].Id)) throw ProblemException.Invalid($"products[{i}].id", $"product '{products[i].Id}' appears twice");
        }
        for (var i = 0; i < gone.Count; i++)
        {
            if (seen.Contains(gone[i])) throw ProblemException.Invalid($"gone[{i}]", $"product '{gone[i]}' is both pushed and gone");
        }

        var now = Times.ToMicros(clock.GetUtcNow());
        int created = 0, updated = 0, unchanged = 0;
        foreach (var product in products)
        {
            var hash = Fingerprint.Of(product);
            var existing = s.QuerySingleOrDefault<Existing>("SELECT body_hash, gone_at FROM products WHERE id = @Id", new { product.Id });
            if (existing is { GoneAt: null } && existing.BodyHash == hash)
            {
                unchanged++;
                continue;
            }
            var row = Row(product, hash, now);
            if (existing is null)
            {
                s.Execute("""
                    INSERT INTO products (id, category, store, price_minor, currency, stock, affiliated, seller_rate, is_virtual, section, seller_origin,
                        markets, images, url, body_hash, created_at, updated_at, gone_at)
                    VALUES (@Id, @Category, @Store, @PriceMinor, @Currency, @Stock, @Affiliated, @SellerRate, @IsVirtual, @Section, @SellerOrigin,
                        @Markets, @Images, @Url, @BodyHash, @At, @At, NULL)
                    """, row);
                created++;
            }
            else
            {
                s.Execute("""
                    UPDATE products SET category = @Category, store = @Store, price_minor = @PriceMinor, currency = @Currency, stock = @Stock,
                        affiliated = @Affiliated, seller_rate = @SellerRate, is_virtual = @IsVirtual, section = @Section, seller_origin = @SellerOrigin,
                        markets = @Markets, images = @Images, url = @Url, body_hash = @BodyHash, updated_at = @At, gone_at = NULL
                    WHERE id = @Id
                    """, row);
                s.Execute("DELETE FROM product_texts WHERE product_id = @Id", new { product.Id });
                updated++;
            }
            s.ExecuteEach("INSERT INTO product_texts (product_id, language, title, description) VALUES (@ProductId, @Language, @Title, @Description)",
                product.Texts.Select(t => new TextRow(product.Id, t.Language, t.Title, t.Description)));
        }
        var marked = gone.Distinct(StringComparer.Ordinal)
            .Sum(id => s.Execute("UPDATE products SET gone_at = @now, updated_at = @now WHERE id = @id AND gone_at IS NULL", new { id, now }));
        return new CatalogChange(created, updated, unchanged, marked);
    }

    /// <summary>A product's page (gone or not: a feed item's link outlives the product, the marketplace's page says it is gone).</summary>
    public string? UrlOf(string id) => store.Read(s => s.QuerySingleOrDefault<string>("SELECT url FROM products WHERE id = @id", new { id }));

    public StoredProduct? Find(string id) => store.Read(s =>
    {
        var row = s.QuerySingleOrDefault<ProductRow>(
            "SELECT id, category, store, price_minor, currency, stock, affiliated, seller_rate, is_virtual, section, seller_origin, markets, images, url, updated_at, gone_at " +
            "FROM products WHERE id = @id", new { id });
        if (row is null) return null;
        var texts = s.Query<TextRow>("SELECT product_id, language, title, description FROM product_texts WHERE product_id = @id ORDER BY language", new { id });
        var currency = Common.Currency.Of(row.Currency);
        var product = new Product(row.Id, row.Category, row.Store, currency.FromMinor(row.PriceMinor), row.Currency, row.Stock, row.Affiliated,
            row.SellerRate is { } rate ? decimal.Parse(rate, CultureInfo.InvariantCulture) : null, row.IsVirtual, row.Section, row.SellerOrigin,
            row.Markets.Length == 0 ? [] : row.Markets.Split(','), JsonSerializer.Deserialize<string[]>(row.Images) ?? [], row.Url,
            [.. texts.Select(t => new ProductText(t.Language, t.Title, t.Description))]);
        return new StoredProduct(product, Times.FromMicros(row.UpdatedAt), row.GoneAt is { } g ? Times.FromMicros(g) : null);
    });

    /// <summary>Checks a product; the problem names the first wrong field under <paramref name="path"/>.</summary>
    public static void Validate(Product p, string path)
    {
        string F(string field) => $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(p.Id) || p.Id.Length > 64) throw ProblemException.Invalid(F("id"), "is required, at most 64 characters");
        if (string.IsNullOrWhiteSpace(p.Category)) throw ProblemException.Invalid(F("category"), "is required");
        if (!Common.Currency.TryFind(p.Currency, out var currency)) throw ProblemException.Invalid(F("currency"), $"unknown currency '{p.Currency}'");
        if (p.Price < 0m) throw ProblemException.Invalid(F("price"), "must not be negative");
        if (currency.Round(p.Price) != p.Price) throw ProblemException.Invalid(F("price"), $"has more than {currency.MinorDigits} decimals for {currency.Code}");
        if (p.Stock < 0) throw ProblemException.Invalid(F("stock"), "must not be negative");
        if (p.SellerRate is < 0m or > 1m) throw ProblemException.Invalid(F("sellerRate"), "must be a fraction between 0 and 1");
        for (var i = 0; i < p.Markets.Count; i++)
        {
            if (p.Markets[i].Length != 2 || !p.Markets[i].All(char.IsAsciiLetterUpper)) throw ProblemException.Invalid(F($"markets[{i}]"), "must be an ISO 3166 alpha-2 code (DE)");
        }
        if (!IsHttps(p.Url)) throw ProblemException.Invalid(F("url"), "must be an absolute https:// address");
        if (p.Images.Count > 20) throw ProblemException.Invalid(F("images"), "at most 20 images");
        for (var i = 0; i < p.Images.Count; i++)
        {
            if (!IsHttps(p.Images[i])) throw ProblemException.Invalid(F($"images[{i}]"), "must be an absolute https:// address");
        }
        if (p.Texts.Count == 0) throw ProblemException.Invalid(F("texts"), "needs a title in at least one language");
        foreach (var text in p.Texts)
        {
            if (text.Language.Length != 2 || !text.Language.All(char.IsAsciiLetterLower)) throw ProblemException.Invalid(F($"texts.{text.Language}"), "languages are ISO 639-1 codes (en)");
            if (string.IsNullOrWhiteSpace(text.Title)) throw ProblemException.Invalid(F($"texts.{text.Language}.title"), "is required");
        }
    }

    private static bool IsHttps(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0;

    /// <summary>A product from the marketplace's JSON (camelCase, texts as an object by language), in canonical order.</summary>
    public static Product FromJson(JsonNode node)
    {
        node.AllowOnly("id", "category", "store", "price", "currency", "stock", "affiliated", "sellerRate", "virtual", "section", "sellerOrigin",
            "markets", "images", "url", "texts");
        var texts = node.Required("texts").Properties().Select(t =>
        {
            t.Value.AllowOnly("title", "description");
            return new ProductText(t.Name, t.Value.Required("title").AsString(), t.Value.OptionalString("description"));
        });
        return Canonical(new Product(node.Required("id").AsString(), node.Required("category").AsString(), node.OptionalString("store"),
            node.Required("price").AsDecimal(), node.Required("currency").AsString(), node.Optional("stock")?.AsInt() ?? 0,
            node.Optional("affiliated")?.AsBool() ?? false, node.OptionalDecimal("sellerRate"), node.Optional("virtual")?.AsBool() ?? false,
            node.OptionalString("section"), node.OptionalString("sellerOrigin"), node.Optional("markets")?.AsStrings() ?? [],
            node.Optional("images")?.AsStrings() ?? [], node.Required("url").AsString(), [.. texts]));
    }

    /// <summary>Markets sorted and distinct, texts by language: the same product always hashes the same.</summary>
    public static Product Canonical(Product p) => p with
    {
        Markets = [.. p.Markets.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        Texts = [.. p.Texts.OrderBy(t => t.Language, StringComparer.Ordinal)],
    };

    private static object Row(Product p, string hash, long at)
    {
        var currency = Common.Currency.Of(p.Currency);
        return new
        {
            p.Id, p.Category, p.Store, PriceMinor = currency.ToMinor(p.Price), p.Currency, p.Stock, p.Affiliated,
            SellerRate = p.SellerRate is { } r ? Decimals.Canonical(r) : null, IsVirtual = p.Virtual, p.Section, p.SellerOrigin,
            Markets = string.Join(',', p.Markets), Images = JsonSerializer.Serialize(p.Images), p.Url, BodyHash = hash, At = at,
        };
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Existing
    {
        public string BodyHash { get; set; } = "";
        public long? GoneAt { get; set; }
    }

    private sealed class ProductRow
    {
        public string Id { get; set; } = "";
        public string Category { get; set; } = "";
        public string? Store { get; set; }
        public long PriceMinor { get; set; }
        public string Currency { get; set; } = "";
        public long Stock { get; set; }
        public bool Affiliated { get; set; }
        public string? SellerRate { get; set; }
        public bool IsVirtual { get; set; }
        public string? Section { get; set; }
        public string? SellerOrigin { get; set; }
        public string Markets { get; set; } = "";
        public string Images { get; set; } = "[]";
        public string Url { get; set; } = "";
        public long UpdatedAt { get; set; }
        public long? GoneAt { get; set; }
    }
#pragma warning restore CA1812

    private sealed class TextRow
    {
        public TextRow() { }

        public TextRow(string productId, string language, string title, string? description) =>
            (ProductId, Language, Title, Description) = (productId, language, title, description);

        public string ProductId { get; set; } = "";
        public string Language { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Description { get; set; }
    }
}
