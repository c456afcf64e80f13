using Dapper;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Web;

/// <summary>Per-day figures for a chart: clicks, orders, and commission by status in one payout currency.</summary>
public sealed record Series(
    IReadOnlyList<string> Days, IReadOnlyList<long> Clicks, IReadOnlyList<long> Orders, string? Currency, IReadOnlyList<string> Currencies,
    IReadOnlyDictionary<string, IReadOnlyList<decimal>> Commission, IReadOnlyDictionary<string, decimal> Totals, string TimeZone);

/// <summary>A commission as the lists show it (the order, its status and reason, what it earns, the click's sub1).</summary>
public sealed record CommissionRow(
    string OrderId, DateTimeOffset At, string Program, string? Publisher, string Status, string? Reason, string Currency, decimal Sales, decimal Commission,
    string? ClickId, string? Sub1, string? Country, DateTimeOffset? FraudAt);

public sealed record InvalidClicks(string Publisher, string Reason, long Clicks);

/// <summary>
/// The dashboard's read queries, over the facts themselves (bounded by date; no raw click is ever sent to a page).
/// Issue 5's rollups will replace the click counts here; until then the periods are short (at most 90 days).
/// </summary>
public static class Dashboard
{
    public static readonly IReadOnlyList<string> Statuses = ["pending", "confirmed", "payable", "paid", "declined"];

    /// <summary>Facts are counted in quarter hours, the grain of every time zone's offset, then placed on local days.</summary>
    public const long MicrosPerQuarterHour = 900_000_000;

    /// <summary>
    /// The last <paramref name="days"/> days to now in <paramref name="zone"/> (the publisher's; UTC for the operator's
    /// views), for one publisher (or all) and one program (or all). A click at 23:30 UTC is on the next day in Berlin.
    /// </summary>
    public static Series Daily(Store store, DateTimeOffset now, int days, string? publisherId, string? programId, string? currency, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var firstDay = today.AddDays(-(days - 1));
        var start = firstDay;
        while (zone.IsInvalidTime(start)) start = start.AddMinutes(15); // a zone that skips its midnight (a DST change)
        var from = Times.ToMicros(new DateTimeOffset(start, zone.GetUtcOffset(start)));
        var where = (publisherId is null ? "" : " AND publisher_id = @publisherId") + (programId is null ? "" : " AND program_id = @programId");
        var args = new { from, publisherId, programId };
        var (clicks, orders) = store.Read(s =>
        {
            var c = s.Connection.Query<(long Quarter, long Count)>(
                $"SELECT at / {MicrosPerQuarterHour} AS quarter, COUNT(*) FROM clicks WHERE at >= @from{where} GROUP BY at / {MicrosPerQuarterHour}", args, s.Transaction).ToList();
            var o = s.Connection.Query<(long Quarter, string Status, string Currency, long Count, long Minor)>(
                $"SELECT at / {MicrosPerQuarterHour} AS quarter, status, payout_currency, COUNT(*), CAST(SUM(commission_minor) AS BIGINT) FROM orders WHERE at >= @from AND publisher_id IS NOT NULL{where} GROUP BY at / {MicrosPerQuarterHour}, status, payout_currency",
                args, s.Transaction).ToList();
            return (c, o);
        });
        int Day(long quarter) => (int)(TimeZoneInfo.ConvertTime(Times.FromMicros(quarter * MicrosPerQuarterHour), zone).Date - firstDay).TotalDays;
        var currencies = orders.GroupBy(o => o.Currency).OrderByDescending(g => g.Sum(o => o.Count)).Select(g => g.Key).ToList();
        var chosen = currency is not null && currencies.Contains(currency) ? currency : currencies.FirstOrDefault();
        var clickCounts = new long[days];
        foreach (var (quarter, count) in clicks) if (Day(quarter) is var i && i >= 0 && i < days) clickCounts[i] += count;
        var orderCounts = new long[days];
        var commission = Statuses.ToDictionary(s => s, _ => new decimal[days]);
        foreach (var o in orders)
        {
            if (Day(o.Quarter) is not (var i and >= 0) || i >= days) continue;
            orderCounts[i] += o.Count;
            if (o.Currency == chosen && commission.TryGetValue(o.Status, out var values)) values[i] += Currency.Of(o.Currency).FromMinor(o.Minor);
        }
        var labels = Enumerable.Range(0, days).Select(i => firstDay.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var totals = Statuses.ToDictionary(s => s, s => commission[s].Sum());
        totals["clicks"] = clickCounts.Sum();
        totals["orders"] = orderCounts.Sum();
        return new Series(labels, clickCounts, orderCounts, chosen, currencies,
            commission.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<decimal>)kv.Value), totals, zone.Id);
    }

    /// <summary>Commissions newest first, for a publisher (or all), with filters; each with its click's sub1 and country.</summary>
    public static IReadOnlyList<CommissionRow> Commissions(Store store, string? publisherId, string? programId, string? status, string? orderId, int limit, int offset,
        bool fraudOnly = false) =>
        store.Read(s => s.Connection.Query<Row>($"""
            SELECT o.id AS order_id, o.at, o.program_id, o.publisher_id, o.status, COALESCE(o.decline_reason, o.attribution_reason) AS reason,
                   o.payout_currency, o.currency AS order_currency, o.amount_minor, o.commission_minor, o.attributed_click_id AS click_id,
                   c.sub1, c.country, o.fraud_at
            FROM orders o LEFT JOIN clicks c ON c.id = o.attributed_click_id
            WHERE 1 = 1{(publisherId is null ? "" : " AND o.publisher_id = @publisherId")}{(programId is null ? "" : " AND o.program_id = @programId")}{(status is null ? "" : " AND o.status = @status")}{(orderId is null ? "" : " AND o.id = @orderId")}{(fraudOnly ? " AND o.fraud_at IS NOT NULL" : "")}
            ORDER BY {(fraudOnly ? "o.fraud_at" : "o.at")} DESC, o.id LIMIT @limit OFFSET @offset
            """, new { publisherId, programId, status, orderId, limit, offset }, s.Transaction)
        .Select(r => new CommissionRow(r.OrderId, Times.FromMicros(r.At), r.ProgramId, r.PublisherId, r.Status, r.Reason, r.PayoutCurrency,
            Currency.Of(r.OrderCurrency).FromMinor(r.AmountMinor), Currency.Of(r.PayoutCurrency).FromMinor(r.CommissionMinor), r.ClickId, r.Sub1, r.Country,
            r.FraudAt is { } f ? Times.FromMicros(f) : null)).ToList());

    /// <summary>Orders flagged as fraud, newest first.</summary>
    public static IReadOnlyList<CommissionRow> FraudOrders(Store store, int limit) => Commissions(store, null, null, null, null, limit, 0, fraudOnly: true);

    /// <summary>Invalid clicks of the last days by publisher and reason (bots, hosting networks, geo …), most first.</summary>
    public static IReadOnlyList<InvalidClicks> Invalid(Store store, DateTimeOffset now, int days) => store.Read(s => s.Connection.Query<(string Publisher, string Reason, long Clicks)>(
        "SELECT publisher_id, invalid_reason, COUNT(*) FROM clicks WHERE at >= @from AND invalid_reason IS NOT NULL GROUP BY publisher_id, invalid_reason ORDER BY COUNT(*) DESC LIMIT 200",
        new { from = Times.ToMicros(now.AddDays(-days)) }, s.Transaction).Select(r => new InvalidClicks(r.Publisher, r.Reason, r.Clicks)).ToList());

    /// <summary>Clicks per link of a publisher over the last days (code → clicks), or of one of its links.</summary>
    public static IReadOnlyDictionary<string, long> ClicksByLink(Store store, string publisherId, DateTimeOffset now, int days, string? code = null) =>
        store.Read(s => s.Connection.Query<(string Code, long Clicks)>(
            $"SELECT link_id, COUNT(*) FROM clicks WHERE publisher_id = @publisherId AND at >= @from AND link_id {(code is null ? "IS NOT NULL" : "= @code")} GROUP BY link_id",
            new { publisherId, code, from = Times.ToMicros(now.AddDays(-days)) }, s.Transaction).ToDictionary(r => r.Code, r => r.Clicks, StringComparer.Ordinal));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string OrderId { get; set; } = "";
        public long At { get; set; }
        public string ProgramId { get; set; } = "";
        public string? PublisherId { get; set; }
        public string Status { get; set; } = "";
        public string? Reason { get; set; }
        public string PayoutCurrency { get; set; } = "";
        public string OrderCurrency { get; set; } = "";
        public long AmountMinor { get; set; }
        public long CommissionMinor { get; set; }
        public string? ClickId { get; set; }
        public string? Sub1 { get; set; }
        public string? Country { get; set; }
        public long? FraudAt { get; set; }
    }
#pragma warning restore CA1812
}

/// <summary>What the commission table partial shows: the rows, where each order opens, and whether to name the publisher.</summary>
public sealed record CommissionList(IReadOnlyList<CommissionRow> Rows, string DetailBase, bool ShowPublisher);
