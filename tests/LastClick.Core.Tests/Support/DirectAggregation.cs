using Dapper;
using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Tests.Support;

/// <summary>
/// The rollups as a direct aggregation of the raw facts, written independently of the writers: every stored click
/// (unique when no click of its visitor and link that UTC day has a smaller seq; a click without a visitor is its
/// own), and every credited order under its attributed click's link, sub ids, country and device; the sub2…sub5
/// rollup only with the facts that carry one of them.
/// </summary>
public static class DirectAggregation
{
    public sealed record Row(long Bucket, string Key, string Measures);

    private sealed class ClickFact
    {
        public long Seq { get; set; }
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string? LinkId { get; set; }
        public string? VisitorId { get; set; }
        public long At { get; set; }
        public string? Country { get; set; }
        public string? InvalidReason { get; set; }
        public string? Sub1 { get; set; }
        public string? Sub2 { get; set; }
        public string? Sub3 { get; set; }
        public string? Sub4 { get; set; }
        public string? Sub5 { get; set; }
        public string? Device { get; set; }
        public string? TrafficSource { get; set; }
    }

    private sealed class OrderFact
    {
        public long At { get; set; }
        public string ProgramId { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string? TrafficType { get; set; }
        public string PayoutCurrency { get; set; } = "";
        public string Status { get; set; } = "";
        public long SalesMinor { get; set; }
        public long CommissionMinor { get; set; }
        public long DeclinedMinor { get; set; }
        public string? LinkId { get; set; }
        public string? Sub1 { get; set; }
        public string? Sub2 { get; set; }
        public string? Sub3 { get; set; }
        public string? Sub4 { get; set; }
        public string? Sub5 { get; set; }
        public string? Country { get; set; }
        public string? Device { get; set; }
    }

    /// <summary>Expected rows of every cube (in <see cref="Cubes.All"/> order), sorted, rows of all zeros left out.</summary>
    public static List<Row>[] Of(Store store)
    {
        using var c = store.Open();
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        var clicks = c.Query<ClickFact>("SELECT seq, program_id, publisher_id, link_id, visitor_id, at, country, invalid_reason, sub1, sub2, sub3, sub4, sub5, device, traffic_source FROM clicks").ToList();
        // The order's key comes from its attributed click, read here from the click itself.
        var orders = c.Query<OrderFact>("""
            SELECT o.at, o.program_id, o.publisher_id, o.traffic_type, o.payout_currency, o.status, o.sales_minor, o.commission_minor, o.declined_minor,
                   k.link_id, k.sub1, k.sub2, k.sub3, k.sub4, k.sub5, k.country, k.device
            FROM orders o LEFT JOIN clicks k ON k.id = o.attributed_click_id
            WHERE o.publisher_id IS NOT NULL
            """).ToList();

        var first = clicks.Where(k => k.VisitorId is not null)
            .GroupBy(k => (k.VisitorId, k.LinkId ?? "", k.At / Cubes.Day)).Select(g => g.Min(k => k.Seq)).ToHashSet();
        var facts = new List<(long At, string[] Key, long[] M)>();
        foreach (var k in clicks)
        {
            var m = new long[Measure.Count];
            m[Measure.Clicks] = 1;
            m[Measure.UniqueClicks] = k.VisitorId is null || first.Contains(k.Seq) ? 1 : 0;
            m[Measure.InvalidClicks] = k.InvalidReason is null ? 0 : 1;
            facts.Add((k.At, [k.ProgramId, k.PublisherId, k.LinkId ?? "", k.Sub1 ?? "", k.Sub2 ?? "", k.Sub3 ?? "", k.Sub4 ?? "", k.Sub5 ?? "",
                k.Country ?? "", k.Device ?? "", k.TrafficSource ?? "", ""], m));
        }
        foreach (var o in orders)
        {
            var m = new long[Measure.Count];
            m[Measure.Orders] = 1;
            m[Measure.OrdersApproved] = o.Status is "confirmed" or "payable" or "paid" ? 1 : 0;
            m[Measure.OrdersDeclined] = o.Status == "declined" ? 1 : 0;
            m[Measure.Sales] = o.SalesMinor;
            m[o.Status switch { "pending" => Measure.Pending, "confirmed" => Measure.Confirmed, "payable" => Measure.Payable, "paid" => Measure.Paid, _ => Measure.Declined }] +=
                o.Status == "declined" ? 0 : o.CommissionMinor;
            m[Measure.Declined] += o.DeclinedMinor;
            facts.Add((o.At, [o.ProgramId, o.PublisherId, o.LinkId ?? "", o.Sub1 ?? "", o.Sub2 ?? "", o.Sub3 ?? "", o.Sub4 ?? "", o.Sub5 ?? "",
                o.Country ?? "", o.Device ?? "", o.TrafficType ?? "", o.PayoutCurrency], m));
        }

        return [.. Cubes.All.Select(cube => facts
            .Where(f => !cube.OnlyWithSubs || f.Key[4..8].Any(sub => sub.Length > 0))
            .GroupBy(f => (Bucket: (f.At + cube.Grain.Offset) / cube.Grain.Size, Key: string.Join('|', cube.Dims.Select(d => f.Key[(int)d]))))
            .Select(g => (g.Key, M: Enumerable.Range(0, Measure.Count).Select(i => g.Sum(f => f.M[i])).ToArray()))
            .Where(g => g.M.Any(v => v != 0))
            .Select(g => new Row(g.Key.Bucket, g.Key.Key, string.Join(',', g.M)))
            .OrderBy(r => r.Bucket).ThenBy(r => r.Key, StringComparer.Ordinal).ToList())];
    }

    /// <summary>What a rollup table holds, in the same form.</summary>
    public static List<Row> Table(Store store, Cube cube)
    {
        // The tables themselves are read here: what waits in SQLite's journals (clicks, other changes) is folded into them first.
        LastClick.Reports.RollupJournal.Catch(store);
        using var c = store.Open();
        var rows = new List<Row>();
        using var reader = c.ExecuteReader($"SELECT bucket, {string.Join(", ", cube.Dims.Select(Cube.Column))}, {string.Join(", ", Measure.Columns)} FROM {cube.Table}");
        while (reader.Read())
        {
            var m = Enumerable.Range(0, Measure.Count).Select(i => reader.GetInt64(1 + cube.Dims.Count + i)).ToArray();
            if (m.All(v => v == 0)) continue;
            rows.Add(new Row(reader.GetInt64(0), string.Join('|', Enumerable.Range(0, cube.Dims.Count).Select(i => reader.GetString(1 + i))), string.Join(',', m)));
        }
        return [.. rows.OrderBy(r => r.Bucket).ThenBy(r => r.Key, StringComparer.Ordinal)];
    }
}
