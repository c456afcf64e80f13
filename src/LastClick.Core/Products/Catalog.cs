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

/// <summary>A product checked and hashed by <see cref="CatalogService.Prepare"/>: only it makes one.</summary>
public sealed class PreparedProduct
{
    internal PreparedProduct(Product product, string hash, CatalogService.WriteRow row) => (Product, Hash, Row) = (product, hash, row);

    public Product Product { get; }
    public string Hash { get; }

    /// <summary>The columns as stored (made where the product is prepared, off the writer's thread).</summary>
    internal CatalogService.WriteRow Row { get; }
}

/// <summary>What a push changed.</summary>
public sealed record CatalogChange(int Created, int Updated, int Unchanged, int Gone);

/// <summary>A stored product with its state.</summary>
public sealed record StoredProduct(Product Product, DateTimeOffset UpdatedAt, DateTimeOffset? GoneAt);

/// <summary>The categories and stores live products have, each with how many, most products first (the feed form's choices).</summary>
public sealed record CatalogChoices(IReadOnlyList<(string Name, long Products)> Categories, IReadOnlyList<(string Name, long Products)> Stores);

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
        return Push(s, [.. products.Select((p, i) => Prepare(p, $"products[{i}]"))], gone);
    }

    /// <summary>
    /// Writes a stream of prepared products (an import) in batches, each its own transaction on one connection whose
    /// SQLite checkpoints are left to the background loop, as the group commits do: a checkpoint inside every commit
    /// copied the catalog's randomly placed index pages back again and again. A batch of 5,000 holds the write lock for
    /// about a tenth of a second. Returns the totals.
    /// </summary>
    public CatalogChange Import(IEnumerable<PreparedProduct> products, int batchSize = 5_000, Action<CatalogChange>? committed = null)
    {
        var checkpoints = WalCheckpoints.Acquire(store);
        DbSession? session = null;
        var total = new CatalogChange(0, 0, 0, 0);
        try
        {
            foreach (var batch in products.Chunk(batchSize))
            {
                session = WalCheckpoints.NextBatch(store, session, checkpoints);
                var change = Push(session, batch, []);
                session.Commit();
                total = new CatalogChange(total.Created + change.Created, total.Updated + change.Updated, total.Unchanged + change.Unchanged, total.Gone);
                committed?.Invoke(change);
            }
        }
        finally
        {
            session?.Dispose();
            checkpoints?.ReleaseAsync().GetAwaiter().GetResult();
        }
        return total;
    }

    private CatalogChange Push(DbSession s, PreparedProduct[] prepared, IReadOnlyList<string> gone)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < prepared.Length; i++)
        {
            if (!seen.Add(prepared[i].Product.Id)) throw ProblemException.Invalid($"products[{i}].id", $"product '{prepared[i].Product.Id}' appears twice");
        }
        for (var i = 0; i < gone.Count; i++)
        {
            if (seen.Contains(gone[i])) throw ProblemException.Invalid($"gone[{i}]", $"product '{gone[i]}' is both pushed and gone");
        }

        var now = Times.ToMicros(clock.GetUtcNow());
        int created = 0, updated = 0, unchanged = 0;
        var sqlite = s.Provider == StoreProvider.Sqlite ? s.Resource(session => new SqliteCatalogWriter((Microsoft.Data.Sqlite.SqliteConnection)session.Connection)) : null;
        foreach (var item in prepared)
        {
            var (product, hash) = (item.Product, item.Hash);
            var existing = sqlite is not null ? sqlite.Find(product.Id)
                : s.QuerySingleOrDefault<Existing>("SELECT body_hash, gone_at FROM products WHERE id = @Id", new { product.Id }) is { } e ? (e.BodyHash, e.GoneAt is not null) : null;
            if (existing is { Gone: false } && existing.Value.Hash == hash)
            {
                unchanged++;
                continue;
            }
            var row = item.Row with { At = now };
            if (existing is null) created++;
            else updated++;
            if (sqlite is not null)
            {
                sqlite.Write(row, product.Texts, created: existing is null);
                continue;
            }
            if (existing is null)
            {
                s.Execute($"""
                    INSERT INTO products ({Columns}, created_at, updated_at, gone_at)
                    VALUES (@Id, @Category, @Store, @PriceMinor, @Currency, @Stock, @Affiliated, @SellerRate, @IsVirtual, @Section, @SellerOrigin,
                        @Markets, @Images, @Url, @BodyHash, @At, @At, NULL)
                    """, row);
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
            }
            s.ExecuteEach("INSERT INTO product_texts (product_id, language, title, description) VALUES (@ProductId, @Language, @Title, @Description)",
                product.Texts.Select(t => new TextRow(product.Id, t.Language, t.Title, t.Description)));
        }
        var marked = gone.Distinct(StringComparer.Ordinal)
            .Sum(id => s.Execute("UPDATE products SET gone_at = @now, updated_at = @now WHERE id = @id AND gone_at IS NULL", new { id, now }));
        return new CatalogChange(created, updated, unchanged, marked);
    }

    private sealed record Counted(DateTimeOffset At, CatalogChoices Choices);

    private volatile Counted? choices;

    /// <summary>How long <see cref="Choices"/> reuses its count: a catalog of a million products takes a second to group.</summary>
    public static readonly TimeSpan ChoicesAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The <paramref name="limit"/> largest categories and stores of the live catalog, counted at most every
    /// <see cref="ChoicesAge"/> (a push shows in the choices within that; a feed filtered on a new name works at once).
    /// </summary>
    public CatalogChoices Choices(int limit = 500)
    {
        var now = clock.GetUtcNow();
        if (choices is { } cached && now - cached.At < ChoicesAge && now >= cached.At) return cached.Choices;
        var counted = store.Read(s => new CatalogChoices(
            [.. s.Query<(string, long)>("""
                SELECT category, COUNT(*) FROM products WHERE gone_at IS NULL GROUP BY category ORDER BY COUNT(*) DESC, category LIMIT @limit
                """, new { limit })],
            [.. s.Query<(string, long)>("""
                SELECT store, COUNT(*) FROM products WHERE gone_at IS NULL AND store IS NOT NULL GROUP BY store ORDER BY COUNT(*) DESC, store LIMIT @limit
                """, new { limit })]));
        choices = new Counted(now, counted);
        return counted;
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

    /// <summary>A checked product with its content hash, ready to push.</summary>
    public static PreparedProduct Prepare(Product product, string path)
    {
        Validate(product, path);
        var hash = Hash(product);
        return new PreparedProduct(product, hash, Row(product, hash));
    }

    /// <summary>Checks a product; the problem names the first wrong field under <paramref name="path"/>.</summary>
    public static void Validate(Product p, string path)
    {
        string F(string field) => $"{path}.{field}";
        if (string.IsNullOrWhiteSpace(p.Id) || p.Id.Length > 64) throw ProblemException.Invalid(F("id"), "is required, at most 64 characters");
        if (string.IsNullOrWhiteSpace(p.Category)) throw ProblemException.Invalid(F("category"), "is required");
        if (!Common.Currency.TryFind(p.Currency, out var currency)) throw ProblemException.Invalid(F("currency"), $"unknown currency '{p.Currency}'");
        if (p.Price < 0m) throw ProblemException.Invalid(F("price"), "must not be negative");
        if (currency.Round(p.Price) != p.Price) throw ProblemException.Invalid(F("price"), $"has more than {currency.MinorDigits} decimals for {currency.Code}");
        if (p.Price > MaxPrice) throw ProblemException.Invalid(F("price"), $"is above {MaxPrice}");
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
        var languages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in p.Texts)
        {
            if (text.Language.Length != 2 || !text.Language.All(char.IsAsciiLetterLower)) throw ProblemException.Invalid(F($"texts.{text.Language}"), "languages are ISO 639-1 codes (en)");
            if (!languages.Add(text.Language)) throw ProblemException.Invalid(F($"texts.{text.Language}"), "appears twice");
            if (string.IsNullOrWhiteSpace(text.Title)) throw ProblemException.Invalid(F($"texts.{text.Language}.title"), "is required");
            if (!Writable(text.Title)) throw ProblemException.Invalid(F($"texts.{text.Language}.title"), NotWritable);
            if (text.Description is { } d && !Writable(d)) throw ProblemException.Invalid(F($"texts.{text.Language}.description"), NotWritable);
        }
        foreach (var (name, value) in new[] { ("id", p.Id), ("category", p.Category), ("store", p.Store), ("section", p.Section), ("sellerOrigin", p.SellerOrigin) })
        {
            if (value is not null && !Writable(value)) throw ProblemException.Invalid(F(name), NotWritable);
        }
    }

    /// <summary>A price no catalog needs and whose minor units still fit the store's 64-bit integers.</summary>
    public const decimal MaxPrice = 1_000_000_000_000m;

    private const string NotWritable = "has a control character or an unpaired surrogate (feeds could not carry it)";

    /// <summary>Text every feed format can carry: no control characters but tab and line breaks, no unpaired surrogates, no U+FFFE/U+FFFF (XML 1.0).</summary>
    private static bool Writable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) return false;
            if (c is '\uFFFE' or '\uFFFF') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// An absolute https:// address with a host and no white space or control characters. (A product page is checked
    /// in full — allowed hosts, no tricks — by <see cref="Tracking.LinkTargets"/> when a feed item's click redirects to it;
    /// this is the import's cheap first look, run for every product and image.)
    /// </summary>
    private static bool IsHttps(string? url)
    {
        if (url is null || url.Length > 2048 || !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = url.AsSpan(8);
        var hostEnd = rest.IndexOfAny('/', '?', '#');
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        if (host.Length == 0 || host.Contains('@') || host.Contains('\\')) return false;
        foreach (var c in url)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// The content hash a push compares (a repeated product changes nothing): SHA-256 over every field of the canonical
    /// product, each length-prefixed so that no two products share an input.
    /// </summary>
    public static string Hash(Product p)
    {
        // One buffer, one SHA-256 call: an incremental hash object per product (a native context behind a finalizable
        // handle) cost more than hashing itself over a million products.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        var used = 0;
        void Add(string? value)
        {
            var max = value is null ? 4 : System.Text.Encoding.UTF8.GetMaxByteCount(value.Length) + 4;
            if (used + max > buffer.Length)
            {
                var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, used + max));
                buffer.AsSpan(0, used).CopyTo(larger);
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            var length = value is null ? -1 : System.Text.Encoding.UTF8.GetBytes(value, buffer.AsSpan(used + 4));
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(used), length);
            used += 4 + Math.Max(length, 0);
        }
        Add(p.Id);
        Add(p.Category);
        Add(p.Store);
        Add(Decimals.Canonical(p.Price));
        Add(p.Currency);
        Add(p.Stock.ToString(CultureInfo.InvariantCulture));
        Add(p.Affiliated ? "1" : "0");
        Add(p.SellerRate is { } rate ? Decimals.Canonical(rate) : null);
        Add(p.Virtual ? "1" : "0");
        Add(p.Section);
        Add(p.SellerOrigin);
        Add(p.Markets.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var market in p.Markets) Add(market);
        Add(p.Images.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var image in p.Images) Add(image);
        Add(p.Url);
        Add(p.Texts.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var text in p.Texts)
        {
            Add(text.Language);
            Add(text.Title);
            Add(text.Description);
        }
        Span<byte> digest = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, used), digest);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        return Convert.ToHexStringLower(digest);
    }

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

    /// <summary>
    /// SQL for a product's display title — its English title, else the title of its first language — for the product id
    /// in <paramref name="productId"/> (a column of the surrounding query).
    /// </summary>
    internal static string TitleSql(string productId) =>
        $"COALESCE((SELECT title FROM product_texts t WHERE t.product_id = {productId} AND t.language = 'en'), " +
        $"(SELECT title FROM product_texts t WHERE t.product_id = {productId} ORDER BY t.language LIMIT 1))";

    /// <summary>The stored columns a push writes, in the writers' order (then created_at, updated_at, gone_at).</summary>
    internal const string Columns = "id, category, store, price_minor, currency, stock, affiliated, seller_rate, is_virtual, section, seller_origin, markets, images, url, body_hash";

    /// <summary>A product as a push writes it.</summary>
    internal sealed record WriteRow(
        string Id, string Category, string? Store, long PriceMinor, string Currency, long Stock, bool Affiliated, string? SellerRate, bool IsVirtual,
        string? Section, string? SellerOrigin, string Markets, string Images, string Url, string BodyHash)
    {
        /// <summary>The push's time (created_at / updated_at), set by the writer.</summary>
        public long At { get; init; }
    }

    private static WriteRow Row(Product p, string hash) =>
        new(p.Id, p.Category, p.Store, Common.Currency.Of(p.Currency).ToMinor(p.Price), p.Currency, p.Stock, p.Affiliated,
            p.SellerRate is { } r ? Decimals.Canonical(r) : null, p.Virtual, p.Section, p.SellerOrigin, string.Join(',', p.Markets),
            JsonSerializer.Serialize(p.Images), p.Url, hash);

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
