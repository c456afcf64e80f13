using System.Diagnostics;
using System.Globalization;
using LastClick.Common;
using LastClick.Data;
using LastClick.Replay;
using LastClick.Reports;

namespace LastClick.Bench;

/// <summary>
/// Reports at scale (issue 5): generates clicks and orders over 90 days for a skewed population of publishers, writes
/// them with their rollups (the product's own <see cref="RollupBatch"/> and <see cref="RollupWriter"/>, in chunks),
/// then times the dashboard's reports: every publisher report (a uniform sample of publishers and the ten biggest)
/// and every operator report over all publishers, reporting p50/p95/max per report.
/// </summary>
internal static class ReportsBench
{
    private static readonly string[] Countries = ["DE", "FR", "ES", "IT", "PL", "GB", "US", "RU", "BR", "NL", "CZ", "PT"];
    private static readonly double[] CountryWeights = [20, 12, 10, 9, 8, 8, 7, 6, 6, 5, 5, 4];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet", "bot"];
    private static readonly double[] DeviceWeights = [40, 50, 7, 3];
    private static readonly string[] Sources = ["content", "coupon", "cashback", "price_comparison", "social", "email", "paid_search", "browser_extension"];

    public static void Run(int clicks, int orders, int publishers, int days, string? postgres, int samples, string? keep)
    {
        // --keep FILE: a SQLite store that stays for a look afterwards (sqlite3 FILE).
        using var temporary = keep is null ? TemporaryStore.Create(postgres) : null;
        using var kept = keep is null ? null : new SqliteStore(keep);
        var store = temporary?.Store ?? kept!;
        store.Migrate(TimeProvider.System);
        Console.WriteLine($"reports · {store.Provider} · {clicks:N0} clicks, {orders:N0} orders, {publishers:N0} publishers, {days} days");

        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(-days);
        var random = new Random(20261122);

        // Publishers by a Zipf-like weight (s = 0.9): the biggest has ~8% of the clicks, the median a few hundred.
        var weights = Enumerable.Range(0, publishers).Select(i => 1 / Math.Pow(i + 1, 0.9)).ToArray();
        var cumulative = Cumulative(weights);
        var linkCount = weights.Select(w => Math.Max(2, (int)Math.Round(60 * Math.Sqrt(w / weights[0])))).ToArray();
        var program = Enumerable.Range(0, publishers).Select(i => i % 5 == 4 ? "aliexpress-cis" : "aliexpress-ww").ToArray();
        var source = Enumerable.Range(0, publishers).Select(i => Sources[i % Sources.Length]).ToArray();
        store.InSession(s =>
        {
            for (var p = 0; p < publishers; p++)
            {
                s.Execute("INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at) VALUES (@id, @type, NULL, TRUE, 0)",
                    new { id = Publisher(p), type = source[p] });
            }
        });

        // Publisher by publisher (each publisher's rollup rows then go in at the end of its key range, which keeps the
        // load to minutes; the reports read the same rows whatever the order): its share of the clicks over the 90
        // days in time order, a quarter of them from a visitor coming back, then its share of the orders on random
        // clicks of its own, a few hours to two days later, with the statuses a live program holds.
        var sw = Stopwatch.StartNew();
        var span = Times.ToMicros(now) - Times.ToMicros(start);
        var countryCumulative = Cumulative(CountryWeights);
        var deviceCumulative = Cumulative(DeviceWeights);
        string[] statuses = ["pending", "confirmed", "payable", "paid", "declined"];
        var statusCumulative = Cumulative([35, 5, 20, 30, 10]);
        var total = weights.Sum();
        long visitors = 0, rollupRows = 0, written = 0, ordersWritten = 0;
        double clickFraction = 0, orderFraction = 0;
        const int Chunk = 100_000;
        TimeSpan generating = default, inserting = default, rolling = default, mark = default;
        for (var p = 0; p < publishers; p++)
        {
            clickFraction += weights[p] / total * clicks;
            orderFraction += weights[p] / total * orders;
            var n = (int)(Math.Round(clickFraction) - written);
            var orderCount = (int)(Math.Round(orderFraction) - ordersWritten);
            written += n;
            ordersWritten += orderCount;
            if (n == 0) continue;
            var times = new long[n];
            for (var i = 0; i < n; i++) times[i] = Times.ToMicros(start) + random.NextInt64(span);
            Array.Sort(times);
            var link = new short[n];
            var country = new byte[n];
            var device = new byte[n];
            var sub1 = new sbyte[n];
            var firstOfDay = new HashSet<(long, short, long)>();
            var ring = new long[32];
            var currency = program[p] == "aliexpress-cis" ? "RUB" : "USD";
            var orderAt = new HashSet<int>(Enumerable.Range(0, orderCount).Select(_ => random.Next(n)));
            for (var from = 0; from < n; from += Chunk)
            {
                var to = Math.Min(n, from + Chunk);
                var batch = new RollupBatch();
                var rows = new List<object?[]>(to - from);
                var orderRows = new List<OrderArgs>();
                for (var i = from; i < to; i++)
                {
                    var t = times[i];
                    var l = (short)Math.Min(linkCount[p] - 1, (int)(linkCount[p] * Math.Pow(random.NextDouble(), 2)));
                    long visitor;
                    if (random.Next(4) == 0 && ring[0] != 0) visitor = ring[random.Next(ring.Length)] is var v && v != 0 ? v : ring[0];
                    else ring[(int)(++visitors % ring.Length)] = visitor = visitors;
                    var c = (byte)Pick(countryCumulative, random);
                    var d = (byte)Pick(deviceCumulative, random);
                    var s1 = (sbyte)(random.Next(10) < 3 ? -1 : random.Next(25));
                    var s2 = random.Next(10) == 0 ? $"c{random.Next(5)}" : null;
                    (link[i], country[i], device[i], sub1[i]) = (l, c, d, s1);
                    var unique = firstOfDay.Add((visitor, l, t / Cubes.Day)) ? 1 : 0;
                    var invalid = d == 3 ? 1 : 0;
                    batch.Add(t, RollupBatch.Key(program[p], Publisher(p), Link(p, l), Sub(p, s1), s2, null, null, null, Countries[c], Devices[d], source[p], null),
                        [1, unique, invalid, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                    rows.Add([$"k{p}-{i}", program[p], Publisher(p), Link(p, l), $"v{visitor}", t, "192.0.2.1", Countries[c], 0L, false, invalid == 1 ? "bot" : null,
                        "Mozilla/5.0", null, Sub(p, s1), s2, null, null, null, false, Devices[d], source[p]]);
                    if (!orderAt.Contains(i)) continue;
                    var o = Math.Min(t + random.NextInt64(3_600_000_000L * 48), Times.ToMicros(now) - 1);
                    var sales = random.Next(500, 30_000) * (currency == "RUB" ? 90L : 1L);
                    var commission = sales * random.Next(3, 9) / 100;
                    var status = statuses[Pick(statusCumulative, random)];
                    var m = new long[Measure.Count];
                    m[Measure.Orders] = 1;
                    m[Measure.OrdersApproved] = status is "confirmed" or "payable" or "paid" ? 1 : 0;
                    m[Measure.OrdersDeclined] = status == "declined" ? 1 : 0;
                    m[Measure.Sales] = status == "declined" ? 0 : sales;
                    m[status switch { "pending" => Measure.Pending, "confirmed" => Measure.Confirmed, "payable" => Measure.Payable, "paid" => Measure.Paid, _ => Measure.Declined }] = commission;
                    batch.Add(o, RollupBatch.Key(program[p], Publisher(p), Link(p, l), Sub(p, s1), s2, null, null, null, Countries[c], Devices[d], source[p], currency), m);
                    orderRows.Add(new OrderArgs($"o{p}-{i}", program[p], Publisher(p), $"k{p}-{i}", o, currency, status, status == "declined" ? 0 : sales,
                        status == "declined" ? 0 : commission, status == "declined" ? commission : 0, Link(p, l), Sub(p, s1), Countries[c], Devices[d], source[p]));
                }
                rollupRows += batch.Rows;
                generating += sw.Elapsed - mark;
                mark = sw.Elapsed;
                store.InSession(s =>
                {
                    if (Environment.GetEnvironmentVariable("LASTCLICK_BENCH_CACHE") is { } cache) s.Execute($"PRAGMA cache_size=-{cache}");
                    InsertClicks(s, rows);
                    inserting += sw.Elapsed - mark;
                    mark = sw.Elapsed;
                    s.ExecuteEach("""
                        INSERT INTO orders (id, body_hash, program_id, at, currency, delivery_country, amount_minor, publisher_id, attributed_click_id, attribution_trace,
                            traffic_type, status, payout_currency, fx_rate, sales_minor, commission_minor, capped, held_minor, paid_out, settled_minor, fully_refunded,
                            updated_at, declined_minor, link_id, sub1, click_country, device)
                        VALUES (@Id, 'bench', @Program, @At, @Currency, @Country, @Sales, @Publisher, @Click, '[]', @Source, @Status, @Currency, '1', @Sales, @Commission,
                            FALSE, 0, FALSE, 0, FALSE, @At, @Declined, @Link, @Sub1, @Country, @Device)
                        """, orderRows);
                    RollupWriter.WriteNow(s, batch);
                });
                rolling += sw.Elapsed - mark;
                mark = sw.Elapsed;
            }
            if (p % 50 == 0 && !Console.IsOutputRedirected) Console.Write($"\r  publishers {p + 1:N0}/{publishers:N0} · clicks {written:N0} · {sw.Elapsed.TotalSeconds:0}s   ");
        }
        Console.WriteLine($"\r  {written:N0} clicks and {ordersWritten:N0} orders stored with their rollups in {sw.Elapsed.TotalSeconds:0.0}s " +
                          $"({rollupRows / (double)written:0.00} rollup rows per click, summed per publisher and {Chunk:N0} clicks)          ");
        Console.WriteLine($"  of which generating and summing {generating.TotalSeconds:0}s, raw clicks and orders {inserting.TotalSeconds:0}s, rollup rows {rolling.TotalSeconds:0}s");
        // The load wrote the rollups into the tables itself: no click waits to be folded (LastClick.Tracking.ClickJournal), and
        // nothing went into the other journal (LastClick.Reports.RollupJournal).
        store.InSession(s => s.Execute(LastClick.Tracking.ClickJournal.MarkAllSql));
        if (store is SqliteStore) store.InSession(s => s.Execute("PRAGMA optimize"));
        else
        {
            using var c = store.Open();
            Dapper.SqlMapper.Execute(c, "VACUUM ANALYZE"); // as autovacuum would after a load: statistics and the visibility map
        }
        using (var c = store.Open())
        {
            foreach (var cube in Cubes.All)
            {
                Console.WriteLine($"  {cube.Table,-24} {Dapper.SqlMapper.ExecuteScalar<long>(c, $"SELECT COUNT(*) FROM {cube.Table}"),12:N0} rows");
            }
        }

        // The reports the dashboard asks for: the publisher overview (30 days, its zone) and the reports page (90 days).
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var sampled = Enumerable.Range(0, samples).Select(_ => random.Next(publishers)).ToList();
        var biggest = Enumerable.Range(0, 10).ToList();
        string[] zones = ["UTC", "Europe/Berlin", "Asia/Kolkata"];
        var publisherReports = new (string Name, string Dimension, int Days)[]
        {
            ("overview day 30d", "day", 30), ("overview link 30d", "link", 30), ("overview sub1 30d", "sub1", 30), ("overview country 30d", "country", 30),
            ("overview device 30d", "device", 30), ("day 90d", "day", 90), ("week 90d", "week", 90), ("month 90d", "month", 90), ("program 90d", "program", 90),
            ("link 90d", "link", 90), ("sub1 90d", "sub1", 90), ("sub2 90d", "sub2", 90), ("country 90d", "country", 90), ("device 90d", "device", 90),
            ("source 90d", "source", 90),
        };
        Console.WriteLine($"  publisher reports ({samples} publishers drawn uniformly, zones UTC/Berlin/Kolkata; then the 10 biggest), ms:");
        Console.WriteLine($"    {"report",-22} {"p50",7} {"p95",7} {"max",7} │ {"biggest p95",11} {"max",7}");
        var worstPublisherP95 = 0.0;
        foreach (var (name, dimension, span90) in publisherReports)
        {
            double Time(int p, int k)
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(zones[k % zones.Length]);
                var filters = new Dictionary<Dimension, string> { [Dimension.Publisher] = Publisher(p) };
                var t = Stopwatch.StartNew();
                Reports.Reports.Run(store, new ReportQuery(dimension, today.AddDays(-(span90 - 1)), today, zone, filters, null,
                    Reports.Reports.TimeDimensions.Contains(dimension) ? dimension : "-clicks", 20, 0));
                return t.Elapsed.TotalMilliseconds;
            }
            foreach (var p in sampled.Take(5)) Time(p, 0); // warm the page cache and the JIT for this report
            var uniform = sampled.Select(Time).Order().ToList();
            var big = biggest.SelectMany(p => Enumerable.Range(0, 3).Select(k => Time(p, k))).Order().ToList();
            worstPublisherP95 = Math.Max(worstPublisherP95, Math.Max(P(uniform, 0.95), P(big, 0.95)));
            Console.WriteLine($"    {name,-22} {P(uniform, 0.5),7:0.0} {P(uniform, 0.95),7:0.0} {uniform[^1],7:0.0} │ {P(big, 0.95),11:0.0} {big[^1],7:0.0}");
        }

        var operatorReports = new (string Name, string Dimension, int Days, string? Program)[]
        {
            ("overview day 30d", "day", 30, "aliexpress-ww"), ("overview publisher 30d", "publisher", 30, "aliexpress-ww"),
            ("overview country 30d", "country", 30, "aliexpress-ww"), ("overview device 30d", "device", 30, "aliexpress-ww"),
            ("overview source 30d", "source", 30, "aliexpress-ww"), ("day 90d", "day", 90, null), ("week 90d", "week", 90, null), ("month 90d", "month", 90, null),
            ("program 90d", "program", 90, null), ("publisher 90d", "publisher", 90, null), ("country 90d", "country", 90, null), ("device 90d", "device", 90, null),
            ("source 90d", "source", 90, null),
        };
        Console.WriteLine("  operator reports over all publishers (UTC days; 20 runs each), ms:");
        Console.WriteLine($"    {"report",-22} {"p50",7} {"p95",7} {"max",7}");
        var worstOperatorP95 = 0.0;
        foreach (var (name, dimension, length, programId) in operatorReports)
        {
            var filters = new Dictionary<Dimension, string>();
            if (programId is not null) filters[Dimension.Program] = programId;
            var query = new ReportQuery(dimension, today.AddDays(-(length - 1)), today, TimeZoneInfo.Utc, filters, null,
                Reports.Reports.TimeDimensions.Contains(dimension) ? dimension : "-clicks", 20, 0);
            Reports.Reports.Run(store, query);
            var times = Enumerable.Range(0, 20).Select(_ =>
            {
                var t = Stopwatch.StartNew();
                Reports.Reports.Run(store, query);
                return t.Elapsed.TotalMilliseconds;
            }).Order().ToList();
            worstOperatorP95 = Math.Max(worstOperatorP95, P(times, 0.95));
            Console.WriteLine($"    {name,-22} {P(times, 0.5),7:0.0} {P(times, 0.95),7:0.0} {times[^1],7:0.0}");
        }
        Console.WriteLine($"  worst p95: publisher {worstPublisherP95:0.0} ms (goal ≤ 100), operator {worstOperatorP95:0.0} ms (goal ≤ 500)");

        // What the migration would take on a store that already holds these facts: every rollup summed again in SQL.
        if (Environment.GetEnvironmentVariable("LASTCLICK_BENCH_REBUILD") == "1")
        {
            sw.Restart();
            store.InSession(s => s.Execute(LastClick.Tracking.ClickJournal.RebuildSql(store.Provider)));
            Console.WriteLine($"  rebuild of every rollup from the facts (the migration's first filling): {sw.Elapsed.TotalSeconds:0.0}s");
        }
    }

    private sealed record OrderArgs(string Id, string Program, string Publisher, string Click, long At, string Currency, string Status, long Sales,
        long Commission, long Declined, string Link, string? Sub1, string Country, string Device, string Source);

    private static string Publisher(int p) => $"p{p:D4}";

    private static string Link(int p, int l) => $"L{p:D4}x{l:D2}";

    private static string? Sub(int p, int s) => s < 0 ? null : $"s{p % 7}-{s}";

    private static double[] Cumulative(double[] weights)
    {
        var sum = 0.0;
        var result = new double[weights.Length];
        for (var i = 0; i < weights.Length; i++) result[i] = sum += weights[i];
        for (var i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(cumulative.Length - 1, i < 0 ? ~i : i);
    }

    private static double P(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static void InsertClicks(DbSession s, List<object?[]> rows)
    {
        const string Sql = """
            INSERT INTO clicks (id, program_id, publisher_id, link_id, visitor_id, at, ip, country, asn, anonymizer, invalid_reason,
                                user_agent, referrer, sub1, sub2, sub3, sub4, sub5, duplicate, device, traffic_source)
            """;
        if (s.Connection is Npgsql.NpgsqlConnection pg)
        {
            using var copy = pg.BeginBinaryImport("COPY clicks (id, program_id, publisher_id, link_id, visitor_id, at, ip, country, asn, anonymizer, invalid_reason, " +
                                                  "user_agent, referrer, sub1, sub2, sub3, sub4, sub5, duplicate, device, traffic_source) FROM STDIN (FORMAT BINARY)");
            foreach (var row in rows)
            {
                copy.StartRow();
                foreach (var value in row) copy.Write(value ?? DBNull.Value);
            }
            copy.Complete();
            return;
        }
        using var command = s.Connection.CreateCommand();
        command.Transaction = s.Transaction;
        command.CommandText = Sql + " VALUES (" + string.Join(", ", Enumerable.Range(1, 21).Select(i => $"${i}")) + ")";
        var parameters = Enumerable.Range(1, 21).Select(i =>
        {
            var p = command.CreateParameter();
            p.ParameterName = $"${i}";
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
    }
}
