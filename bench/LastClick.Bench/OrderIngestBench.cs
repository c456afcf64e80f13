using System.Diagnostics;
using System.Globalization;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Programs;
using LastClick.Replay;
using LastClick.Tracking;

namespace LastClick.Bench;

/// <summary>
/// Order ingestion (issue 3, goal ≥ 5,000 orders/s on SQLite): each order committed on its own, as the marketplace
/// API does it — attribution over the visitor's clicks, commission with traces, the pending ledger transfer. One
/// caller, then several callers at once (SQLite has one writer: they queue on its lock).
/// </summary>
internal static class OrderIngestBench
{
    /// <param name="history">Confirmed orders of the month before, spread over <see cref="BigPublishers"/> publishers (B13's
    /// tiers read that month's turnover for every new order of theirs).</param>
    /// <param name="groupWriters">The group commit's writers (<see cref="LastClick.Data.GroupCommit"/>; null: its default for the store).</param>
    public static void Run(int orders, string? postgres, bool groupOnly = false, int history = 0, int? groupWriters = null)
    {
        // A first pass that is not reported: the JIT's tiers settle (a server runs for days, not seconds).
        Measure(Math.Min(orders, 5_000), postgres, grouped: true, callers: 64, report: false, history, groupWriters);
        foreach (var (grouped, callers) in new[] { (false, 1), (false, 4), (true, 1), (true, 64) })
        {
            if (groupOnly && callers != 64) continue;
            Measure(orders, postgres, grouped, callers, report: true, history, groupWriters);
        }
    }

    /// <summary>The publishers a history is spread over: p0…p49, a tenth of the 500 that take the new orders.</summary>
    private const int BigPublishers = 50;

    private static void Measure(int orders, string? postgres, bool grouped, int callers, bool report, int history, int? groupWriters)
    {
        {
            using var temporary = TemporaryStore.Create(postgres);
            var clock = new ManualClock(DateTimeOffset.Parse("2026-03-01T00:00:00Z", CultureInfo.InvariantCulture));
            temporary.Store.Migrate(clock);
            var platform = new Platform(temporary.Store, ProgramCatalog.BuiltIn(), clock);
            var (work, clicks) = Prepare(platform, orders, clock.GetUtcNow());
            if (history > 0) AddHistory(temporary.Store, history, clock.GetUtcNow());
            var latencies = new double[work.Count];
            var next = -1;
            var group = grouped ? new LastClick.Data.GroupCommit(temporary.Store, writers: groupWriters) : null;
            var sw = Stopwatch.StartNew();
            if (group is null)
            {
                // Each call opens its own session and commits it, as a one-off write does.
                var threads = Enumerable.Range(0, callers).Select(_ => new Thread(() =>
                {
                    for (int i; (i = Interlocked.Increment(ref next)) < work.Count;)
                    {
                        var start = Stopwatch.GetTimestamp();
                        platform.Orders.Ingest(work[i], "aliexpress-ww");
                        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
            }
            else
            {
                // As the marketplace API does it: every caller awaits its order's group commit.
                Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
                {
                    for (int i; (i = Interlocked.Increment(ref next)) < work.Count;)
                    {
                        var start = Stopwatch.GetTimestamp();
                        var order = work[i];
                        await platform.Orders.IngestAsync(group, order, "aliexpress-ww").ConfigureAwait(false);
                        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }
                }))).GetAwaiter().GetResult();
            }
            sw.Stop();
            var (batches, jobs) = group?.Written ?? (work.Count, work.Count);
            group?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (!report) return;
            Array.Sort(latencies);
            var attributed = platform.Store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM orders WHERE publisher_id IS NOT NULL"));
            var transfers = platform.Store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM ledger_transfers"));
            Console.WriteLine($"orders: {temporary.Store.Provider}, {(grouped ? $"group commit ({group!.Writers} writer{(group.Writers == 1 ? "" : "s")})" : "one commit each")}, {callers,2} caller(s): " +
                $"{work.Count / sw.Elapsed.TotalSeconds:N0} orders/s committed ({jobs / (double)batches:F1} per commit; {work.Count:N0} orders, " +
                $"{work.Sum(o => o.Lines.Count):N0} lines, {clicks:N0} clicks, {attributed:N0} attributed, {transfers:N0} ledger transfers); " +
                $"p50 {latencies[latencies.Length / 2]:F2} ms, p99 {latencies[latencies.Length * 99 / 100]:F2} ms; goal ≥ 5,000/s" +
                (history > 0 ? $"; history: {history:N0} confirmed orders last month over {BigPublishers} publishers" : ""));
        }
    }

    /// <summary>
    /// Confirmed orders of the previous month, written as rows (the same SQL on both stores, and on builds before and
    /// after the turnover table, which is summed from them when there is one).
    /// </summary>
    private static void AddHistory(LastClick.Data.Store store, int count, DateTimeOffset now)
    {
        // The new orders are of the two days before now (1 March): the month before theirs is January.
        var from = Times.ToMicros(now.AddMonths(-2));
        var step = (Times.ToMicros(now.AddMonths(-1)) - from) / count;
        store.InSession(s => s.Execute($"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @last)
            INSERT INTO orders (id, body_hash, program_id, at, currency, delivery_country, amount_minor, publisher_id, attribution_trace,
                status, payout_currency, fx_rate, sales_minor, commission_minor, capped, held_account, held_minor, paid_out, settled_minor,
                fully_refunded, updated_at)
            SELECT 'h' || i, 'history', 'aliexpress-ww', @from + i * @step, 'USD', 'DE', 10000, 'p' || (i % {BigPublishers}), '[]',
                'confirmed', 'USD', '1', 10000, 720, @no, 'confirmed', 720, @no, 0, @no, @from
            FROM n
            """, new { last = count - 1, from, step, no = false }));
        bool kept;
        using (var c = store.Open())
        {
            kept = store.Provider == LastClick.Data.StoreProvider.Sqlite
                ? Dapper.SqlMapper.ExecuteScalar<long>(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'publisher_turnover'") > 0
                : Dapper.SqlMapper.ExecuteScalar<long>(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'publisher_turnover'") > 0;
        }
        if (!kept) return;
        var month = LastClick.Reports.QualityRollup.MonthOf(from);
        store.InSession(s => s.Execute("""
            INSERT INTO publisher_turnover (publisher_id, program_id, month, sales_minor)
            SELECT publisher_id, program_id, @month, SUM(sales_minor) FROM orders WHERE body_hash = 'history' GROUP BY publisher_id, program_id
            """, new { month = (long)month }));
    }

    /// <summary>500 publishers, one or two clicks per buying visitor, orders of one to three lines.</summary>
    internal static (List<Order> Orders, int Clicks) Prepare(Platform platform, int count, DateTimeOffset now)
    {
        var random = new Random(11);
        string[] categories = ["Mobile phones", "Mobile phone accessories", "Women's clothing", "Garden supplies", "Toys", "Home appliances", "Books"];
        string[] types = ["content", "coupon", "cashback", "price_comparison", "social"];
        var clicks = 0;
        var orders = new List<Order>(count);
        platform.Store.InSession(s =>
        {
            for (var p = 0; p < 500; p++) platform.Publishers.Upsert(s, new Publishers.Publisher($"p{p}", types[p % types.Length], null, true));
            for (var i = 0; i < count; i++)
            {
                var at = now.AddSeconds(-random.Next(60, 2 * 86_400));
                for (var k = random.Next(10) < 8 ? 1 : 2; k > 0; k--)
                {
                    platform.Tracking.RecordClick(s, new Click($"c{i}-{k}", "aliexpress-ww", $"p{random.Next(500)}", $"v{i}", at.AddMinutes(-random.Next(5, 3000)),
                        $"81.2.{random.Next(256)}.{random.Next(256)}", "Mozilla/5.0 Firefox/128.0", null));
                    clicks++;
                }
                var lines = Enumerable.Range(0, random.Next(1, 4)).Select(l => new OrderLine($"l{l}", random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
                    categories[random.Next(categories.Length)], $"s{random.Next(5000)}", random.Next(100, 30000) / 100m, random.Next(1, 3),
                    Affiliated: true, SellerRate: null, Virtual: false, Section: null, SellerOrigin: "CN")).ToList();
                orders.Add(new Order($"o{i}", at, Currency.Of(random.Next(3) == 0 ? "EUR" : "USD"), random.Next(2) == 0 ? "DE" : "PL", lines, $"v{i}"));
            }
        });
        return (orders, clicks);
    }
}
