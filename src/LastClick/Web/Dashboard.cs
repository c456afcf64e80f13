using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Web;

/// <summary>Per-day figures for a chart: clicks, orders, and commission by status in one payout currency.</summary>
public sealed record Series(
    IReadOnlyList<string> Days, IReadOnlyList<long> Clicks, IReadOnlyList<long> Orders, string? Currency, IReadOnlyList<string> Currencies,
    IReadOnlyDictionary<string, IReadOnlyList<decimal>> Commission, IReadOnlyDictionary<string, decimal> Totals, string TimeZone);

/// <summary>A commission as the lists show it (the order, its status and reason, what it earns, the click's sub1).</summary>
public sealed record CommissionRow(
    string OrderId, DateTimeOffset At, string Program, string? Publisher, string Status, string? Reason, string Currency, decimal Sales, decimal Commission,
    string? ClickId, string? Sub1, string? Country, DateTimeOffset? FraudAt, string SaleCurrency = "");

public sealed record InvalidClicks(string Publisher, string Reason, long Clicks);

/// <summary>
/// The dashboard's read queries: figures over time and by link from the reports (rollups); lists of orders from the
/// orders themselves; invalid clicks of the last days through their own partial index (no raw click is sent to a page).
/// </summary>
public static class Dashboard
{
    /// <summary>
    /// The programs a publisher may make links and feeds for: those with an approved application, or every program for a
    /// publisher that never applied (made by the operator's API or a replay).
    /// </summary>
    public static IReadOnlyList<Programs.ProgramDefinition> MemberPrograms(Platform platform, string publisherId)
    {
        var applications = platform.Applications.For(publisherId);
        return [.. platform.Programs.All
            .Where(p => applications.Count == 0 || applications.Any(a => a.ProgramId == p.Id && a.Status == Publishers.ApplicationStatus.Approved))
            .OrderBy(p => p.Id, StringComparer.Ordinal)];
    }

    public static readonly IReadOnlyList<string> Statuses = ["pending", "confirmed", "payable", "paid", "declined"];

    /// <summary>
    /// The last <paramref name="days"/> days to now in <paramref name="zone"/> (the publisher's; UTC for the operator's
    /// views), for one publisher (or all) and one program (or all), from the day report (rollups; a click at 23:30 UTC
    /// is on the next day in Berlin).
    /// </summary>
    public static Series Daily(Store store, DateTimeOffset now, int days, string? publisherId, string? programId, string? currency, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        var today = Reports.Reports.Today(now, zone);
        var filters = new Dictionary<Dimension, string>();
        if (publisherId is not null) filters[Dimension.Publisher] = publisherId;
        if (programId is not null) filters[Dimension.Program] = programId;
        var report = Reports.Reports.Run(store, new ReportQuery("day", today.AddDays(-(days - 1)), today, zone, filters,
            currency is { Length: 3 } ? currency : null, "day", days, 0));
        if (currency is not null && !report.Currencies.Contains(currency) && report.Currencies.Count > 0)
        {
            // A currency none of the orders pays in: show the main one instead.
            report = Reports.Reports.Run(store, new ReportQuery("day", today.AddDays(-(days - 1)), today, zone, filters, null, "day", days, 0));
        }
        var rows = report.Rows;
        var commission = new Dictionary<string, IReadOnlyList<decimal>>
        {
            ["pending"] = [.. rows.Select(r => r.CommissionPending)], ["confirmed"] = [.. rows.Select(r => r.CommissionConfirmed)],
            ["payable"] = [.. rows.Select(r => r.CommissionPayable)], ["paid"] = [.. rows.Select(r => r.CommissionPaid)],
            ["declined"] = [.. rows.Select(r => r.CommissionDeclined)],
        };
        var totals = Statuses.ToDictionary(s => s, s => commission[s].Sum());
        totals["clicks"] = report.Totals.Clicks;
        totals["orders"] = report.Totals.Orders;
        return new Series([.. rows.Select(r => r.Key)], [.. rows.Select(r => r.Clicks)], [.. rows.Select(r => r.Orders)], report.Currency,
            report.Currencies, commission, totals, zone.Id);
    }

    /// <summary>
    /// Commissions newest first, for a publisher (or all), with filters (UTC instants from ≤ at &lt; to); each with its
    /// click's sub1 and country, and a reason whenever it pays nothing: the decline's or the attribution's, else its lines'
    /// most common one (as the API's order-level reason).
    /// </summary>
    public static IReadOnlyList<CommissionRow> Commissions(Store store, string? publisherId, string? programId, string? status, string? orderId, int limit, int offset,
        bool fraudOnly = false, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        store.Read(s => s.Connection.Query<Row>($"""
            SELECT o.id AS order_id, o.at, o.program_id, o.publisher_id, o.status,
                   COALESCE(o.decline_reason, o.attribution_reason, CASE WHEN o.commission_minor = 0 THEN (SELECT l.reason FROM order_lines l
                       WHERE l.order_id = o.id AND l.reason IS NOT NULL GROUP BY l.reason ORDER BY COUNT(*) DESC, MIN(l.line_no) LIMIT 1) END) AS reason,
                   o.payout_currency, o.currency AS order_currency, o.amount_minor, o.commission_minor, o.attributed_click_id AS click_id,
                   c.sub1, c.country, o.fraud_at
            FROM orders o LEFT JOIN clicks c ON c.id = o.attributed_click_id
            WHERE 1 = 1{(publisherId is null ? "" : " AND o.publisher_id = @publisherId")}{(programId is null ? "" : " AND o.program_id = @programId")}{(status is null ? "" : " AND o.status = @status")}{(orderId is null ? "" : " AND o.id = @orderId")}{(fraudOnly ? " AND o.fraud_at IS NOT NULL" : "")}{(from is null ? "" : " AND o.at >= @fromAt")}{(to is null ? "" : " AND o.at < @toAt")}
            ORDER BY {(fraudOnly ? "o.fraud_at" : "o.at")} DESC, o.id LIMIT @limit OFFSET @offset
            """, new { publisherId, programId, status, orderId, limit, offset, fromAt = from is { } f ? Times.ToMicros(f) : 0, toAt = to is { } t ? Times.ToMicros(t) : 0 }, s.Transaction)
        .Select(r => new CommissionRow(r.OrderId, Times.FromMicros(r.At), r.ProgramId, r.PublisherId, r.Status, r.Reason, r.PayoutCurrency,
            Currency.Of(r.OrderCurrency).FromMinor(r.AmountMinor), Currency.Of(r.PayoutCurrency).FromMinor(r.CommissionMinor), r.ClickId, r.Sub1, r.Country,
            r.FraudAt is { } f ? Times.FromMicros(f) : null, r.OrderCurrency)).ToList());

    /// <summary>Orders flagged as fraud, newest first.</summary>
    public static IReadOnlyList<CommissionRow> FraudOrders(Store store, int limit) => Commissions(store, null, null, null, null, limit, 0, fraudOnly: true);

    /// <summary>Invalid clicks of the last days by publisher and reason (bots, hosting networks, geo …), most first.</summary>
    public static IReadOnlyList<InvalidClicks> Invalid(Store store, DateTimeOffset now, int days) => store.Read(s => s.Connection.Query<(string Publisher, string Reason, long Clicks)>(
        "SELECT publisher_id, invalid_reason, COUNT(*) FROM clicks WHERE at >= @from AND invalid_reason IS NOT NULL GROUP BY publisher_id, invalid_reason ORDER BY COUNT(*) DESC LIMIT 200",
        new { from = Times.ToMicros(now.AddDays(-days)) }, s.Transaction).Select(r => new InvalidClicks(r.Publisher, r.Reason, r.Clicks)).ToList());

    /// <summary>Clicks per link of a publisher over the last days (code → clicks), or of one of its links (link report, rollups).</summary>
    public static IReadOnlyDictionary<string, long> ClicksByLink(Store store, string publisherId, DateTimeOffset now, int days, string? code = null)
    {
        var today = Reports.Reports.Today(now, TimeZoneInfo.Utc);
        var filters = new Dictionary<Dimension, string> { [Dimension.Publisher] = publisherId };
        if (code is not null) filters[Dimension.Link] = code;
        var report = Reports.Reports.Run(store, new ReportQuery("link", today.AddDays(-(days - 1)), today, TimeZoneInfo.Utc, filters, null, "link", int.MaxValue, 0));
        return report.Rows.Where(r => r.Key.Length > 0).ToDictionary(r => r.Key, r => r.Clicks, StringComparer.Ordinal);
    }

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
