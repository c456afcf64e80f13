using System.Diagnostics;
using System.Globalization;
using System.Text;
using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Programs;
using LastClick.Replay;

// LastClick benchmarks. Prints figures for this machine; docs/performance.md records them.
//   dotnet run -c Release --project bench/LastClick.Bench -- [commission|ip|clicks|replay|orders|all] [--orders N] [--store postgres://…]
//   … -- orders [--group-only] [--history N] [--group-writers N]   (N confirmed orders of the month before, over 50
//        publishers: B13's turnover; the group commit's writers, PostgreSQL only above 1)
//   … -- gen-catalog N FILE   (bench/catalog.sh: a generated catalog as JSON Lines)
//   … -- durability LASTCLICK_DLL [KILLS]   (bench/durability.sh builds and runs it)
//   … -- postbacks [--messages N] [--orders N] [--rounds N]   (bench/postbacks.sh)
//   … -- payouts [--publishers N] [--store postgres://…]   (bench/payouts.sh)
//   … -- reports [--clicks N] [--orders N] [--publishers N] [--days N] [--samples N] [--store postgres://…]   (bench/reports.sh)
//   … -- forecast [--orders N] [--cuts N]   (H4's backtest: a generated year, forecasts from weekly cuts against what happened)
var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
// The number after an option (--messages 20000), or the fallback when it is not given.
int Arg(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);
if (what == "traffic")
{
    // Issue 13: labelled synthetic traffic through a real server on loopback, scored rule by rule (docs/traffic-quality.md).
    var visitors = args.SkipWhile(a => a != "--visitors").Skip(1).FirstOrDefault() is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 2000;
    using var temp = TemporaryStore.Create();
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    var app = LastClick.Server.LastClickServer.Build(temp.Store, ProgramCatalog.BuiltIn(),
        ["--urls", $"http://127.0.0.1:{port}", "--TrustedProxies", "127.0.0.1", "--Logging:LogLevel:Default", "Warning"]);
    await app.StartAsync();
    try
    {
        var platform = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<LastClick.Platform>(app.Services);
        var report = await LastClick.Bench.TrafficEvaluation.RunAsync(new Uri($"http://127.0.0.1:{port}"), platform, new LastClick.Bench.EvaluationOptions(visitors));
        Console.WriteLine(report.Markdown());
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
    return 0;
}
if (what == "forecast")
{
    int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    var cuts = Option("--cuts", 16);
    // A whole program's liability (every publisher: the threshold never holds it), then one publisher's share.
    foreach (var count in args.Contains("--orders") ? [Option("--orders", 40_000)] : new[] { 40_000, 2_000 })
    {
        var watch = Stopwatch.StartNew();
        var report = LastClick.Bench.ForecastBacktest.Run(new LastClick.Bench.BacktestOptions(count, cuts));
        Console.WriteLine(report.Markdown());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({watch.Elapsed.TotalSeconds:F1} s)"));
        Console.WriteLine();
    }
    return 0;
}
if (what == "shape")
{
    // Issue 13: what the redirect's request-shape checks cost per request, in process (Judge, Signal, ClickSpam.Count).
    var own = new[] { "aliexpress.com", "*.aliexpress.com" };
    const string chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    LastClick.Fraud.RequestShape[] shapes =
    [
        new(chrome, "document", "navigate", Referrer: "https://blog.example/review-of-phones"),
        new(chrome, "document", "navigate", Referrer: "https://www.google.com/", Query: "?gclid=abc123&utm_term=phone%20case"),
        new("Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1", Referrer: "https://blog.example/"),
        new(chrome, "image", "no-cors", Referrer: "https://coupons.example/"),
    ];
    var limits = LastClick.Programs.ClickSpamLimits.Default;
    var at = DateTimeOffset.UtcNow;
    // Ordinary traffic: every request a visitor and an address of its own (the spam counter's dictionaries grow and turn
    // over as in production); a flood: one visitor and address, every request past the limit (evidence formatted).
    foreach (var (name, distinct, count) in new[] { ("the shape alone", true, false), ("ordinary traffic", true, true), ("a flood from one visitor", false, true) })
    {
        var spam = new LastClick.Fraud.ClickSpam();
        var visitors = Enumerable.Range(0, 1 << 20).Select(i => distinct ? $"{Guid.NewGuid():N}" : "flood").ToArray();
        var ips = Enumerable.Range(0, 1 << 20).Select(i => distinct ? $"{1 + i % 223}.{(i >> 8) % 256}.{i % 256}.7" : "81.2.69.142").ToArray();
        var flagged = 0;
        void Round(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var (verdict, signal) = LastClick.Fraud.RequestShapes.Assess(shapes[i % 3], own);
                // As on the redirect: a visitor's cookie when it has one (one click in five here), else its address only.
                if (count) verdict ??= spam.Count("p1", !distinct || i % 5 == 0 ? visitors[i & ((1 << 20) - 1)] : null, ips[i & ((1 << 20) - 1)], at.AddTicks(i * 100L), limits);
                if (verdict is not null || signal is not null) flagged++;
            }
        }
        Round(200_000);
        flagged = 0;
        const int requests = 2_000_000;
        var timer = Stopwatch.StartNew();
        Round(requests);
        timer.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"request-shape checks, {name}: {timer.Elapsed.TotalNanoseconds / requests:0} ns a request ({requests:N0} requests, {flagged:N0} flagged or signalled)"));
    }
    return 0;
}
if (what == "link")
{
    // For bench/redirect.sh: a publisher and a link in the given SQLite store; prints the link's code.
    using var store = new LastClick.Data.SqliteStore(args[1]);
    store.Migrate(TimeProvider.System);
    var platform = new LastClick.Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
    platform.Publishers.Upsert(new LastClick.Publishers.Publisher("bench", "content", null, true));
    if (args.Contains("--no-click-spam"))
    {
        // wrk is one address sending one link as fast as it can: by the program's limits that is click spam (A6), and every
        // click past them is stored invalid with its evidence. To measure what the checks cost on valid clicks, the bench
        // store's program lets that address through (the counter still counts every click).
        var (json, version) = platform.ProgramEditor.Current("aliexpress-ww");
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        root["clickSpam"] = new System.Text.Json.Nodes.JsonObject { ["visitorClicks"] = 10_000, ["addressClicks"] = 1_000_000, ["windowSeconds"] = 1 };
        platform.ProgramEditor.Save("aliexpress-ww", root.ToJsonString(), version, "bench");
    }
    Console.WriteLine(platform.Links.Create("bench", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html", "bench").Code);
    return 0;
}
if (what == "seed-visitors")
{
    // For bench/orders.sh: publishers, clicks for visitors v0…v{N-1} an hour ago, and a marketplace key (printed);
    // with a URL after the count, a postback to it for every publisher.
    using var store = new LastClick.Data.SqliteStore(args[1]);
    store.Migrate(TimeProvider.System);
    var platform = new LastClick.Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
    var visitors = int.Parse(args[2], CultureInfo.InvariantCulture);
    var at = DateTimeOffset.UtcNow.AddHours(-1);
    store.InSession(s =>
    {
        for (var p = 0; p < 100; p++) platform.Publishers.Upsert(s, new LastClick.Publishers.Publisher($"p{p}", "content", null, true));
        for (var v = 0; v < visitors; v++)
        {
            platform.Tracking.RecordClick(s, new LastClick.Tracking.Click($"c{v}", "aliexpress-ww", $"p{v % 100}", $"v{v}", at, "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null));
        }
    });
    if (args.Length > 3)
    {
        // A postback for every publisher, to the URL given (a tracker on loopback): the delivery worker runs beside the orders.
        platform.Postbacks.Policy = LastClick.Notifications.OutboundPolicy.Parse("127.0.0.0/8");
        for (var p = 0; p < 100; p++) await platform.Postbacks.SaveAsync($"p{p}", args[3], "GET", null, null);
    }
    Console.WriteLine(platform.Keys.Create(LastClick.Access.KeyRole.Marketplace));
    return 0;
}
if (what == "count-orders")
{
    using var store = new LastClick.Data.SqliteStore(args[1]);
    Console.WriteLine(store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM orders WHERE publisher_id IS NOT NULL")));
    return 0;
}
if (what == "count-clicks")
{
    using var store = new LastClick.Data.SqliteStore(args[1]);
    Console.WriteLine(store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM clicks")));
    return 0;
}
if (what == "postbacks")
{
    // Issue 15: outbox delivery to a loopback tracker, and order ingestion with postbacks on and off (bench/postbacks.sh).
    await LastClick.Bench.PostbackBench.RunAsync(Arg("--messages", 20_000), Arg("--orders", 5_000), Arg("--rounds", 3));
    return 0;
}
if (what == "news")
{
    // Issue 19 (the HTTP order load's news worker): routing order messages to the notification centre.
    LastClick.Bench.NewsBench.Run(Arg("--messages", 20_000), Arg("--rounds", 3));
    return 0;
}
if (what == "payouts")
{
    // Issue 14: plan + approve + export (files written) over N publishers with payable balances (bench/payouts.sh).
    LastClick.Bench.PayoutsBench.Run(args.SkipWhile(a => a != "--publishers").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(100_000),
        args.SkipWhile(a => a != "--store").Skip(1).FirstOrDefault());
    return 0;
}
if (what == "reports")
{
    int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);
    LastClick.Bench.ReportsBench.Run(Option("--clicks", 10_000_000), Option("--orders", 300_000), Option("--publishers", 2_000), Option("--days", 90),
        args.SkipWhile(a => a != "--store").Skip(1).FirstOrDefault(), Option("--samples", 200),
        args.SkipWhile(a => a != "--keep").Skip(1).FirstOrDefault());
    return 0;
}
if (what == "gen-catalog")
{
    // For bench/catalog.sh: gen-catalog N FILE writes N products as JSON Lines.
    LastClick.Bench.CatalogBench.Generate(int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
    return 0;
}
if (what == "durability") return await LastClick.Bench.DurabilityBench.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50);
var orders = args.SkipWhile(a => a != "--orders").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(100_000);
Console.WriteLine($"LastClick bench · {Environment.ProcessorCount} cores · .NET {Environment.Version} · {DateTimeOffset.UtcNow:yyyy-MM-dd}");
if (what is "commission" or "all") CommissionBench.Run();
if (what is "ip" or "all") IpBench.Run();
if (what is "clicks" or "all")
{
    // --writers N: that count alone (to profile one), else 1, 16 and 64.
    await ClickWriterBench.RunAsync(args.Contains("--diverse"), Arg("--writers", 0) is > 0 and var count ? [count] : [1, 16, 64], Arg("--clicks", 40_000));
}
if (what is "orders" or "all") LastClick.Bench.OrderIngestBench.Run(args.Contains("--orders") ? orders : 20_000, args.SkipWhile(a => a != "--store").Skip(1).FirstOrDefault(), args.Contains("--group-only"),
    Arg("--history", 0), Arg("--group-writers", 0) is > 0 and var groupWriters ? groupWriters : null);
if (what is "replay" or "all") ReplayBench.Run(orders);
return 0;

/// <summary>Commission line evaluations per second on one core: Rate + Total over a realistic mix of lines.</summary>
internal static class CommissionBench
{
    public static void Run()
    {
        var catalog = ProgramCatalog.BuiltIn();
        var ww = catalog.Get("aliexpress-ww");
        var cis = catalog.Get("aliexpress-cis");
        var random = new Random(42);
        string[] categories = [.. ww.CategoryRates.Keys, "Toys", "Books", "Gift cards"];
        string[] stores = ["Xiaomi Official Store", "CHUWI Global—Flagship Store", "Some Store", "Other Store", "Third Store"];
        string[] countries = ["DE", "FR", "PL", "ES", "RU", "KZ"];
        var cases = Enumerable.Range(0, 4096).Select(i =>
        {
            var country = countries[random.Next(countries.Length)];
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(j => new OrderLine($"l{j}", $"p{random.Next(100000)}",
                categories[random.Next(categories.Length)], stores[random.Next(stores.Length)], random.Next(100, 50000) / 100m,
                random.Next(1, 3), random.Next(10) > 0, random.Next(4, 300) / 1000m, random.Next(50) == 0, null, random.Next(2) == 0 ? "CN" : "RU")).ToList();
            var order = new Order($"o{i}", DateTimeOffset.Parse("2026-02-01T00:00:00Z", CultureInfo.InvariantCulture).AddMinutes(i),
                Currency.Of(random.Next(3) == 0 ? "EUR" : "USD"), country, lines, "v");
            var click = new Touch("c", TouchKind.AffiliateClick, order.At.AddHours(-1), 0, "p", null, country);
            var program = country is "RU" or "KZ" && random.Next(2) == 0 ? cis : ww;
            return (order, click, program, new PublisherContext(random.Next(5) == 0 ? "dropshipping" : "content", random.Next(700_000)));
        }).ToArray();
        var linesPerPass = cases.Sum(c => c.order.Lines.Count);

        Thread.CurrentThread.Priority = ThreadPriority.Highest;
        decimal sink = 0;
        long Pass()
        {
            foreach (var (order, click, program, publisher) in cases)
            {
                sink += Commission.Total(order, Commission.Rate(order, click, program, publisher), program).Total;
            }
            return linesPerPass;
        }
        for (var i = 0; i < 20; i++) Pass(); // warm-up (tiered JIT)
        var rounds = new List<double>();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long measuredLines = 0;
        for (var round = 0; round < 7; round++)
        {
            var sw = Stopwatch.StartNew();
            long lines = 0;
            while (sw.Elapsed < TimeSpan.FromSeconds(1)) lines += Pass();
            rounds.Add(lines / sw.Elapsed.TotalSeconds);
            measuredLines += lines;
        }
        var bytesPerLine = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)measuredLines;
        rounds.Sort();
        if (Environment.GetEnvironmentVariable("LASTCLICK_BENCH_SPLIT") == "1")
        {
            var rated = cases.Select(c => Commission.Rate(c.order, c.click, c.program, c.Item4)).ToArray();
            var sw1 = Stopwatch.StartNew(); var n1 = 0L;
            while (sw1.Elapsed < TimeSpan.FromSeconds(2)) { foreach (var (order, click, program, publisher) in cases) Commission.Rate(order, click, program, publisher); n1 += linesPerPass; }
            var sw2 = Stopwatch.StartNew(); var n2 = 0L;
            while (sw2.Elapsed < TimeSpan.FromSeconds(2)) { for (var i = 0; i < cases.Length; i++) sink += Commission.Total(cases[i].order, rated[i], cases[i].program).Total; n2 += linesPerPass; }
            Console.WriteLine($"split: Rate {n1 / sw1.Elapsed.TotalSeconds:N0} lines/s, Total {n2 / sw2.Elapsed.TotalSeconds:N0} lines/s");
        }
        Console.WriteLine($"commission: {rounds[3]:N0} line evaluations/s on one thread (median of 7 one-second rounds; min {rounds[0]:N0}, max {rounds[^1]:N0}); " +
            $"{bytesPerLine:F0} B allocated per line; goal ≥ 2,000,000 [checksum {sink}]");
    }
}

/// <summary>Load time of the embedded IP tables and the bot list, and the cost of a click's classification.</summary>
internal static class IpBench
{
    public static void Run()
    {
        var load = Stopwatch.StartNew();
        var ip = LastClick.Geo.IpIntelligence.Default;
        var ipLoad = load.Elapsed.TotalMilliseconds;
        load.Restart();
        var bots = LastClick.Tracking.BotDetector.Default;
        var botLoad = load.Elapsed.TotalMilliseconds;
        var random = new Random(3);
        var addresses = Enumerable.Range(0, 10_000).Select(_ => random.Next(2) == 0
            ? $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}"
            : $"2a0{random.Next(10)}:{random.Next(0x10000):x}:{random.Next(0x10000):x}::1").ToArray();
        var parsed = addresses.Select(System.Net.IPAddress.Parse).ToArray();
        string[] agents =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ];
        long found = 0;
        for (var i = 0; i < 3; i++) foreach (var a in addresses) found += ip.Lookup(a).Asn; // warm-up
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(2)) { foreach (var a in addresses) found += ip.Lookup(a).Asn; n += addresses.Length; }
        var perLookup = sw.Elapsed.TotalNanoseconds / n;
        sw.Restart();
        n = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(2)) { foreach (var a in agents) found += bots.IsBot(a) ? 1 : 0; n += agents.Length; }
        var perAgent = sw.Elapsed.TotalMicroseconds / n;
        Console.WriteLine($"ip: tables loaded in {ipLoad:F0} ms, bot list in {botLoad:F0} ms; IP lookup (parse, country, ASN, hosting) {perLookup:F0} ns; " +
            $"bot check {perAgent:F1} µs per user agent (mix of 2 browsers, 1 bot) [checksum {found + parsed.Length}]");
    }
}

/// <summary>Group-committed clicks on SQLite: concurrent writers, each awaiting its commit (issue 3's redirect path).</summary>
internal static class ClickWriterBench
{
    private static readonly string[] Ips = ["77.88.8.8", "81.2.69.142", "2.16.0.1", "5.255.255.5"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    ];

    /// <param name="diverse">Every click another publisher, link and sub1 (2,000 publishers), visitor country and device: no two clicks share a rollup row.</param>
    /// <param name="counts">The runs' numbers of writers.</param>
    /// <param name="total">Clicks a run writes, shared among its writers.</param>
    public static async Task RunAsync(bool diverse, int[] counts, int total)
    {
        foreach (var writers in counts)
        {
            using var temporary = TemporaryStore.Create();
            var store = temporary.Store;
            store.Migrate(TimeProvider.System);
            store.InSession(s =>
            {
                foreach (var p in diverse ? Enumerable.Range(0, 2000).Select(i => $"p{i}") : ["p1"])
                {
                    s.Execute("INSERT INTO publishers (id, traffic_type, payout_details_complete, created_at) VALUES (@p, 'content', @yes, 0)", new { p, yes = true });
                }
            });
            var writer = new LastClick.Tracking.ClickWriter(store, LastClick.Tracking.ClickClassifier.Default);
            var perWriter = total / writers;
            var latencies = new double[writers * perWriter];
            var at = DateTimeOffset.Parse("2026-02-01T00:00:00Z", CultureInfo.InvariantCulture);
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var n = w * perWriter + i;
                    await writer.WriteAsync(diverse
                        ? new LastClick.Tracking.Click($"c{w}-{i}", "aliexpress-ww", $"p{n % 2000}", $"v{w}-{i}", at.AddMilliseconds(n), Ips[n % Ips.Length],
                            Agents[n / 4 % Agents.Length], null, $"L{n % 7919}", $"s{n % 101}")
                        : new LastClick.Tracking.Click($"c{w}-{i}", "aliexpress-ww", "p1", $"v{w}-{i}", at, "77.88.8.8", Agents[0], null, Sub1: "post-42"));
                    latencies[n] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })));
            sw.Stop();
            await writer.DisposeAsync();
            Array.Sort(latencies);
            var (batches, clicks) = writer.Written;
            Console.WriteLine($"clicks{(diverse ? " (diverse)" : "")}: {writers,2} writers: {clicks / sw.Elapsed.TotalSeconds:N0} clicks/s committed, {clicks / (double)batches:F1} clicks per commit, " +
                $"latency p50 {latencies[latencies.Length / 2]:F2} ms, p99 {latencies[latencies.Length * 99 / 100]:F2} ms, p99.9 {latencies[latencies.Length * 999 / 1000]:F2} ms");
        }
    }
}

/// <summary>Wall time of `lastclick replay` on SQLite for a generated scenario of N orders with events.</summary>
internal static class ReplayBench
{
    public static void Run(int orders)
    {
        var json = Generate(orders, out var events, out var clicks);
        var file = Path.Combine(Path.GetTempPath(), $"lastclick-bench-{orders}.json");
        File.WriteAllText(file, json);
        Console.WriteLine($"replay: generated {orders:N0} orders, {clicks:N0} clicks, {events:N0} events, weekly payout runs ({new FileInfo(file).Length / 1e6:F1} MB)");

        var total = Stopwatch.StartNew();
        var parse = Stopwatch.StartNew();
        var scenario = Scenario.Parse(File.ReadAllText(file), ProgramCatalog.BuiltIn());
        parse.Stop();
        using var store = TemporaryStore.Create();
        var output = ScenarioRunner.Run(scenario, store.Store);
        total.Stop();
        File.Delete(file);
        Console.WriteLine($"replay: {total.Elapsed.TotalSeconds:F1} s wall on SQLite for {orders:N0} orders (parse {parse.Elapsed.TotalSeconds:F1} s; " +
            $"{orders / total.Elapsed.TotalSeconds:N0} orders/s end to end; output {output.Length / 1e6:F1} MB); goal ≤ 20 s");
    }

    private static string Generate(int orders, out int eventCount, out int clickCount)
    {
        var random = new Random(7);
        var start = DateTimeOffset.Parse("2026-01-05T00:00:00Z", CultureInfo.InvariantCulture);
        string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string[] categories = ["Mobile phones", "Mobile phone accessories", "Women's clothing", "Garden supplies", "Toys", "Home appliances", "Books"];
        string[] types = ["content", "coupon", "cashback", "price_comparison", "social"];
        const int publishers = 500;
        var span = TimeSpan.FromDays(90);
        var sb = new StringBuilder(orders * 600);
        sb.Append("{\"program\":\"aliexpress-ww\",\"publishers\":[");
        for (var p = 0; p < publishers; p++) sb.Append(p == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\":\"p{p}\",\"trafficType\":\"{types[p % types.Length]}\"}}");
        sb.Append("],\"clicks\":[");
        var orderTimes = new DateTimeOffset[orders];
        clickCount = 0;
        for (var i = 0; i < orders; i++)
        {
            orderTimes[i] = start + TimeSpan.FromSeconds(random.NextDouble() * span.TotalSeconds);
            // Most visitors click once; some twice (two publishers compete), some click after the cookie window expires.
            var clicksForVisitor = random.Next(10) < 8 ? 1 : 2;
            for (var k = 0; k < clicksForVisitor; k++)
            {
                var at = orderTimes[i] - TimeSpan.FromMinutes(random.Next(5, 5000));
                sb.Append(clickCount++ == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $"{{\"id\":\"c{i}-{k}\",\"publisher\":\"p{random.Next(publishers)}\",\"visitor\":\"v{i}\",\"at\":\"{T(at)}\",\"ip\":\"81.2.{random.Next(256)}.{random.Next(256)}\",\"userAgent\":\"Mozilla/5.0 Firefox/128.0\"}}");
            }
        }
        sb.Append("],\"orders\":[");
        for (var i = 0; i < orders; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"id\":\"o{i}\",\"visitor\":\"v{i}\",\"at\":\"{T(orderTimes[i])}\",\"currency\":\"{(random.Next(3) == 0 ? "EUR" : "USD")}\",\"deliveryCountry\":\"{(random.Next(2) == 0 ? "DE" : "PL")}\",\"lines\":[");
            var lines = random.Next(1, 4);
            for (var l = 0; l < lines; l++)
            {
                sb.Append(l == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $"{{\"id\":\"l{l}\",\"productId\":\"{random.Next(1_000_000)}\",\"category\":\"{categories[random.Next(categories.Length)]}\",\"store\":\"s{random.Next(5000)}\",\"price\":\"{random.Next(100, 30000) / 100m}\",\"quantity\":{random.Next(1, 3)}}}");
            }
            sb.Append("]}");
        }
        sb.Append("],\"events\":[");
        var written = 0;
        for (var i = 0; i < orders; i++)
        {
            var at = orderTimes[i];
            void Event(string type, TimeSpan after, string extra = "") =>
                sb.Append(written++ == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\":\"e{i}-{type}\",\"order\":\"o{i}\",\"type\":\"{type}\",\"at\":\"{T(at + after)}\"{extra}}}");
            Event("paid", TimeSpan.FromMinutes(1));
            var fate = random.Next(100);
            if (fate < 80) Event("goods_received", TimeSpan.FromDays(random.Next(7, 30)));
            else if (fate < 88) Event("refunded", TimeSpan.FromDays(random.Next(3, 20)), ",\"line\":\"l0\",\"amount\":\"1.00\"");
            else if (fate < 95) Event("cancelled", TimeSpan.FromDays(random.Next(1, 5)));
            if (fate >= 98) Event("fraud", TimeSpan.FromDays(40));
        }
        eventCount = written;
        sb.Append("],\"payoutRuns\":[");
        for (var week = 0; week < 18; week++) sb.Append(week == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"\"{T(start.AddDays(4 + 7 * week))}\"");
        sb.Append("]}");
        return sb.ToString();
    }
}
