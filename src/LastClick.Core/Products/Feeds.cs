using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Tracking;

namespace LastClick.Products;

public enum FeedFormat { Csv, Xml, Json }

/// <summary>
/// Which products a feed holds (G2). Prices are compared in <see cref="PriceCurrency"/> (the program's payout currency
/// when not given), converting other currencies at the program's internal rates. <see cref="MinRate"/> is the rate the
/// rules engine would give this publisher for the product delivered to the feed's market, today.
/// <see cref="BestSellers"/> keeps the market's latest best sellers (G4), in rank order.
/// </summary>
public sealed record FeedFilter(
    string? Category = null, string? Store = null, decimal? MinPrice = null, decimal? MaxPrice = null, string? PriceCurrency = null,
    decimal? MinRate = null, bool InStock = false, bool BestSellers = false);

/// <summary>What a publisher asks for: the program, the market the products ship to, the language, the format, the filters, the sub id.</summary>
public sealed record FeedRequest(string ProgramId, string Market, string Language, FeedFormat Format, FeedFilter Filter, string? SubId = null, string? Name = null);

/// <summary>
/// A stored feed. <see cref="Code"/> is its tracking link (item links are <c>/go/{code}/{product}</c>);
/// <see cref="Token"/> is the secret of its stable URL.
/// </summary>
public sealed record Feed(
    string Code, string Token, string PublisherId, string ProgramId, string Name, string Market, string Language, FeedFormat Format,
    FeedFilter Filter, string? SubId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public string Extension => Feeds.Extension(Format);
}

/// <summary>
/// One product as a feed carries it: the title in <see cref="Language"/> (the feed's language, else English, else the
/// first the product has: <see cref="Translated"/> says whether it is the one asked for) and the description found the
/// same way on its own (a title in the feed's language may come with the English description), the publisher's tracking link,
/// the rate the rules give (a fraction) and, in a best-seller feed, the rank.
/// </summary>
public sealed record FeedItem(
    string Id, string Title, string? Description, string Language, bool Translated, string Category, string? Store, decimal Price, string Currency,
    long Stock, IReadOnlyList<string> Images, string Link, decimal Rate, int? Rank);

/// <summary>
/// A product as a publisher sizes it up (the best-sellers page): its title in the language asked (else English), price,
/// first image, page, and the rate the program's rules give this publisher for it (a fraction; 0 with the reason when it pays nothing).
/// </summary>
public sealed record ProductOffer(string Id, string? Title, decimal Price, string Currency, string? Image, string Url, decimal Rate, string? Reason);

/// <summary>Validators for conditional requests: the newest change a feed's items depend on.</summary>
public sealed record FeedVersion(DateTimeOffset LastModified, string ETag);

/// <summary>
/// Product feeds (G2, G3; decision 0010): defined and stored per publisher, read as a forward-only stream of
/// <see cref="FeedItem"/> (never the whole catalog in memory) for the writers in the executable.
/// </summary>
public sealed class Feeds(Store store, ProgramCatalog programs, LinkService links, TimeProvider clock)
{
    public const int MaxFeedsPerPublisher = 100;

    public static string Extension(FeedFormat format) => format switch { FeedFormat.Csv => "csv", FeedFormat.Xml => "xml", _ => "json" };

    public static FeedFormat ParseFormat(string? text, string field = "format") => text?.ToLowerInvariant() switch
    {
        "csv" => FeedFormat.Csv,
        "xml" or "google" or "merchant" => FeedFormat.Xml,
        "json" => FeedFormat.Json,
        _ => throw ProblemException.Invalid(field, $"unknown format '{text}' (csv, xml, json)"),
    };

    /// <summary>Checks a request against its program; the problem names the field.</summary>
    public void Validate(FeedRequest request)
    {
        var program = programs.Get(request.ProgramId, "program");
        if (!program.Markets.Contains(request.Market)) throw ProblemException.Invalid("market", $"{program.Id} serves {string.Join(", ", program.Markets)}");
        if (!program.Languages.Contains(request.Language)) throw ProblemException.Invalid("language", $"{program.Id}'s feeds are in {string.Join(", ", program.Languages)}");
        var f = request.Filter;
        if (f.MinPrice is < 0m) throw ProblemException.Invalid("minPrice", "must not be negative");
        if (f.MaxPrice is < 0m) throw ProblemException.Invalid("maxPrice", "must not be negative");
        if (f is { MinPrice: { } min, MaxPrice: { } max } && min > max) throw ProblemException.Invalid("maxPrice", "is below minPrice");
        if (f.MinRate is < 0m or > 1m) throw ProblemException.Invalid("minRate", "must be a fraction between 0 and 1 (0.05 = 5%)");
        if (f.PriceCurrency is { } c && !program.InternalRatesAt(clock.GetUtcNow()).Knows(c)) throw ProblemException.Invalid("priceCurrency", $"{program.Id} has no rate for '{c}'");
        if (request.Name is { Length: > 100 }) throw ProblemException.Invalid("name", "at most 100 characters");
    }

    /// <summary>Stores a feed with its own tracking link (sub1 = the sub id the publisher chose).</summary>
    public Feed Create(string publisherId, FeedRequest request) => store.InSession(s =>
    {
        Validate(request);
        var program = programs.Get(request.ProgramId, "program");
        if (s.Scalar<long>("SELECT COUNT(*) FROM feeds WHERE publisher_id = @publisherId AND revoked_at IS NULL", new { publisherId }) >= MaxFeedsPerPublisher)
        {
            throw ProblemException.Invalid("feed", $"at most {MaxFeedsPerPublisher} feeds; revoke one first");
        }
        var home = "https://" + program.AllowedHosts.First(h => !h.StartsWith('*')) + "/";
        var link = links.Create(s, publisherId, program.Id, home, request.SubId);
        var now = clock.GetUtcNow();
        var feed = new Feed(link.Code, RandomNumberGenerator.GetHexString(32, lowercase: true), publisherId, program.Id,
            request.Name ?? $"{program.Id} {request.Market} {request.Language}", request.Market, request.Language, request.Format, request.Filter,
            request.SubId, now, null);
        s.Execute("""
            INSERT INTO feeds (code, token, publisher_id, program_id, name, market, language, format, filters, created_at, revoked_at)
            VALUES (@Code, @Token, @PublisherId, @ProgramId, @Name, @Market, @Language, @Format, @Filters, @At, NULL)
            """, new
        {
            feed.Code, feed.Token, feed.PublisherId, feed.ProgramId, feed.Name, feed.Market, feed.Language, Format = feed.Extension,
            Filters = JsonSerializer.Serialize(feed.Filter, JsonOptions), At = Times.ToMicros(now),
        });
        return feed;
    });

    /// <summary>A publisher's feeds, newest first (revoked ones too, marked).</summary>
    public IReadOnlyList<Feed> ForPublisher(string publisherId) => store.Read(s =>
        (IReadOnlyList<Feed>)s.Query<FeedRow>(Select + " WHERE f.publisher_id = @publisherId ORDER BY f.created_at DESC, f.code", new { publisherId })
            .Select(ToFeed).ToList());

    /// <summary>A live feed by the token of its URL.</summary>
    public Feed? ByToken(string token) => store.Read(s =>
        s.QuerySingleOrDefault<FeedRow>(Select + " WHERE f.token = @token AND f.revoked_at IS NULL", new { token }) is { } r ? ToFeed(r) : null);

    /// <summary>A publisher's own feed by code; another publisher's is not found.</summary>
    public Feed? Find(string publisherId, string code) => store.Read(s =>
        s.QuerySingleOrDefault<FeedRow>(Select + " WHERE f.code = @code AND f.publisher_id = @publisherId", new { code, publisherId }) is { } r ? ToFeed(r) : null);

    /// <summary>Revokes a publisher's feed: its URL answers 404 from then on (its item links keep working, like any link).</summary>
    public bool Revoke(string publisherId, string code) => store.InSession(s =>
        s.Execute("UPDATE feeds SET revoked_at = @now WHERE code = @code AND publisher_id = @publisherId AND revoked_at IS NULL",
            new { code, publisherId, now = Times.ToMicros(clock.GetUtcNow()) }) == 1);

    /// <summary>
    /// The feed's validators. The ETag covers the newest product change, the feed's definition, the program's rules,
    /// today's date (campaigns start and end), the publisher's traffic type and last month's turnover (its tier) and, for
    /// best sellers, the month ranked. Last-Modified is the latest of the product change, the program's last edit, the
    /// last ranking, the feed's creation and today's midnight.
    /// </summary>
    public FeedVersion Version(Feed feed)
    {
        var program = programs.Get(feed.ProgramId);
        var now = clock.GetUtcNow();
        var (newest, edited, ranked, bestSellers, context) = store.Read(s => (
            s.QuerySingleOrDefault<long?>("SELECT MAX(updated_at) FROM products") ?? 0,
            s.QuerySingleOrDefault<long?>("SELECT MAX(changed_at) FROM program_versions WHERE program_id = @Id", new { program.Id }) ?? 0,
            feed.Filter.BestSellers ? s.QuerySingleOrDefault<long?>("SELECT MAX(at) FROM audit_log WHERE action = 'best_sellers.ranked'") ?? 0 : 0,
            feed.Filter.BestSellers ? BestSellerJob.Latest(s, feed.Market) ?? "" : "",
            Context(s, feed, program, now)));
        // Last-Modified moves with everything the items depend on, as the ETag does: a client that only sends
        // If-Modified-Since must not be told "not modified" after a rule change, a ranking or midnight.
        var today = now.UtcDateTime.Date;
        var modified = Times.FromMicros(new[] { newest, edited, ranked, Times.ToMicros(feed.CreatedAt), Times.ToMicros(new DateTimeOffset(today, TimeSpan.Zero)) }.Max());
        modified = new DateTimeOffset(modified.Ticks - modified.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero); // HTTP dates have whole seconds
        var basis = string.Join('\n', newest.ToString(CultureInfo.InvariantCulture), feed.Code, JsonSerializer.Serialize(feed.Filter, JsonOptions),
            feed.Market, feed.Language, feed.SubId ?? "", Fingerprint.Of(program), today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), bestSellers,
            context.TrafficType, Decimals.Canonical(context.PreviousMonthTurnover));
        return new FeedVersion(modified, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(basis)))[..32]);
    }

    /// <summary>
    /// At most how many items the feed holds, for a progress bar: on SQLite the catalog's size (read from the end of its
    /// table, not counted: counting would read the whole catalog once more); elsewhere the products its stored filters keep.
    /// </summary>
    public long Count(Feed feed) => store.Read(s =>
    {
        if (s.Provider == StoreProvider.Sqlite) return s.QuerySingleOrDefault<long?>("SELECT MAX(rowid) FROM products") ?? 0;
        var (where, param) = Where(feed);
        return s.Scalar<long>($"SELECT COUNT(*) FROM products p {where}", param);
    });

    /// <summary>
    /// The feed's items in product id order (best sellers: rank order), read forward-only within one read session: enumerate it
    /// once, to the end or until disposed. <paramref name="origin"/> is the public address item links point at.
    /// </summary>
    public IEnumerable<FeedItem> Items(Feed feed, string origin)
    {
        var now = clock.GetUtcNow();
        var program = programs.Get(feed.ProgramId);
        var rates = program.InternalRatesAt(now);
        var priceCurrency = feed.Filter.PriceCurrency ?? program.PayoutCurrencyAt(now).Code;
        using var s = store.BeginRead();
        using var streaming = Streaming(s);
        var context = Context(s, feed, program, now);
        var touch = new Touch("feed", TouchKind.AffiliateClick, now, 0, feed.PublisherId, Country: feed.Market);
        var prefix = $"{origin.TrimEnd('/')}/go/{feed.Code}/";
        // Two stages on two threads: the scan (the store's rows, made strings) runs a few blocks ahead of the rules
        // (price, rate, images, link) — on a whole catalog the scan alone is most of a core, and a feed's writer (the
        // format, the compression) a third (docs/performance.md). The session is the scan's until it ends: ReadAhead
        // waits for it before this method's session is disposed.
        foreach (var block in ReadAhead.Of(Scan(s, feed).Chunk(256), 8))
        {
            foreach (var row in block)
            {
                var currency = Currency.Of(row.Currency);
                var price = currency.FromMinor(row.PriceMinor);
                decimal? sellerRate = row.SellerRate is { } sr ? decimal.Parse(sr, CultureInfo.InvariantCulture) : null;
                if (!PriceIn(feed.Filter, price, currency.Code, priceCurrency, rates)) continue;
                var (paid, _) = RateOf(new OrderLine("feed", row.Id, row.Category, row.Store, price, 1, row.Affiliated, sellerRate, row.IsVirtual, row.Section, row.SellerOrigin),
                    currency, feed.Market, touch, program, context, now);
                if (feed.Filter.MinRate is { } minRate && paid < minRate) continue;
                yield return new FeedItem(row.Id, row.Title, row.Description, row.Language, row.Language == feed.Language, row.Category, row.Store, price,
                    currency.Code, row.Stock, JsonSerializer.Deserialize<string[]>(row.Images) ?? [], prefix + Uri.EscapeDataString(row.Id), paid, row.Rank);
            }
        }
    }

    /// <summary>A product's row as the scan read it, with its text in the feed's language (else English, else its first).</summary>
    private sealed record Row(string Id, string Category, string? Store, string Currency, long PriceMinor, long Stock, bool Affiliated, string? SellerRate,
        bool IsVirtual, string? Section, string? SellerOrigin, string Images, string Language, string Title, string? Description, int? Rank);

    /// <summary>The products the feed's stored filters keep, with their text, in the feed's order, read in the session's snapshot.</summary>
    private static IEnumerable<Row> Scan(DbSession s, Feed feed)
    {
        var (where, param) = Where(feed);
        var bestSellers = feed.Filter.BestSellers;
        // SQLite, a whole-catalog feed: two ordered scans merged (CatalogScan). Otherwise the texts are joined. The text,
        // field by field: the feed's language, else English, else the product's first language (a French title with no
        // French description carries the English description: Google Merchant refuses an item without one).
        if (s.Provider == StoreProvider.Sqlite && !bestSellers && feed.Filter.Category is null && feed.Filter.Store is null)
        {
            return CatalogScan(s, feed, where, param.MarketPattern);
        }
        var sql = $"""
            SELECT p.id, p.category, p.store, p.currency, p.price_minor, p.stock, p.affiliated, p.seller_rate, p.is_virtual, p.section, p.seller_origin,
                p.images,
                CASE WHEN r.title IS NOT NULL THEN @Language WHEN e.title IS NOT NULL THEN 'en'
                     ELSE (SELECT MIN(language) FROM product_texts x WHERE x.product_id = p.id) END,
                COALESCE(r.title, e.title, (SELECT title FROM product_texts x WHERE x.product_id = p.id ORDER BY language LIMIT 1)),
                COALESCE(r.description, e.description, CASE WHEN r.title IS NULL AND e.title IS NULL
                     THEN (SELECT description FROM product_texts x WHERE x.product_id = p.id ORDER BY language LIMIT 1) END)
                {(bestSellers ? ", b.rank" : "")}
            FROM products p
            {(bestSellers ? "JOIN best_sellers b ON b.product_id = p.id AND b.market = @Market AND b.month = @Month" : "")}
            LEFT JOIN product_texts r ON r.product_id = p.id AND r.language = @Language LEFT JOIN product_texts e ON e.product_id = p.id AND e.language = 'en'
            {where}
            ORDER BY {(bestSellers ? "b.rank" : "p.id")}
            """;
        if (bestSellers) param.Month = BestSellerJob.Latest(s, feed.Market) ?? "";
        return Joined(s, sql, param, bestSellers);
    }

    private static IEnumerable<Row> Joined(DbSession s, string sql, FeedParams param, bool bestSellers)
    {
        // Columns are read in order (PostgreSQL streams them: SequentialAccess).
        using var reader = s.Reader(sql, param);
        while (reader.Read())
        {
            yield return new Row(reader.GetString(0), reader.GetString(1), String(reader, 2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetBoolean(6), String(reader, 7), reader.GetBoolean(8), String(reader, 9), String(reader, 10), reader.GetString(11),
                reader.GetString(12), reader.GetString(13), String(reader, 14), bestSellers ? (int)reader.GetInt64(15) : null);
        }
    }

    /// <summary>
    /// SQLite, a whole-catalog feed: the products in id order, their texts merged from a second scan in the same order
    /// (product_texts is clustered by product and language) instead of two look-ups per product. Both are read through
    /// SQLitePCL, a column at a time as UTF-8: ids are compared as bytes (SQLite's own order of TEXT), and a text is
    /// made a string only when the item carries it — English is read before the feed's language and kept as bytes
    /// until the product turns out to have no text in that language. Through Microsoft.Data.Sqlite's reader every
    /// column was a string and several calls into SQLite, and this scan was most of a feed's time (docs/performance.md).
    /// </summary>
    private static IEnumerable<Row> CatalogScan(DbSession s, Feed feed, string where, string marketPattern)
    {
        var db = ((Microsoft.Data.Sqlite.SqliteConnection)s.Connection).Handle!;
        using var products = Prepare(db, $"""
            SELECT p.id, p.category, p.store, p.currency, p.price_minor, p.stock, p.affiliated, p.seller_rate, p.is_virtual, p.section, p.seller_origin, p.images
            FROM products p {where} ORDER BY p.id
            """, ("@MarketPattern", marketPattern));
        using var texts = Prepare(db, "SELECT product_id, language, title, description FROM product_texts WHERE language IN (@Language, 'en') ORDER BY product_id, language",
            ("@Language", feed.Language));
        var language = Encoding.UTF8.GetBytes(feed.Language);
        var id = new Utf8Buffer();
        var (englishTitle, englishDescription) = (new Utf8Buffer(), new Utf8Buffer());
        var textAhead = Step(db, texts);
        while (Step(db, products))
        {
            id.Set(SQLitePCL.raw.sqlite3_column_blob(products, 0));
            string? title = null, description = null, textLanguage = null;
            var (english, englishHasDescription) = (false, false);
            while (textAhead)
            {
                var order = SQLitePCL.raw.sqlite3_column_blob(texts, 0).SequenceCompareTo(id.Span);
                if (order > 0) break;
                if (order == 0)
                {
                    if (SQLitePCL.raw.sqlite3_column_blob(texts, 1).SequenceEqual(language))
                    {
                        (textLanguage, title, description) = (feed.Language, Text(texts, 2), NullableText(texts, 3));
                    }
                    else
                    {
                        english = true;
                        englishTitle.Set(SQLitePCL.raw.sqlite3_column_blob(texts, 2));
                        englishHasDescription = SQLitePCL.raw.sqlite3_column_type(texts, 3) != SQLitePCL.raw.SQLITE_NULL;
                        englishDescription.Set(SQLitePCL.raw.sqlite3_column_blob(texts, 3));
                    }
                }
                textAhead = Step(db, texts);
            }
            if (title is null && english) (textLanguage, title) = ("en", englishTitle.Decode());
            if (description is null && english && englishHasDescription) description = englishDescription.Decode();
            var productId = id.Decode();
            if (title is null)
            {
                // Neither the language nor English (rare): the product's first language, by a look-up beside the scans.
                var first = s.QuerySingleOrDefault<FirstText>(
                    "SELECT language, title, description FROM product_texts WHERE product_id = @productId ORDER BY language LIMIT 1", new { productId });
                (textLanguage, title, description) = (first?.Language ?? feed.Language, first?.Title ?? "", description ?? first?.Description);
            }
            yield return new Row(productId, Text(products, 1), NullableText(products, 2), Text(products, 3), SQLitePCL.raw.sqlite3_column_int64(products, 4),
                SQLitePCL.raw.sqlite3_column_int64(products, 5), SQLitePCL.raw.sqlite3_column_int64(products, 6) != 0, NullableText(products, 7),
                SQLitePCL.raw.sqlite3_column_int64(products, 8) != 0, NullableText(products, 9), NullableText(products, 10), Text(products, 11),
                textLanguage!, title, description, null);
        }

        static SQLitePCL.sqlite3_stmt Prepare(SQLitePCL.sqlite3 db, string sql, (string Name, string Value) parameter)
        {
            Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_prepare_v2(db, sql, out var statement), db);
            // Exactly the one parameter given: another (a filter that came to need one) would stay NULL and the feed be
            // silently wrong.
            if (SQLitePCL.raw.sqlite3_bind_parameter_count(statement) != 1 || SQLitePCL.raw.sqlite3_bind_parameter_index(statement, parameter.Name) != 1)
            {
                statement.Dispose();
                throw new InvalidOperationException($"the catalog scan binds {parameter.Name} alone: {sql}");
            }
            var rc = SQLitePCL.raw.sqlite3_bind_text(statement, 1, parameter.Value);
            if (rc != SQLitePCL.raw.SQLITE_OK)
            {
                statement.Dispose();
                Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, db);
            }
            return statement;
        }

        // The store's busy timeout applies to these steps as to any statement, and the session's read snapshot is open
        // already (Context read through it): WAL never turns a reader with one away. Any error is SQLite's, thrown as is.
        static bool Step(SQLitePCL.sqlite3 db, SQLitePCL.sqlite3_stmt statement)
        {
            var rc = SQLitePCL.raw.sqlite3_step(statement);
            if (rc is not (SQLitePCL.raw.SQLITE_ROW or SQLitePCL.raw.SQLITE_DONE)) Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, db);
            return rc == SQLitePCL.raw.SQLITE_ROW;
        }

        static string Text(SQLitePCL.sqlite3_stmt statement, int column) => Encoding.UTF8.GetString(SQLitePCL.raw.sqlite3_column_blob(statement, column));

        static string? NullableText(SQLitePCL.sqlite3_stmt statement, int column) =>
            SQLitePCL.raw.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_NULL ? null : Text(statement, column);
    }

    /// <summary>A column's UTF-8 kept past the next step of its statement, in an array reused from row to row.</summary>
    private sealed class Utf8Buffer
    {
        private byte[] _bytes = new byte[256];
        private int _length;

        public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

        public void Set(ReadOnlySpan<byte> value)
        {
            if (value.Length > _bytes.Length) _bytes = new byte[Math.Max(value.Length, _bytes.Length * 2)];
            value.CopyTo(_bytes);
            _length = value.Length;
        }

        public string Decode() => Encoding.UTF8.GetString(Span);
    }

    /// <summary>
    /// SQLite: a feed reads the whole catalog once, front to back. Memory-mapping the file and a 64 MB page cache (the
    /// store's settings, good for the redirect's point reads) would only put the catalog into this process's memory;
    /// the kernel's cache serves a scan as well. Set back when the feed is done (the connection returns to the pool).
    /// </summary>
    private static Restore? Streaming(DbSession s)
    {
        if (s.Provider != StoreProvider.Sqlite) return null;
        var mmap = s.Scalar<long>("PRAGMA mmap_size");
        var cache = s.Scalar<long>("PRAGMA cache_size");
        s.Execute("PRAGMA mmap_size=0");
        s.Execute("PRAGMA cache_size=-4096");
        return new Restore(() =>
        {
            s.Execute($"PRAGMA mmap_size={mmap}");
            s.Execute($"PRAGMA cache_size={cache}");
        });
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private static string? String(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static bool PriceIn(FeedFilter filter, decimal price, string currency, string priceCurrency, InternalRateTable rates)
    {
        if (filter.MinPrice is null && filter.MaxPrice is null) return true;
        if (currency != priceCurrency)
        {
            if (!rates.Knows(currency)) return false;
            price = rates.Convert(price, currency, priceCurrency);
        }
        return (filter.MinPrice is not { } min || price >= min) && (filter.MaxPrice is not { } max || price <= max);
    }

    /// <summary>
    /// The rate an order of one unit of a product from <paramref name="market"/> would earn the publisher now (a feed item's,
    /// an offer's): the rules' rate, or 0 with the reason it pays nothing.
    /// </summary>
    private static (decimal Paid, string? Reason) RateOf(OrderLine line, Currency currency, string market, Touch touch, ProgramDefinition program,
        PublisherContext context, DateTimeOffset now)
    {
        var rate = Commission.Rate(new Order(line.Id, now, currency, market, [line]), touch, program, context)[0];
        return (rate.Reason is null ? rate.Rate : 0m, rate.Reason);
    }

    /// <summary>What the rules know about the publisher: its traffic type and last month's confirmed sales (tiers, B13).</summary>
    private static PublisherContext Context(DbSession s, Feed feed, ProgramDefinition program, DateTimeOffset now) =>
        Context(s, feed.PublisherId, program, now);

    private static PublisherContext Context(DbSession s, string publisherId, ProgramDefinition program, DateTimeOffset now)
    {
        var trafficType = Publishers.PublisherService.Find(s, publisherId)?.TrafficType ?? "";
        var turnover = program.Tiers is null ? 0m : Orders.OrderService.PreviousMonthTurnover(s, publisherId, program, now);
        return new PublisherContext(trafficType, turnover);
    }

    /// <summary>
    /// What <paramref name="publisherId"/> would earn on each of <paramref name="productIds"/> that the catalog has, under
    /// <paramref name="programId"/>'s rules for an order from <paramref name="market"/> today — the rate a feed item
    /// carries — with the title in <paramref name="language"/> (else English).
    /// </summary>
    public IReadOnlyDictionary<string, ProductOffer> Offers(string publisherId, string programId, string market, string language, IReadOnlyCollection<string> productIds)
    {
        if (productIds.Count == 0) return new Dictionary<string, ProductOffer>();
        var now = clock.GetUtcNow();
        var program = programs.Get(programId, "program");
        return store.Read(s =>
        {
            var context = Context(s, publisherId, program, now);
            var touch = new Touch("offer", TouchKind.AffiliateClick, now, 0, publisherId, Country: market);
            var offers = new Dictionary<string, ProductOffer>(StringComparer.Ordinal);
            // One prepared look-up per product: a list is at most a hundred.
            foreach (var id in productIds.Distinct(StringComparer.Ordinal))
            {
                if (s.QuerySingleOrDefault<OfferRow>("""
                    SELECT p.id, p.category, p.store, p.currency, p.price_minor, p.affiliated, p.seller_rate, p.is_virtual, p.section, p.seller_origin,
                           p.images, p.url, COALESCE(t.title, e.title) AS title
                    FROM products p
                    LEFT JOIN product_texts t ON t.product_id = p.id AND t.language = @language
                    LEFT JOIN product_texts e ON e.product_id = p.id AND e.language = 'en'
                    WHERE p.id = @id
                    """, new { language, id }) is not { } r) continue;
                var currency = Currency.Of(r.Currency);
                var price = currency.FromMinor(r.PriceMinor);
                decimal? sellerRate = r.SellerRate is { } sr ? decimal.Parse(sr, CultureInfo.InvariantCulture) : null;
                var (paid, reason) = RateOf(new OrderLine("offer", r.Id, r.Category, r.Store, price, 1, r.Affiliated, sellerRate, r.IsVirtual, r.Section, r.SellerOrigin),
                    currency, market, touch, program, context, now);
                var image = JsonSerializer.Deserialize<string[]>(r.Images) is [var first, ..] ? first : null;
                offers[r.Id] = new ProductOffer(r.Id, r.Title, price, currency.Code, image, r.Url, paid, reason);
            }
            return (IReadOnlyDictionary<string, ProductOffer>)offers;
        });
    }

    private static (string Where, FeedParams Param) Where(Feed feed)
    {
        var f = feed.Filter;
        var conditions = new List<string> { "p.gone_at IS NULL", "(',' || p.markets || ',') LIKE @MarketPattern" };
        if (f.Category is not null) conditions.Add("p.category = @Category");
        if (f.Store is not null) conditions.Add("p.store = @Store");
        if (f.InStock) conditions.Add("p.stock > 0");
        return ("WHERE " + string.Join(" AND ", conditions),
            new FeedParams { MarketPattern = $"%,{feed.Market},%", Market = feed.Market, Language = feed.Language, Category = f.Category, Store = f.Store });
    }

    private sealed class FeedParams
    {
        public string MarketPattern { get; init; } = "";
        public string Market { get; init; } = "";
        public string Language { get; init; } = "";
        public string? Category { get; init; }
        public string? Store { get; init; }
        public string Month { get; set; } = "";
    }

    private const string Select = """
        SELECT f.code, f.token, f.publisher_id, f.program_id, f.name, f.market, f.language, f.format, f.filters, f.created_at, f.revoked_at, l.sub1
        FROM feeds f JOIN links l ON l.code = f.code
        """;

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault,
    };

    private static Feed ToFeed(FeedRow r) => new(r.Code, r.Token, r.PublisherId, r.ProgramId, r.Name, r.Market, r.Language, ParseFormat(r.Format),
        JsonSerializer.Deserialize<FeedFilter>(r.Filters, JsonOptions) ?? new FeedFilter(), r.Sub1, Times.FromMicros(r.CreatedAt),
        r.RevokedAt is { } at ? Times.FromMicros(at) : null);

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class OfferRow
    {
        public string Id { get; set; } = "";
        public string Category { get; set; } = "";
        public string? Store { get; set; }
        public string Currency { get; set; } = "";
        public long PriceMinor { get; set; }
        public bool Affiliated { get; set; }
        public string? SellerRate { get; set; }
        public bool IsVirtual { get; set; }
        public string? Section { get; set; }
        public string? SellerOrigin { get; set; }
        public string Images { get; set; } = "[]";
        public string Url { get; set; } = "";
        public string? Title { get; set; }
    }
#pragma warning restore CA1812

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class FirstText
    {
        public string Language { get; set; } = "";
        public string Title { get; set; } = "";
        public string? Description { get; set; }
    }

    private sealed class FeedRow
    {
        public string Code { get; set; } = "";
        public string Token { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Market { get; set; } = "";
        public string Language { get; set; } = "";
        public string Format { get; set; } = "";
        public string Filters { get; set; } = "{}";
        public long CreatedAt { get; set; }
        public long? RevokedAt { get; set; }
        public string? Sub1 { get; set; }
    }

#pragma warning restore CA1812
}
