using System.Globalization;
using Dapper;
using LastClick.Commissions;
using LastClick.Reports;
using LastClick.Tests.Support;

namespace LastClick.Tests.Reporting;

/// <summary>
/// H3: quality by category, store, market and month, kept in rollups as orders change, equals counting the raw orders
/// and lines afterwards — on random orders and events (confirmations, partial and full refunds, cancellations, fraud),
/// on both stores; and a store migrated with orders already in it gets the same figures from the backfill.
/// </summary>
public sealed class QualityTests
{
    private static readonly string[] Categories = ["Mobile phones", "Toys", "Garden supplies", "All other categories"];
    private static readonly string?[] Stores = ["Case Store", "Green Store", null];
    private static readonly string[] Markets = ["DE", "FR", "PL"];

    /// <summary>Clicks and orders for p1 and p2 over three months, then events at random: returns the last moment used.</summary>
    private static void Generate(Harness h, int seed, int count)
    {
        var random = new Random(seed);
        var start = Build.T("2026-01-01T00:00:00Z");
        var orders = new List<(string Id, DateTimeOffset At, int Lines, decimal[] Prices)>();
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMinutes(random.Next(80 * 24 * 60));
            var publisher = random.Next(3) == 0 ? "p2" : "p1";
            h.Click($"c{i}", $"v{i}", at.ToString("O", CultureInfo.InvariantCulture), publisher);
            var lines = Enumerable.Range(0, 1 + random.Next(3)).Select(n => Build.Line($"l{n}", Categories[random.Next(Categories.Length)],
                Math.Round(5m + (decimal)random.NextDouble() * 200m, 2), 1 + random.Next(3), store: Stores[random.Next(Stores.Length)])).ToArray();
            var orderAt = at.AddMinutes(5 + random.Next(600));
            h.Order($"o{i}", orderAt.ToString("O", CultureInfo.InvariantCulture), random.Next(4) == 0 ? "EUR" : "USD", Markets[random.Next(Markets.Length)],
                $"v{i}", "aliexpress-ww", lines);
            orders.Add(($"o{i}", orderAt, lines.Length, [.. lines.Select(l => l.Price * l.Quantity)]));
        }
        // Events in time order, each some days after its order.
        var events = new List<(DateTimeOffset At, Action<string> Apply)>();
        foreach (var (id, at, lineCount, amounts) in orders)
        {
            var paid = at.AddHours(1 + random.Next(24));
            events.Add((paid, when => h.Event($"{id}-paid", "paid", when, id)));
            switch (random.Next(6))
            {
                case 0: events.Add((paid.AddDays(random.Next(3)), when => h.Event($"{id}-cancel", "cancelled", when, id))); break;
                case 1: events.Add((paid.AddDays(1 + random.Next(20)), when => h.Event($"{id}-fraud", "fraud", when, id))); break;
                case 2: events.Add((paid.AddDays(2 + random.Next(30)), when => h.Event($"{id}-refund", "refunded", when, id))); break;
                case 3:
                    var line = random.Next(lineCount);
                    var amount = Math.Round(amounts[line] * (decimal)(0.1 + random.NextDouble() * 0.5), 2);
                    events.Add((paid.AddDays(2 + random.Next(30)), when => h.Event($"{id}-part", "refunded", when, id, $"l{line}", amount)));
                    goto default;
                default:
                    if (random.Next(4) != 0) events.Add((paid.AddDays(3 + random.Next(40)), when => h.Event($"{id}-received", "goods_received", when, id)));
                    break;
            }
        }
        foreach (var (at, apply) in events.OrderBy(e => e.At)) apply(at.ToString("O", CultureInfo.InvariantCulture));
        h.Platform.Orders.Advance();
    }

    /// <summary>The raw orders and lines as quality reads them, straight from the tables (no rollup).</summary>
    private static List<QualityOrder> Raw(Harness h)
    {
        using var c = h.Platform.Store.Open();
        var lines = c.Query<(string OrderId, string Category, string? Store, long PriceMinor, int Quantity, long RefundedMinor, long CommissionMinor, string Rate)>(
            "SELECT order_id, category, store, price_minor, quantity, refunded_minor, commission_minor, rate FROM order_lines ORDER BY order_id, line_no")
            .ToLookup(l => l.OrderId);
        return [.. c.Query<(string Id, string? PublisherId, string ProgramId, long At, string Status, string Currency, string PayoutCurrency, string FxRate,
                string DeliveryCountry, bool FullyRefunded, long? FraudAt, long? ConfirmedAt, long? FindingId)>(
            "SELECT id, publisher_id, program_id, at, status, currency, payout_currency, fx_rate, delivery_country, fully_refunded, fraud_at, confirmed_at, finding_id FROM orders")
            .Select(o => new QualityOrder(o.PublisherId, o.ProgramId, o.At, o.Status, o.Currency, o.PayoutCurrency, decimal.Parse(o.FxRate, CultureInfo.InvariantCulture),
                o.DeliveryCountry, o.FullyRefunded, o.FraudAt, o.ConfirmedAt,
                [.. lines[o.Id].Select(l => new QualityLine(l.Category, l.Store, l.PriceMinor, l.Quantity, l.RefundedMinor, l.CommissionMinor, decimal.Parse(l.Rate, CultureInfo.InvariantCulture)))], o.FindingId))];
    }

    private static bool Approved(string status) => status is "confirmed" or "payable" or "paid";

    /// <summary>A row computed from the raw orders: counts, money (payout currency, minor units) and the lags of approved orders.</summary>
    private static (long Orders, long Approved, long Declined, long Full, long Partial, long Fraud, long Sales, long Commission, long[] Lags, long Refunded) Expect(
        IEnumerable<(QualityOrder Order, IReadOnlyList<QualityLine> Lines)> group)
    {
        var list = group.ToList();
        long Minor(QualityOrder o, long amount) => QualityRollup.InPayout(amount, o);
        return (list.Count, list.Count(x => Approved(x.Order.Status)), list.Count(x => x.Order.Status == "declined"),
            list.Count(x => x.Order.FullyRefunded), list.Count(x => !x.Order.FullyRefunded && x.Lines.Any(l => l.RefundedMinor > 0)),
            list.Count(x => x.Order.Fraudulent),
            list.Sum(x => x.Lines.Sum(l => Minor(x.Order, l.PriceMinor * l.Quantity))),
            list.Where(x => Approved(x.Order.Status)).Sum(x => x.Lines.Sum(l => l.CommissionMinor)),
            [.. list.Where(x => Approved(x.Order.Status) && x.Order.ConfirmedAt is not null)
                .Select(x => Math.Min(QualityRollup.MaxLagDays, (x.Order.ConfirmedAt!.Value - x.Order.At) / 86_400_000_000L)).Order()],
            // A whole-order refund names no line: all of it is refunded.
            list.Sum(x => x.Lines.Sum(l => x.Order.FullyRefunded ? Minor(x.Order, l.PriceMinor * l.Quantity) : Minor(x.Order, l.RefundedMinor))));
    }

    private static void AssertReport(Harness h, List<QualityOrder> raw, string dimension, string? publisher, string currency)
    {
        var report = QualityReport.Run(h.Platform.Store, new QualityQuery(dimension, publisher, null,
            QualityRollup.MonthOf(new DateOnly(2026, 1, 1)), QualityRollup.MonthOf(new DateOnly(2026, 12, 1)), currency, 1000));
        var mine = raw.Where(o => o.PublisherId is not null && (publisher is null || o.PublisherId == publisher) && o.PayoutCurrency == currency).ToList();
        IEnumerable<(string Key, QualityOrder Order, IReadOnlyList<QualityLine> Lines)> Keyed() => dimension switch
        {
            "category" => mine.SelectMany(o => o.Lines.GroupBy(l => l.Category).Select(g => (g.Key, o, (IReadOnlyList<QualityLine>)[.. g]))),
            "store" => mine.SelectMany(o => o.Lines.GroupBy(l => l.Store ?? "").Select(g => (g.Key, o, (IReadOnlyList<QualityLine>)[.. g]))),
            "market" => mine.Select(o => (o.Market, o, o.Lines)),
            "month" => mine.Select(o => (QualityRollup.MonthName(QualityRollup.MonthOf(o.At)), o, o.Lines)),
            _ => mine.Select(o => (o.PublisherId!, o, o.Lines)),
        };
        var expected = Keyed().GroupBy(k => k.Key).ToDictionary(g => g.Key, g => Expect(g.Select(x => (x.Order, x.Lines))), StringComparer.Ordinal);
        var money = Common.Currency.Of(currency);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), report.Rows.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var row in report.Rows)
        {
            var e = expected[row.Key];
            Assert.Equal((e.Orders, e.Approved, e.Declined, e.Full, e.Partial, e.Fraud), (row.Orders, row.Approved, row.Declined, row.RefundedFull, row.RefundedPartial, row.Fraud));
            Assert.Equal((money.FromMinor(e.Sales), money.FromMinor(e.Commission), money.FromMinor(e.Refunded)), (row.Sales, row.Commission, row.Refunded));
            Assert.Equal(e.Approved + e.Declined == 0 ? null : Math.Round((decimal)e.Declined / (e.Approved + e.Declined), 4, MidpointRounding.AwayFromZero), row.DeclineRate);
            Assert.Equal(e.Lags.Length, row.LagSample);
            int? Rank(decimal p) => e.Lags.Length == 0 ? null : (int)e.Lags[(int)Math.Ceiling(p * e.Lags.Length) - 1];
            Assert.Equal((Rank(0.5m), Rank(0.9m)), (row.MedianLagDays, row.P90LagDays));
            Assert.Equal(e.Sales == 0 ? null : Math.Round(100m * e.Commission / e.Sales, 2, MidpointRounding.AwayFromZero), row.PaysPer100);
        }
        // The totals count each order once, whatever its categories and stores.
        var total = Expect(mine.Select(o => (o, o.Lines)));
        Assert.Equal((total.Orders, money.FromMinor(total.Sales), money.FromMinor(total.Commission)), (report.Totals.Orders, report.Totals.Sales, report.Totals.Commission));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H3_quality_kept_as_orders_change_equals_counting_the_raw_orders_and_lines(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        Generate(h, seed: 18, count: 90);
        var raw = Raw(h);
        Assert.Contains(raw, o => o.FullyRefunded);
        Assert.Contains(raw, o => o.Lines.Any(l => l.RefundedMinor > 0) && !o.FullyRefunded);
        Assert.Contains(raw, o => o.FraudAt is not null);
        Assert.Contains(raw, o => Approved(o.Status) && o.ConfirmedAt is not null);
        foreach (var currency in raw.Select(o => o.PayoutCurrency).Distinct())
        {
            foreach (var dimension in new[] { "category", "store", "market", "month" })
            {
                AssertReport(h, raw, dimension, "p1", currency);
                AssertReport(h, raw, dimension, null, currency);
            }
            AssertReport(h, raw, "publisher", null, currency);
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H3_the_migration_sums_the_orders_already_stored_into_the_same_figures(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        Generate(h, seed: 7, count: 40);
        var before = QualityReport.Run(h.Platform.Store, new QualityQuery("category", null, null, 0, 2000, null, 1000));
        using (var c = h.Platform.Store.Open())
        {
            c.Execute("DELETE FROM quality_m; DELETE FROM quality_lag_m; DELETE FROM schema_migrations WHERE version = 17;");
            c.Execute("DROP TABLE quality_m; DROP TABLE quality_lag_m;");
        }
        h.Platform.Store.Migrate(h.Clock);
        var after = QualityReport.Run(h.Platform.Store, new QualityQuery("category", null, null, 0, 2000, null, 1000));
        Assert.NotEmpty(before.Rows);
        Assert.Equal(before.Rows, after.Rows);
        Assert.Equal(before.Totals, after.Totals);
    }
}
