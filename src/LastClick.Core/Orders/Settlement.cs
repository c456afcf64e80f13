using LastClick.Commissions;
using LastClick.Common;
using LastClick.Ledger;
using LastClick.Lifecycle;
using LastClick.Programs;

namespace LastClick.Orders;

/// <summary>
/// What settling an order reads: the order, who it is credited to (or why nobody is), each line's decided rate,
/// the payout currency it was booked in and where its commission sits in the ledger now.
/// </summary>
public sealed record OrderState(
    Order Order, string? PublisherId, string? AttributionReason, Currency Payout, IReadOnlyList<LineRate> Rates, OrderPosition Position)
{
    public bool Credited => PublisherId is not null;
}

/// <summary>A line's share of the settled order: why it pays nothing (if so), its commission (payout currency), what was refunded of it (order currency).</summary>
public readonly record struct LineSettlement(string? Reason, decimal Commission, decimal Refunded);

/// <summary>
/// The decision for an order as its facts now stand (C1, C2, B12, D1): status, the reason it pays nothing, the
/// commission and what a declined order forfeited, sales, the cap, each line's share, where the commission sits
/// in the ledger afterwards, and the transfers that bring the books there. A value: one writer stores it.
/// </summary>
public sealed record Settlement(
    OrderStatus Status, string? DeclineReason, decimal FxRate, decimal Sales, decimal Commission, decimal Declined,
    TraceStep? CapStep, OrderPosition Position, IReadOnlyList<LineSettlement> Lines, IReadOnlyList<Transfer> Transfers)
{
    public bool Capped => CapStep is not null;

    /// <summary>Whether <paramref name="other"/> settles the order the same way (transfers aside): nothing but the facts would be written.</summary>
    public bool SameOutcome(Settlement other) =>
        Status == other.Status && DeclineReason == other.DeclineReason && FxRate == other.FxRate && Sales == other.Sales
        && Commission == other.Commission && Declined == other.Declined && Equals(CapStep, other.CapStep) && Position == other.Position
        && Lines.SequenceEqual(other.Lines);
}

/// <summary>Settles an order (product.md B12, C1–C2, D1). Pure: state, facts, program and time in; a <see cref="Settlement"/> out.</summary>
public static class Settlements
{
    public static Settlement Decide(OrderState state, OrderFacts facts, ProgramDefinition program, DateTimeOffset now)
    {
        var order = state.Order;
        var declined = OrderLifecycle.DeclineReason(facts);
        var status = OrderLifecycle.Status(facts, now, program.Hold, state.Position.PaidOut);
        var commission = Commission.Total(order, state.Rates, program, facts.LineRefunds, declined);
        var payout = state.Payout;
        var amount = state.Credited ? commission.Total : 0m;

        IReadOnlyList<Transfer> transfers = [];
        var position = state.Position;
        if (state.Credited) (transfers, position) = LedgerRules.Reconcile(state.Position, status, amount, OrderLifecycle.Fraudulent(facts));

        var netSales = 0m;
        var lines = new LineSettlement[order.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = commission.Lines[i];
            netSales += line.Base;
            lines[i] = new LineSettlement(state.Credited ? line.Reason : state.AttributionReason, state.Credited ? line.Amount : 0m,
                order.Lines[i].Amount - line.Base);
        }
        return new Settlement(
            status, declined, commission.FxRate,
            Sales: declined is null ? payout.Round(netSales * commission.FxRate) : 0m,
            Commission: amount,
            // What a declined order would have earned (before refunds), reported as declined commission.
            Declined: declined is not null && state.Credited ? Commission.Total(order, state.Rates, program).Total : 0m,
            commission.CapStep, position, lines, transfers);
    }
}
