using LastClick.Commissions;

namespace LastClick.Lifecycle;

public enum OrderStatus { Pending, Confirmed, Payable, Paid, Declined }

public enum EventType { Paid, GoodsReceived, AutoConfirmed, Cancelled, Refunded, Fraud }

/// <summary>An event from the marketplace. A refund names a line and an amount, or neither for the whole order.</summary>
public sealed record OrderEvent(string Id, string OrderId, EventType Type, DateTimeOffset At, string? LineId = null, decimal? Amount = null);

/// <summary>
/// What the events of an order established. It is a fold over the set of events, and every field is
/// order-independent (a first time, a sum, a flag), so events arriving out of order end in the same facts (C3).
/// <paramref name="Finding"/> is the platform's own fact: a confirmed fraud finding (E4, A6) that declines the order.
/// </summary>
public sealed record OrderFacts(
    DateTimeOffset? PaidAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? CancelledAt, DateTimeOffset? FraudAt,
    bool FullyRefunded, IReadOnlyDictionary<string, decimal> LineRefunds, FindingFact? Finding = null)
{
    public static readonly OrderFacts None = new(null, null, null, null, false, new Dictionary<string, decimal>());
}

/// <summary>A confirmed fraud finding behind an order: which, when, and the reason code it declines the order with.</summary>
public sealed record FindingFact(long Id, string Reason, DateTimeOffset At);

/// <summary>The order lifecycle (product.md C1–C3). Pure.</summary>
public static class OrderLifecycle
{
    public static OrderFacts Apply(OrderFacts facts, OrderEvent e, Order order) => e.Type switch
    {
        EventType.Paid => facts with { PaidAt = Earliest(facts.PaidAt, e.At) },
        EventType.GoodsReceived or EventType.AutoConfirmed => facts with { ConfirmedAt = Earliest(facts.ConfirmedAt, e.At) },
        EventType.Cancelled => facts with { CancelledAt = Earliest(facts.CancelledAt, e.At) },
        EventType.Fraud => facts with { FraudAt = Earliest(facts.FraudAt, e.At) },
        EventType.Refunded when e.LineId is null => facts with { FullyRefunded = true },
        EventType.Refunded => WithLineRefund(facts, e, order),
        _ => facts,
    };

    public static OrderFacts Fold(IEnumerable<OrderEvent> events, Order order) => events.Aggregate(OrderFacts.None, (f, e) => Apply(f, e, order));

    private static OrderFacts WithLineRefund(OrderFacts facts, OrderEvent e, Order order)
    {
        var line = order.Lines.First(l => l.Id == e.LineId);
        var refunds = new Dictionary<string, decimal>(facts.LineRefunds);
        refunds[line.Id] = Math.Min(line.Amount, (refunds.TryGetValue(line.Id, out var r) ? r : 0m) + (e.Amount ?? line.Amount));
        var all = order.Lines.All(l => refunds.TryGetValue(l.Id, out var x) && x >= l.Amount);
        return facts with { LineRefunds = refunds, FullyRefunded = facts.FullyRefunded || all };
    }

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Whether the order was found fraudulent: after payout its loss is an antispam deduction (C2), not a refund adjustment.</summary>
    public static bool Fraudulent(OrderFacts facts) => facts.FraudAt is not null || facts.Finding is not null;

    /// <summary>Why the order pays nothing at all, if it does not: the marketplace's fraud, a confirmed finding, then cancellation, then a full refund.</summary>
    public static string? DeclineReason(OrderFacts facts) =>
        facts.FraudAt is not null ? Commission.Reasons.Fraud
        : facts.Finding is { } finding ? finding.Reason
        : facts.CancelledAt is not null ? Commission.Reasons.Cancelled
        : facts.FullyRefunded ? Commission.Reasons.Refunded
        : null;

    /// <summary>
    /// C1: an order reported by the marketplace is a paid order, so it starts pending; confirmation makes it
    /// confirmed, and payable once the program's hold has passed (no hold: at once); declined when cancelled,
    /// fully refunded or found fraudulent. An order already paid out stays paid unless declined.
    /// </summary>
    public static OrderStatus Status(OrderFacts facts, DateTimeOffset now, TimeSpan hold, bool paidOut)
    {
        if (DeclineReason(facts) is not null) return OrderStatus.Declined;
        if (paidOut) return OrderStatus.Paid;
        if (facts.ConfirmedAt is { } confirmed) return confirmed + hold <= now ? OrderStatus.Payable : OrderStatus.Confirmed;
        return OrderStatus.Pending;
    }

    /// <summary>C4: approved / decided, where approved is confirmed, payable or paid and decided adds declined.</summary>
    public static decimal? ApprovalRate(int approved, int declined) =>
        approved + declined == 0 ? null : Math.Round((decimal)approved / (approved + declined), 4, MidpointRounding.AwayFromZero);
}
