using System.Globalization;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Products;

/// <summary>One place in a market's monthly list: confirmed orders delivered there holding the product, and units.</summary>
public sealed record BestSeller(string Month, string Market, int Rank, string ProductId, long Orders, long Units, string? Title, string? Category, string? Store);

/// <summary>
/// Best sellers (G4): once a month, products ranked by the orders confirmed in the previous month (and still confirmed,
/// payable or paid) delivered to each of the twelve European markets — most orders first, then most units, then
/// product id. By the month of confirmation, not of the order: on the 1st most of the last days' orders are not yet
/// received, and a list by order date would miss them for good.
/// Stored whole per (month, market): a run for a month replaces that month's lists.
/// </summary>
public static class BestSellerJob
{
    /// <summary>G4's markets as ISO 3166 codes (the issue's "UK" is GB, as in the programs' market lists; "UK" is accepted as a name for it).</summary>
    public static readonly IReadOnlyList<string> Markets = ["RO", "BG", "PL", "SI", "SK", "CZ", "HU", "DE", "FR", "ES", "PT", "GB"];

    public const int ListSize = 100;

    private static readonly string MarketList = string.Join(", ", Markets.Select(m => $"'{m}'"));

    /// <summary>A market code from a request: upper case, UK → GB; a market outside G4's twelve is a problem naming <paramref name="field"/>.</summary>
    public static string Market(string? text, string field = "market")
    {
        var code = text?.ToUpperInvariant() switch { "UK" => "GB", var c => c };
        return code is not null && Markets.Contains(code) ? code : throw ProblemException.Invalid(field, $"best sellers are kept for {string.Join(", ", Markets)}");
    }

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Ranks <paramref name="month"/> (yyyy-MM) for every market and stores the lists; audited. Returns the places stored.</summary>
    public static int Run(Store store, string month, DateTimeOffset now, string actor)
    {
        if (!DateTime.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var first))
        {
            throw ProblemException.Invalid("month", "expected yyyy-MM");
        }
        var from = new DateTimeOffset(first, TimeSpan.Zero);
        var rows = store.Read(s => s.Query<Row>($"""
            SELECT o.delivery_country AS market, l.product_id, COUNT(DISTINCT o.id) AS orders, SUM(l.quantity) AS units
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.confirmed_at >= @from AND o.confirmed_at < @to AND o.status IN ('confirmed', 'payable', 'paid') AND o.delivery_country IN ({MarketList})
            GROUP BY o.delivery_country, l.product_id
            """,
            new { from = Times.ToMicros(from), to = Times.ToMicros(from.AddMonths(1)) }));
        var places = rows.GroupBy(r => r.Market)
            .SelectMany(g => g.OrderByDescending(r => r.Orders).ThenByDescending(r => r.Units).ThenBy(r => r.ProductId, StringComparer.Ordinal)
                .Take(ListSize).Select((r, i) => new { Month = month, r.Market, Rank = i + 1, r.ProductId, r.Orders, r.Units }))
            .ToList();
        store.InSession(s =>
        {
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142035)");
            s.Execute("DELETE FROM best_sellers WHERE month = @month", new { month });
            s.ExecuteEach("INSERT INTO best_sellers (month, market, rank, product_id, orders, units) VALUES (@Month, @Market, @Rank, @ProductId, @Orders, @Units)", places);
            AuditLog.Append(s, now, actor, "best_sellers.ranked", "best_sellers:" + month, $"{places.Count} places in {places.Select(p => p.Market).Distinct().Count()} markets");
        });
        return places.Count;
    }

    /// <summary>The monthly run: on or after the 1st, the previous month is ranked once (by one node).</summary>
    public static bool RunIfDue(Store store, DateTimeOffset now)
    {
        var month = MonthOf(now.AddMonths(-1));
        if (store.Read(s => s.QuerySingleOrDefault<long?>("SELECT MAX(seq) FROM audit_log WHERE action = 'best_sellers.ranked' AND subject = @subject",
                new { subject = "best_sellers:" + month })) is not null)
        {
            return false;
        }
        Run(store, month, now, "system");
        return true;
    }

    /// <summary>The latest month ranked for <paramref name="market"/>, or null.</summary>
    public static string? Latest(DbSession s, string market) =>
        s.QuerySingleOrDefault<string>("SELECT MAX(month) FROM best_sellers WHERE market = @market", new { market });

    /// <summary>A market's list for <paramref name="month"/> (the latest when null), with the products' English or first title.</summary>
    public static IReadOnlyList<BestSeller> List(Store store, string market, string? month = null) => store.Read(s =>
    {
        month ??= Latest(s, market);
        if (month is null) return (IReadOnlyList<BestSeller>)[];
        return s.Query<ListRow>($"""
            SELECT b.month, b.market, b.rank, b.product_id, b.orders, b.units, p.category, p.store, {CatalogService.TitleSql("b.product_id")} AS title
            FROM best_sellers b LEFT JOIN products p ON p.id = b.product_id
            WHERE b.market = @market AND b.month = @month ORDER BY b.rank
            """, new { market, month })
            .Select(r => new BestSeller(r.Month, r.Market, r.Rank, r.ProductId, r.Orders, r.Units, r.Title, r.Category, r.Store)).ToList();
    });

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string Market { get; set; } = "";
        public string ProductId { get; set; } = "";
        public long Orders { get; set; }
        public long Units { get; set; }
    }

    private sealed class ListRow
    {
        public string Month { get; set; } = "";
        public string Market { get; set; } = "";
        public int Rank { get; set; }
        public string ProductId { get; set; } = "";
        public long Orders { get; set; }
        public long Units { get; set; }
        public string? Category { get; set; }
        public string? Store { get; set; }
        public string? Title { get; set; }
    }
#pragma warning restore CA1812
}
