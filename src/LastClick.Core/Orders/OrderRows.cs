namespace LastClick.Orders;

// Rows as stored; Dapper fills them by column name (snake_case → PascalCase).
#pragma warning disable CA1812 // instantiated by Dapper
internal sealed class OrderRow
{
    public string Id { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public string ProgramId { get; set; } = "";
    public string? VisitorId { get; set; }
    public string? ClickId { get; set; }
    public long At { get; set; }
    public string Currency { get; set; } = "";
    public string DeliveryCountry { get; set; } = "";
    public long AmountMinor { get; set; }
    public string? PublisherId { get; set; }
    public string? AttributedClickId { get; set; }
    public string? AttributionReason { get; set; }
    public string AttributionTrace { get; set; } = "[]";
    public string? TrafficType { get; set; }
    public string Status { get; set; } = "pending";
    public string? DeclineReason { get; set; }
    public string PayoutCurrency { get; set; } = "";
    public string FxRate { get; set; } = "1";
    public long SalesMinor { get; set; }
    public long CommissionMinor { get; set; }
    public bool Capped { get; set; }
    public string? CapTrace { get; set; }
    public string? HeldAccount { get; set; }
    public long HeldMinor { get; set; }
    public bool PaidOut { get; set; }
    public long SettledMinor { get; set; }
    public long? PaidAt { get; set; }
    public long? ConfirmedAt { get; set; }
    public long? CancelledAt { get; set; }
    public long? FraudAt { get; set; }
    public long? FindingId { get; set; }
    public string? FindingReason { get; set; }
    public long? FindingAt { get; set; }
    public bool FullyRefunded { get; set; }
    public long UpdatedAt { get; set; }
    public long DeclinedMinor { get; set; }
    public string? LinkId { get; set; }
    public string? Sub1 { get; set; }
    public string? Sub2 { get; set; }
    public string? Sub3 { get; set; }
    public string? Sub4 { get; set; }
    public string? Sub5 { get; set; }
    public string? ClickCountry { get; set; }
    public string? Device { get; set; }

    /// <summary>The winning click's time, where a read joins the click (not a column of orders).</summary>
    public long? ClickAt { get; set; }
}

internal sealed class LineRow
{
    /// <summary>
    /// Lines grouped by their order's id, each order's in the order read. Matched by id, not walked beside a list of
    /// orders: the store sorts ids by its collation, which need not be ordinal (PostgreSQL's is not).
    /// </summary>
    public static Dictionary<string, List<LineRow>> ByOrder(IEnumerable<LineRow> lines)
    {
        var byOrder = new Dictionary<string, List<LineRow>>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (!byOrder.TryGetValue(line.OrderId, out var own)) byOrder[line.OrderId] = own = [];
            own.Add(line);
        }
        return byOrder;
    }

    public string OrderId { get; set; } = "";
    public int LineNo { get; set; }
    public string LineId { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string Category { get; set; } = "";
    public string? Store { get; set; }
    public long PriceMinor { get; set; }
    public int Quantity { get; set; }
    public bool Affiliated { get; set; }
    public string? SellerRate { get; set; }
    public bool IsVirtual { get; set; }
    public string? Section { get; set; }
    public string? SellerOrigin { get; set; }
    public string Rate { get; set; } = "0";
    public string? RateReason { get; set; }
    public string Trace { get; set; } = "[]";
    public string? Reason { get; set; }
    public long RefundedMinor { get; set; }
    public long CommissionMinor { get; set; }
}

internal sealed class TouchRow
{
    public long Kind { get; set; }
    public string? TrafficType { get; set; }
    public string Id { get; set; } = "";
    public long Seq { get; set; }
    public long At { get; set; }
    public string? ProgramId { get; set; }
    public string? PublisherId { get; set; }
    public string? Channel { get; set; }
    public string? Country { get; set; }
    public bool Anonymizer { get; set; }
    public string? InvalidReason { get; set; }

    // A click's report key, which an order it wins keeps.
    public string? LinkId { get; set; }
    public string? Sub1 { get; set; }
    public string? Sub2 { get; set; }
    public string? Sub3 { get; set; }
    public string? Sub4 { get; set; }
    public string? Sub5 { get; set; }
    public string? Device { get; set; }

    // B13: the publisher's turnover in the click's program over the month before the order's (null: none stored).
    public long? TurnoverMinor { get; set; }
}
#pragma warning restore CA1812

internal sealed record TransferRow(
    string ProgramId, string PublisherId, string Currency, string? OrderId, string? PayoutRunId, string Kind, string From, string To, long Amount, long At);
