using System.Text.Json;
using System.Text.RegularExpressions;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Products;

/// <summary>A product offered instead of a broken link's: why it was chosen (same_store or price_band).</summary>
public sealed record Suggestion(string ProductId, string Title, string Url, decimal Price, string Currency, string Basis);

/// <summary>A publisher link whose product is gone or out of stock (F3), as the last run found it.</summary>
public sealed record BrokenLink(string LinkCode, string PublisherId, string Destination, string ProductId, string Reason, DateTimeOffset FoundAt,
    IReadOnlyList<Suggestion> Suggestions);

/// <summary>
/// Broken links (F3): a link's product is the id in its destination (<c>/item/{id}.html</c>, the marketplace's product
/// page); the link is broken when the catalog has that product gone (<c>product_gone</c>) or with no stock
/// (<c>out_of_stock</c>). A product the catalog does not know is not judged. Up to three suggestions: in stock, not
/// gone, same category and same store first, then the same category within ±30% of the price (same currency), nearest
/// price first. Each run replaces the stored findings.
/// </summary>
public static partial class BrokenLinks
{
    public const string Gone = "product_gone";
    public const string OutOfStock = "out_of_stock";
    public const int MaxSuggestions = 3;
    public const decimal PriceBand = 0.30m;

    [GeneratedRegex(@"^https?://[^/?#]+/(?:[a-z]{2}/)?item/([A-Za-z0-9_-]{1,64})\.html(?:[?#]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ItemPage();

    /// <summary>The product id a destination points at, or null.</summary>
    public static string? ProductOf(string destination) => ItemPage().Match(destination) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Finds every broken link and stores the findings (replacing the last run's); audited. Returns how many are broken.</summary>
    public static int Run(Store store, DateTimeOffset now, string actor)
    {
        var found = store.Read(s => Find(s, now));
        store.InSession(s =>
        {
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142036)");
            var known = s.Query<KnownRow>("SELECT link_code, reason FROM broken_links").Select(r => (r.LinkCode, r.Reason)).ToHashSet();
            s.Execute("DELETE FROM broken_links");
            s.ExecuteEach("""
                INSERT INTO broken_links (link_code, publisher_id, product_id, reason, found_at, suggestions)
                VALUES (@LinkCode, @PublisherId, @ProductId, @Reason, @FoundAt, @Suggestions)
                """, found.Select(b => new
            {
                b.LinkCode, b.PublisherId, b.ProductId, b.Reason, FoundAt = Times.ToMicros(b.FoundAt),
                Suggestions = JsonSerializer.Serialize(b.Suggestions, JsonOptions),
            }));
            AuditLog.Append(s, now, actor, "broken_links.checked", "broken_links", $"{found.Count} broken");
            // News for each publisher with links found broken since the last run (the notification centre; the email is a weekly digest).
            foreach (var publisher in found.Where(b => !known.Contains((b.LinkCode, b.Reason))).GroupBy(b => b.PublisherId, StringComparer.Ordinal))
            {
                Outbox.Write(s, now, "broken_links_found", $"publisher:{publisher.Key}", new
                {
                    publisher = publisher.Key, count = found.Count(b => b.PublisherId == publisher.Key), links = publisher.Select(b => b.LinkCode).Take(20).ToList(), eventTime = now,
                }, publisherId: publisher.Key);
            }
        });
        return found.Count;
    }

    /// <summary>The daily run: unless a run was stored less than a day ago.</summary>
    public static bool RunIfDue(Store store, DateTimeOffset now)
    {
        if (store.Read(s => s.QuerySingleOrDefault<long?>("SELECT MAX(at) FROM audit_log WHERE action = 'broken_links.checked'")) is { } at
            && now - Times.FromMicros(at) < TimeSpan.FromDays(1))
        {
            return false;
        }
        Run(store, now, "system");
        return true;
    }

    private static List<BrokenLink> Find(DbSession s, DateTimeOffset now)
    {
        var candidates = new List<(string Code, string Publisher, string Destination, string Product)>();
        using (var reader = s.Reader("SELECT code, publisher_id, destination FROM links ORDER BY code"))
        {
            while (reader.Read())
            {
                var (code, publisher, destination) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
                if (ProductOf(destination) is { } product) candidates.Add((code, publisher, destination, product));
            }
        }
        var found = new List<BrokenLink>();
        var states = new Dictionary<string, ProductState?>(StringComparer.Ordinal);
        foreach (var (code, publisher, destination, productId) in candidates)
        {
            if (!states.TryGetValue(productId, out var state))
            {
                state = s.QuerySingleOrDefault<ProductState>(
                    "SELECT id, category, store, price_minor, currency, stock, gone_at FROM products WHERE id = @productId", new { productId });
                states[productId] = state;
            }
            if (state is null) continue;
            var reason = state.GoneAt is not null ? Gone : state.Stock <= 0 ? OutOfStock : null;
            if (reason is null) continue;
            found.Add(new BrokenLink(code, publisher, destination, productId, reason, now, Suggest(s, state)));
        }
        return found;
    }

    private static List<Suggestion> Suggest(DbSession s, ProductState broken)
    {
        var columns = $"""
            SELECT p.id, p.url, p.price_minor, p.currency, {CatalogService.TitleSql("p.id")} AS title
            FROM products p
            """;
        var args = new
        {
            broken.Id, broken.Category, broken.Store, broken.PriceMinor, broken.Currency,
            Low = (long)Math.Floor(broken.PriceMinor * (1 - PriceBand)), High = (long)Math.Ceiling(broken.PriceMinor * (1 + PriceBand)),
        };
        var sameStore = broken.Store is null ? [] : s.Query<SuggestionRow>(columns + """
             WHERE p.category = @Category AND p.store = @Store AND p.id <> @Id AND p.gone_at IS NULL AND p.stock > 0
            ORDER BY ABS(p.price_minor - @PriceMinor), p.id LIMIT 3
            """, args);
        var chosen = sameStore.Select(r => (Row: r, Basis: "same_store")).ToList();
        if (chosen.Count < MaxSuggestions)
        {
            var band = s.Query<SuggestionRow>(columns + """
                 WHERE p.category = @Category AND p.id <> @Id AND p.gone_at IS NULL AND p.stock > 0 AND p.currency = @Currency
                    AND p.price_minor BETWEEN @Low AND @High
                ORDER BY ABS(p.price_minor - @PriceMinor), p.id LIMIT 6
                """, args);
            chosen.AddRange(band.Where(r => chosen.All(c => c.Row.Id != r.Id)).Take(MaxSuggestions - chosen.Count).Select(r => (r, "price_band")));
        }
        return chosen.Select(c => new Suggestion(c.Row.Id, c.Row.Title ?? "", c.Row.Url, Currency.Of(c.Row.Currency).FromMinor(c.Row.PriceMinor), c.Row.Currency, c.Basis)).ToList();
    }

    /// <summary>A publisher's broken links from the last run.</summary>
    public static IReadOnlyList<BrokenLink> ForPublisher(Store store, string publisherId) => store.Read(s =>
        (IReadOnlyList<BrokenLink>)s.Query<Row>("""
            SELECT b.link_code, b.publisher_id, l.destination, b.product_id, b.reason, b.found_at, b.suggestions
            FROM broken_links b JOIN links l ON l.code = b.link_code
            WHERE b.publisher_id = @publisherId ORDER BY b.link_code
            """, new { publisherId })
            .Select(r => new BrokenLink(r.LinkCode, r.PublisherId, r.Destination, r.ProductId, r.Reason, Times.FromMicros(r.FoundAt),
                JsonSerializer.Deserialize<List<Suggestion>>(r.Suggestions, JsonOptions) ?? [])).ToList());

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class ProductState
    {
        public string Id { get; set; } = "";
        public string Category { get; set; } = "";
        public string? Store { get; set; }
        public long PriceMinor { get; set; }
        public string Currency { get; set; } = "";
        public long Stock { get; set; }
        public long? GoneAt { get; set; }
    }

    private sealed class SuggestionRow
    {
        public string Id { get; set; } = "";
        public string Url { get; set; } = "";
        public long PriceMinor { get; set; }
        public string Currency { get; set; } = "";
        public string? Title { get; set; }
    }

    private sealed class Row
    {
        public string LinkCode { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Destination { get; set; } = "";
        public string ProductId { get; set; } = "";
        public string Reason { get; set; } = "";
        public long FoundAt { get; set; }
        public string Suggestions { get; set; } = "[]";
    }

    private sealed class KnownRow
    {
        public string LinkCode { get; set; } = "";
        public string Reason { get; set; } = "";
    }
#pragma warning restore CA1812
}
