using LastClick.Lifecycle;

namespace LastClick.Ledger;

/// <summary>
/// The accounts of one publisher in one currency, and the program's commission expense that funds them.
/// Every transaction moves money between two of them, so the sum over all accounts is always zero (D1).
/// </summary>
public enum Account { Program, Pending, Confirmed, Payable, Paid }

public static class EntryKinds
{
    public const string Commission = "commission";
    public const string Confirmation = "confirmation";
    public const string Release = "release";
    public const string StatusChange = "status_change";
    public const string Adjustment = "adjustment";
    public const string Reversal = "reversal";
    public const string Payout = "payout";
    public const string RefundAdjustment = "refund_adjustment";
    public const string AntispamDeduction = "antispam_deduction";
    public const string FxConversion = "fx_conversion";
    public const string PayoutReturn = "payout_return";
    public const string ManualAdjustment = "manual_adjustment";
}

/// <summary>A two-line double-entry transaction: <see cref="Amount"/> onto <see cref="To"/>, taken from <see cref="From"/>.</summary>
public sealed record Transfer(string Kind, Account From, Account To, decimal Amount);

/// <summary>Where an order's commission sits in the ledger now.</summary>
/// <param name="Held">The bucket holding it before payout, and how much.</param>
/// <param name="Settled">After a payout: what was paid for it, net of later deductions.</param>
public sealed record OrderPosition(Account? Held, decimal HeldAmount, bool PaidOut, decimal Settled)
{
    public static readonly OrderPosition Empty = new(null, 0m, false, 0m);
}

/// <summary>Turns an order's new (status, amount) into ledger transfers. Pure: entries are never edited, only added.</summary>
public static class LedgerRules
{
    public static Account? BucketOf(OrderStatus status) => status switch
    {
        OrderStatus.Pending => Account.Pending,
        OrderStatus.Confirmed => Account.Confirmed,
        OrderStatus.Payable => Account.Payable,
        _ => null,
    };

    /// <summary>
    /// The transfers that bring the ledger from <paramref name="position"/> to an order in <paramref name="status"/>
    /// earning <paramref name="amount"/>. Before payout the commission moves between buckets and is adjusted or
    /// reversed against the program; after payout any change is a deduction from the payable balance (C2), which
    /// may go negative and is recovered from later payouts.
    /// </summary>
    public static (IReadOnlyList<Transfer> Transfers, OrderPosition Position) Reconcile(
        OrderPosition position, OrderStatus status, decimal amount, bool fraud)
    {
        var transfers = new List<Transfer>();
        if (position.PaidOut)
        {
            var target = status == OrderStatus.Declined ? 0m : amount;
            var delta = target - position.Settled;
            if (delta != 0m)
            {
                var kind = delta > 0m ? EntryKinds.Adjustment : fraud ? EntryKinds.AntispamDeduction : EntryKinds.RefundAdjustment;
                transfers.Add(Move(kind, Account.Program, Account.Payable, delta));
            }
            return (transfers, position with { Settled = target });
        }

        var bucket = BucketOf(status);
        var held = position.Held is { } h && position.HeldAmount != 0m ? h : (Account?)null;
        if (bucket is null)
        {
            if (held is { } from) transfers.Add(new Transfer(EntryKinds.Reversal, from, Account.Program, position.HeldAmount));
            return (transfers, position with { Held = null, HeldAmount = 0m });
        }

        var to = bucket.Value;
        if (held is { } source && source != to)
        {
            var kind = to switch
            {
                Account.Confirmed => EntryKinds.Confirmation,
                Account.Payable => EntryKinds.Release,
                _ => EntryKinds.StatusChange,
            };
            transfers.Add(new Transfer(kind, source, to, position.HeldAmount));
        }
        var change = amount - (held is null ? 0m : position.HeldAmount);
        if (change != 0m)
        {
            transfers.Add(Move(held is null ? EntryKinds.Commission : EntryKinds.Adjustment, Account.Program, to, change));
        }
        return (transfers, position with { Held = amount == 0m ? null : to, HeldAmount = amount });
    }

    /// <summary>A positive amount onto <paramref name="to"/>; a negative one is written as the opposite transfer.</summary>
    private static Transfer Move(string kind, Account from, Account to, decimal amount) =>
        amount >= 0m ? new Transfer(kind, from, to, amount) : new Transfer(kind, to, from, -amount);
}
