using System.Globalization;
using System.Net;
using LastClick.Common;
using LastClick.Data;
using LastClick.Products;

namespace LastClick.Fraud;

/// <summary>A credited order of the analysed day with the click that won it.</summary>
public sealed record DayOrder(string Id, string ProgramId, string PublisherId, string Sub1, DateTimeOffset At, string ClickId, DateTimeOffset ClickAt, string? Ip);

/// <summary>A publisher's (and sub id's) clicks of the day, as the rollups count them.</summary>
public sealed record DayClicks(string ProgramId, string PublisherId, string Sub1, long Clicks, long Invalid)
{
    public long Valid => Clicks - Invalid;
}

/// <summary>A click of the day with a source signal, and the orders it won so far.</summary>
public sealed record SignalClick(string Id, string ProgramId, string PublisherId, string Sub1, DateTimeOffset At, string Kind, string Detail, IReadOnlyList<string> Orders);

/// <summary>What a program's last 30 days look like: the yardstick a publisher's day is measured against.</summary>
/// <param name="FastShare">The share of credited orders placed within <see cref="TrafficAnalytics.FastOrder"/> of their click.</param>
/// <param name="ClicksPerOrder">Valid clicks per credited order: the median of the program's publishers.</param>
public sealed record ProgramNorm(string ProgramId, long Orders, decimal FastShare, decimal? ClicksPerOrder);

/// <summary>Everything one day's analysis reads.</summary>
public sealed record AnalysisDay(
    DateOnly Day, IReadOnlyList<DayOrder> Orders, IReadOnlyList<DayClicks> Clicks, IReadOnlyList<SignalClick> Signals,
    IReadOnlyDictionary<string, ProgramNorm> Norms, IReadOnlyList<string> BannedKeywords);

/// <summary>What a finding rests on: figures, and the clicks and orders behind it. Confirming it declines <see cref="Orders"/>.</summary>
public sealed record FindingEvidence(IReadOnlyDictionary<string, string> Figures, IReadOnlyList<string> Orders, IReadOnlyList<string> Clicks);

/// <summary>A finding of the analytics before it is stored: rule, who, score 0–100, a sentence, the evidence.</summary>
public sealed record FindingDraft(string Rule, string ProgramId, string PublisherId, string Sub1, DateOnly Day, int Score, string Summary, FindingEvidence Evidence);

/// <summary>
/// Publisher-level analytics (product.md A6, E4; SIVT): each rule looks at one UTC day of a publisher and sub id against
/// the program's last 30 days, and every finding has a rule id, a score and its evidence. Pure: the day in, findings out.
/// <list type="bullet">
/// <item><c>ctit_fast</c> — orders placed seconds after their click, far more often than the program's orders are (injected or forced clicks landing on a purchase already under way).</item>
/// <item><c>clicks_per_order</c> — valid clicks per order far above the program's norm (cookie spraying that the request shape did not show).</item>
/// <item><c>conversion_burst</c> — within an hour, three orders whose clicks came from one IP address, or five from one /24 (IPv6: /48): colleagues in one office share a /24, not a stream of orders.</item>
/// <item><c>brand_bidding</c> — paid-search clicks (gclid, msclkid, utm_medium=cpc…) whose keyword hits the banned keywords (E4, G5).</item>
/// <item><c>pop_referrer</c> — clicks referred by a pop-under or click-under network (E4).</item>
/// </list>
/// </summary>
public static class TrafficAnalytics
{
    public const string CtitFast = "ctit_fast", ClicksPerOrder = "clicks_per_order", ConversionBurst = "conversion_burst",
        BrandBidding = "brand_bidding", PopReferrer = "pop_referrer";

    public static readonly IReadOnlyList<string> Rules = [CtitFast, ClicksPerOrder, ConversionBurst, BrandBidding, PopReferrer];

    /// <summary>An order this soon after its click was not decided on the page the click opened.</summary>
    public static readonly TimeSpan FastOrder = TimeSpan.FromSeconds(30);

    /// <summary>ctit_fast: at least this many fast orders, at least half of the publisher's, and five times the program's share.</summary>
    public const int MinFastOrders = 3;

    /// <summary>clicks_per_order: at least this many valid clicks, and ten times the program's clicks per order.</summary>
    public const int MinClicks = 100;
    public const decimal ClicksPerOrderFactor = 10m;

    /// <summary>conversion_burst: this many orders from one address, or <see cref="BurstNetworkOrders"/> from one network, within <see cref="BurstSpan"/>.</summary>
    public const int BurstOrders = 3;
    public const int BurstNetworkOrders = 5;
    public static readonly TimeSpan BurstSpan = TimeSpan.FromHours(1);

    /// <summary>pop_referrer: this many clicks from pop networks, or one that won an order.</summary>
    public const int MinPopClicks = 3;

    /// <summary>The reason code a confirmed finding of the rule declines orders with (the operator may choose the other).</summary>
    public static string DeclineReason(string rule) =>
        rule is BrandBidding or PopReferrer ? Commissions.Commission.Reasons.ProhibitedPractice : Commissions.Commission.Reasons.InvalidTraffic;

    public static IReadOnlyList<FindingDraft> Judge(AnalysisDay day)
    {
        var findings = new List<FindingDraft>();
        var ordersByKey = day.Orders.GroupBy(o => (o.ProgramId, o.PublisherId, o.Sub1)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var ((program, publisher, sub1), orders) in ordersByKey.OrderBy(kv => kv.Key))
        {
            if (Fast(day, program, publisher, sub1, orders) is { } fast) findings.Add(fast);
        }
        foreach (var clicks in day.Clicks.OrderBy(c => (c.ProgramId, c.PublisherId, c.Sub1)))
        {
            var orders = ordersByKey.GetValueOrDefault((clicks.ProgramId, clicks.PublisherId, clicks.Sub1)) ?? [];
            if (Spraying(day, clicks, orders) is { } spray) findings.Add(spray);
        }
        foreach (var group in day.Orders.GroupBy(o => (o.ProgramId, o.PublisherId)).OrderBy(g => g.Key))
        {
            findings.AddRange(Bursts(day, group.Key.ProgramId, group.Key.PublisherId, [.. group]));
        }
        foreach (var group in day.Signals.GroupBy(c => (c.ProgramId, c.PublisherId, c.Sub1)).OrderBy(g => g.Key))
        {
            var (program, publisher, sub1) = group.Key;
            if (Brand(day, program, publisher, sub1, [.. group]) is { } brand) findings.Add(brand);
            if (Pops(day, program, publisher, sub1, [.. group]) is { } pop) findings.Add(pop);
        }
        return findings;
    }

    private static FindingDraft? Fast(AnalysisDay day, string program, string publisher, string sub1, List<DayOrder> orders)
    {
        var fast = orders.Where(o => o.At - o.ClickAt < FastOrder).OrderBy(o => o.At).ToList();
        if (fast.Count < MinFastOrders) return null;
        var share = (decimal)fast.Count / orders.Count;
        var norm = day.Norms.GetValueOrDefault(program)?.FastShare ?? 0m;
        if (share < 0.5m || share < 5m * norm) return null;
        var seconds = fast.Select(o => (o.At - o.ClickAt).TotalSeconds).Order().ToList();
        return new FindingDraft(CtitFast, program, publisher, sub1, day.Day, Score(share * 100m),
            $"{fast.Count} of {orders.Count} orders placed less than {FastOrder.TotalSeconds:0} s after their click (program: {Percent(norm)} of orders)",
            new FindingEvidence(Figures(("orders", orders.Count), ("fast_orders", fast.Count), ("fast_share", Percent(share)), ("program_fast_share", Percent(norm)),
                ("median_seconds", seconds[seconds.Count / 2].ToString("0.#", CultureInfo.InvariantCulture))),
                [.. fast.Select(o => o.Id)], [.. fast.Select(o => o.ClickId)]));
    }

    private static FindingDraft? Spraying(AnalysisDay day, DayClicks clicks, List<DayOrder> orders)
    {
        if (clicks.Valid < MinClicks || orders.Count == 0 || day.Norms.GetValueOrDefault(clicks.ProgramId)?.ClicksPerOrder is not { } norm || norm <= 0m) return null;
        var ratio = (decimal)clicks.Valid / orders.Count;
        if (ratio < ClicksPerOrderFactor * norm) return null;
        var times = ratio / norm;
        return new FindingDraft(ClicksPerOrder, clicks.ProgramId, clicks.PublisherId, clicks.Sub1, day.Day,
            Score(50m + 10m * (decimal)Math.Log2((double)(times / ClicksPerOrderFactor))),
            $"{clicks.Valid} valid clicks for {orders.Count} order(s): {ratio:0.#} clicks per order, {times:0.#}× the program's {norm:0.#}",
            new FindingEvidence(Figures(("valid_clicks", clicks.Valid), ("invalid_clicks", clicks.Invalid), ("orders", orders.Count),
                ("clicks_per_order", ratio.ToString("0.#", CultureInfo.InvariantCulture)), ("program_clicks_per_order", norm.ToString("0.#", CultureInfo.InvariantCulture))),
                [.. orders.OrderBy(o => o.At).Select(o => o.Id)], [.. orders.OrderBy(o => o.At).Select(o => o.ClickId)]));
    }

    private static IEnumerable<FindingDraft> Bursts(AnalysisDay day, string program, string publisher, List<DayOrder> orders)
    {
        foreach (var network in orders.Where(o => Network(o.Ip) is not null).GroupBy(o => Network(o.Ip)!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // The largest set of orders whose clicks fall within one span, from the network and from any one address in it.
            var best = Densest([.. network]);
            var byAddress = network.GroupBy(o => o.Ip!).Select(a => Densest([.. a])).MaxBy(a => a.Count) ?? [];
            var burst = byAddress.Count >= BurstOrders ? byAddress : best.Count >= BurstNetworkOrders ? best : null;
            if (burst is null) continue;
            var addresses = burst.Select(o => o.Ip!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var threshold = addresses.Count == 1 ? BurstOrders : BurstNetworkOrders;
            // Evidence per sub id is the publisher's: a burst spans whatever sub ids the clicks carried.
            yield return new FindingDraft(ConversionBurst, program, publisher, "", day.Day, Score(60m + 10m * (burst.Count - threshold)),
                $"{burst.Count} orders from clicks of {(addresses.Count == 1 ? $"address {addresses[0]}" : $"network {network.Key} ({addresses.Count} addresses)")} within {BurstSpan.TotalMinutes:0} minutes",
                new FindingEvidence(Figures(("network", network.Key), ("orders", burst.Count), ("addresses", string.Join(' ', addresses)),
                    ("first_click", Times.Format(burst[0].ClickAt)), ("last_click", Times.Format(burst[^1].ClickAt))),
                    [.. burst.Select(o => o.Id)], [.. burst.Select(o => o.ClickId)]));
        }
    }

    private static List<DayOrder> Densest(List<DayOrder> orders)
    {
        var sorted = orders.OrderBy(o => o.ClickAt).ThenBy(o => o.Id, StringComparer.Ordinal).ToList();
        List<DayOrder> best = [];
        for (int start = 0, end = 0; start < sorted.Count; start++)
        {
            while (end < sorted.Count && sorted[end].ClickAt - sorted[start].ClickAt <= BurstSpan) end++;
            if (end - start > best.Count) best = sorted.GetRange(start, end - start);
        }
        return best;
    }

    private static FindingDraft? Brand(AnalysisDay day, string program, string publisher, string sub1, List<SignalClick> signals)
    {
        var hits = new List<(SignalClick Click, string Keyword, string Banned)>();
        foreach (var click in signals.Where(c => c.Kind == SourceSignal.PaidSearch))
        {
            if (RequestShapes.KeywordOf(click.Detail) is not { } keyword) continue;
            var normalized = KeywordText.Normalize(keyword);
            if (day.BannedKeywords.FirstOrDefault(b => KeywordText.Contains(normalized, KeywordText.Normalize(b))) is { } banned) hits.Add((click, keyword, banned));
        }
        if (hits.Count == 0) return null;
        var keywords = hits.Select(h => $"{h.Keyword} ({h.Banned})").Distinct(StringComparer.Ordinal).Take(20).ToList();
        return new FindingDraft(BrandBidding, program, publisher, sub1, day.Day, Score(90m + Math.Min(10, hits.Count - 1)),
            $"{hits.Count} paid-search click(s) on banned keywords: {string.Join(", ", keywords.Take(3))}",
            new FindingEvidence(Figures(("paid_search_clicks", hits.Count), ("keywords", string.Join("; ", keywords))),
                [.. hits.SelectMany(h => h.Click.Orders).Distinct(StringComparer.Ordinal)], [.. hits.Select(h => h.Click.Id)]));
    }

    private static FindingDraft? Pops(AnalysisDay day, string program, string publisher, string sub1, List<SignalClick> signals)
    {
        var pops = signals.Where(c => c.Kind == SourceSignal.PopReferrer).ToList();
        var orders = pops.SelectMany(c => c.Orders).Distinct(StringComparer.Ordinal).ToList();
        if (pops.Count < MinPopClicks && orders.Count == 0) return null;
        var networks = pops.Select(c => c.Detail).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new FindingDraft(PopReferrer, program, publisher, sub1, day.Day, Score(80m + Math.Min(20, pops.Count / 10)),
            $"{pops.Count} click(s) referred by pop networks ({string.Join(", ", networks)})",
            new FindingEvidence(Figures(("pop_clicks", pops.Count), ("networks", string.Join(' ', networks))), orders, [.. pops.Select(c => c.Id)]));
    }

    /// <summary>The /24 of an IPv4 address or the /48 of an IPv6 one, as text; null when there is no address.</summary>
    public static string? Network(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4) return $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24";
        for (var i = 6; i < bytes.Length; i++) bytes[i] = 0;
        return $"{new IPAddress(bytes)}/48";
    }

    private static int Score(decimal value) => (int)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 1m, 100m);

    private static string Percent(decimal share) => (share * 100m).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static Dictionary<string, string> Figures(params (string Name, object Value)[] figures) =>
        figures.ToDictionary(f => f.Name, f => Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal);

    // The buckets first..last of a rollup table, and the journal's rows of the same time (it keeps quarter hours).
    private static object Waiting(Reports.Cube cube, long first, long last) =>
        new { first, last, fromAt = cube.Grain.StartOf(first), toAt = cube.Grain.StartOf(last + 1) };

    /// <summary>Loads one UTC day for <see cref="Judge"/>: its credited orders and their clicks, the clicks' rollups, the signal clicks, the norms.</summary>
    public static AnalysisDay Load(DbSession s, DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var (fromUs, toUs) = (Times.ToMicros(from), Times.ToMicros(from.AddDays(1)));
        var orders = s.Query<OrderRow>("""
            SELECT o.id, o.program_id, o.publisher_id, COALESCE(k.sub1, '') AS sub1, o.at, k.id AS click_id, k.at AS click_at, k.ip
            FROM orders o JOIN clicks k ON k.id = o.attributed_click_id
            WHERE o.at >= @fromUs AND o.at < @toUs AND o.publisher_id IS NOT NULL AND o.attribution_reason IS NULL AND k.invalid_reason IS NULL
            ORDER BY o.at, o.id
            """, new { fromUs, toUs })
            .Select(r => new DayOrder(r.Id, r.ProgramId, r.PublisherId, r.Sub1, Times.FromMicros(r.At), r.ClickId, Times.FromMicros(r.ClickAt), r.Ip)).ToList();

        // SQLite's clicks not yet in the rollups go in first (Tracking.ClickJournal; the session writes). The other
        // changes waiting in Reports.RollupJournal (on PostgreSQL, its one-at-a-time clicks) are added in the same
        // statement as the table, so one snapshot sees each once; a fold here would hold every other fold up for as long
        // as this session runs.
        Tracking.ClickJournal.Fold(s);
        var sub1Cube = Reports.Cubes.All.Single(c => c.Table == "rollup_sub1_d");
        var clicks = s.Query<ClickRow>("""
            SELECT program_id, publisher_id, sub1, CAST(SUM(clicks) AS BIGINT) AS clicks, CAST(SUM(invalid_clicks) AS BIGINT) AS invalid
            FROM (SELECT program_id, publisher_id, sub1, clicks, invalid_clicks FROM rollup_sub1_d WHERE bucket >= @first AND bucket <= @last
                  UNION ALL
                  SELECT program_id, publisher_id, sub1, clicks, invalid_clicks FROM rollup_journal WHERE at >= @fromAt AND at < @toAt) r
            GROUP BY program_id, publisher_id, sub1
            """, Waiting(sub1Cube, sub1Cube.BucketOf(fromUs), sub1Cube.BucketOf(fromUs)))
            .Select(r => new DayClicks(r.ProgramId, r.PublisherId, r.Sub1, r.Clicks, r.Invalid)).ToList();

        var signalRows = s.Query<SignalRow>("""
            SELECT k.id, k.program_id, k.publisher_id, COALESCE(k.sub1, '') AS sub1, k.at, k.signal_kind, k.signal_detail, o.id AS order_id
            FROM clicks k LEFT JOIN orders o ON o.attributed_click_id = k.id AND o.publisher_id = k.publisher_id
            WHERE k.signal_kind IS NOT NULL AND k.at >= @fromUs AND k.at < @toUs
            ORDER BY k.at, k.id
            """, new { fromUs, toUs });
        var signals = signalRows.GroupBy(r => r.Id).Select(g =>
        {
            var r = g.First();
            return new SignalClick(r.Id, r.ProgramId, r.PublisherId, r.Sub1, Times.FromMicros(r.At), r.SignalKind, r.SignalDetail ?? "",
                [.. g.Where(x => x.OrderId is not null).Select(x => x.OrderId!)]);
        }).ToList();

        // The norms: the program's last 30 days before the day's end. Clicks per order is the median over the program's
        // publishers (with an order), so a few fraudulent publishers' floods do not move the yardstick they are measured by.
        var baseFrom = Times.ToMicros(from.AddDays(-29));
        var fastUs = (long)FastOrder.TotalMicroseconds;
        var baseline = s.Query<NormRow>("""
            SELECT o.program_id, o.publisher_id, COUNT(*) AS orders, CAST(SUM(CASE WHEN o.at - k.at < @fastUs THEN 1 ELSE 0 END) AS BIGINT) AS fast
            FROM orders o JOIN clicks k ON k.id = o.attributed_click_id
            WHERE o.at >= @baseFrom AND o.at < @toUs AND o.publisher_id IS NOT NULL AND o.attribution_reason IS NULL AND k.invalid_reason IS NULL
            GROUP BY o.program_id, o.publisher_id
            """, new { baseFrom, toUs, fastUs }).ToList();
        var publishersCube = Reports.Cubes.All.Single(c => c.Table == "rollup_publishers_d");
        var publisherClicks = s.Query<ClickRow>("""
            SELECT program_id, publisher_id, '' AS sub1, CAST(SUM(clicks) AS BIGINT) AS clicks, CAST(SUM(invalid_clicks) AS BIGINT) AS invalid
            FROM (SELECT program_id, publisher_id, clicks, invalid_clicks FROM rollup_publishers_d WHERE bucket >= @first AND bucket <= @last
                  UNION ALL
                  SELECT program_id, publisher_id, clicks, invalid_clicks FROM rollup_journal WHERE at >= @fromAt AND at < @toAt) r
            GROUP BY program_id, publisher_id
            """, Waiting(publishersCube, publishersCube.BucketOf(baseFrom), publishersCube.BucketOf(fromUs)))
            .ToDictionary(r => (r.ProgramId, r.PublisherId), r => r.Clicks - r.Invalid);
        var normMap = baseline.GroupBy(n => n.ProgramId).ToDictionary(g => g.Key, g =>
        {
            long orders = g.Sum(n => n.Orders), fast = g.Sum(n => n.Fast);
            var ratios = g.Where(n => n.Orders > 0 && publisherClicks.ContainsKey((n.ProgramId, n.PublisherId)))
                .Select(n => (decimal)publisherClicks[(n.ProgramId, n.PublisherId)] / n.Orders).Order().ToList();
            return new ProgramNorm(g.Key, orders, orders == 0 ? 0m : (decimal)fast / orders, ratios.Count == 0 ? null : ratios[ratios.Count / 2]);
        }, StringComparer.Ordinal);

        var banned = s.Query<string>("SELECT keyword FROM banned_keywords ORDER BY keyword").ToList();
        return new AnalysisDay(day, orders, clicks, signals, normMap, banned);
    }

#pragma warning disable CA1812 // instantiated by Dapper
    private sealed class OrderRow
    {
        public string Id { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Sub1 { get; set; } = "";
        public long At { get; set; }
        public string ClickId { get; set; } = "";
        public long ClickAt { get; set; }
        public string? Ip { get; set; }
    }

    private sealed class ClickRow
    {
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Sub1 { get; set; } = "";
        public long Clicks { get; set; }
        public long Invalid { get; set; }
    }

    private sealed class SignalRow
    {
        public string Id { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string Sub1 { get; set; } = "";
        public long At { get; set; }
        public string SignalKind { get; set; } = "";
        public string? SignalDetail { get; set; }
        public string? OrderId { get; set; }
    }

    private sealed class NormRow
    {
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public long Orders { get; set; }
        public long Fast { get; set; }
    }
#pragma warning restore CA1812
}
