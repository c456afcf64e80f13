using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Orders;

/// <summary>
/// What an order adds to the rollups, by its state: one order (approved or declined by status), its net sales and its
/// commission in the column of its status (the would-be commission for a declined one), at the order's time, under
/// the report key of its attributed click. A change writes the difference between the order before and after, so
/// one function serves the insert, every event, the hold's end and the payout run. An order no publisher is credited
/// with is in no publisher's report.
/// </summary>
internal static class OrderRollup
{
    public static long[]? Snapshot(OrderRow row)
    {
        if (row.PublisherId is null) return null;
        var m = new long[Measure.Count];
        m[Measure.Orders] = 1;
        switch (row.Status)
        {
            case "pending": m[Measure.Pending] = row.CommissionMinor; break;
            case "confirmed": m[Measure.Confirmed] = row.CommissionMinor; m[Measure.OrdersApproved] = 1; break;
            case "payable": m[Measure.Payable] = row.CommissionMinor; m[Measure.OrdersApproved] = 1; break;
            case "paid": m[Measure.Paid] = row.CommissionMinor; m[Measure.OrdersApproved] = 1; break;
            case "declined": m[Measure.OrdersDeclined] = 1; break;
            default: throw new InvalidOperationException($"order '{row.Id}' has an unknown status '{row.Status}'");
        }
        m[Measure.Sales] = row.SalesMinor;
        m[Measure.Declined] = row.DeclinedMinor;
        return m;
    }

    public static void Add(RollupBatch batch, OrderRow row, int sign)
    {
        if (Snapshot(row) is { } measures) batch.Add(row.At, Key(row), measures, sign);
    }

    /// <summary>Writes what changed between <paramref name="before"/> (null: the order is new) and the row as it is now.</summary>
    public static void Write(DbSession s, long[]? before, OrderRow row)
    {
        if (Snapshot(row) is not { } after) return;
        // B13's monthly turnover moves with the order's approved sales (a confirmation, a refund, a decline).
        Turnover.Add(s, Turnover.Of(row.PublisherId!, row.ProgramId, row.At), Turnover.Contribution(after) - Turnover.Contribution(before));
        if (s.RollupsAtEnd) return;
        if (before is not null)
        {
            for (var i = 0; i < after.Length; i++) after[i] -= before[i];
            if (after.All(m => m == 0)) return;
        }
        var batch = new RollupBatch();
        batch.Add(row.At, Key(row), after);
        RollupWriter.Write(s, batch);
    }

    /// <summary>The order and its lines as quality (H3) counts them.</summary>
    public static IReadOnlyList<QualityRollup.Part> Quality(DbSession s, OrderRow row, IReadOnlyList<LineRow> lines) =>
        s.RollupsAtEnd ? [] : Quality(row, lines);

    public static IReadOnlyList<QualityRollup.Part> Quality(OrderRow row, IReadOnlyList<LineRow> lines) =>
        row.PublisherId is null ? [] : QualityRollup.Of(new QualityOrder(row.PublisherId, row.ProgramId, row.At, row.Status, row.Currency, row.PayoutCurrency,
            decimal.Parse(row.FxRate, System.Globalization.CultureInfo.InvariantCulture), row.DeliveryCountry, row.FullyRefunded, row.FraudAt, row.ConfirmedAt,
            [.. lines.Select(l => new QualityLine(l.Category, l.Store, l.PriceMinor, l.Quantity, l.RefundedMinor, l.CommissionMinor,
                decimal.Parse(l.Rate, System.Globalization.CultureInfo.InvariantCulture)))], row.FindingId, row.PaidOut));

    /// <summary>
    /// Sums every credited order into the (empty) quality tables, in the transaction of the migration that makes them, so
    /// an upgraded store's quality starts from its whole history: the orders and lines read as every change reads them, a
    /// thousand orders at a time in id order, through <see cref="Quality"/>.
    /// </summary>
    internal static void BackfillQuality(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction) =>
        SumQuality(connection, transaction).Write((sql, row) => Dapper.SqlMapper.Execute(connection, sql, row, transaction));

    /// <summary>Every credited order summed as quality counts it (<see cref="BackfillQuality"/>), not written yet.</summary>
    internal static QualityRollup.Sums SumQuality(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction)
    {
        var sums = new QualityRollup.Sums();
        var after = "";
        while (true)
        {
            var orders = Dapper.SqlMapper.Query<OrderRow>(connection,
                $"SELECT {OrderService.StateColumns} FROM orders WHERE publisher_id IS NOT NULL AND id > @after ORDER BY id LIMIT 1000", new { after }, transaction).ToList();
            if (orders.Count == 0) break;
            var own = LineRow.ByOrder(Dapper.SqlMapper.Query<LineRow>(connection,
                $"SELECT {OrderService.LineStateColumns} FROM order_lines WHERE order_id > @after AND order_id <= @last ORDER BY order_id, line_no",
                new { after, last = orders[^1].Id }, transaction));
            foreach (var order in orders)
            {
                foreach (var part in Quality(order, own.TryGetValue(order.Id, out var list) ? list : [])) sums.Add(part, +1);
            }
            after = orders[^1].Id;
        }
        return sums;
    }

    private static string[] Key(OrderRow row) =>
        RollupBatch.Key(row.ProgramId, row.PublisherId!, row.LinkId, row.Sub1, row.Sub2, row.Sub3, row.Sub4, row.Sub5,
            row.ClickCountry, row.Device, row.TrafficType, row.PayoutCurrency);
}
