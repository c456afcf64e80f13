using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Lifecycle;

namespace LastClick.Ledger;

/// <summary>A publisher's balances in one currency. <see cref="Balance"/> is everything earned and not yet paid out.</summary>
public sealed record BalanceView(string Publisher, string Currency, decimal Pending, decimal Confirmed, decimal Payable, decimal Paid)
{
    public decimal Balance => Pending + Confirmed + Payable;
}

public sealed record TransferView(
    long Id, string Program, string Publisher, string? Order, string? PayoutRun, string Kind, string From, string To,
    string Currency, decimal Amount, DateTimeOffset At);

public sealed record ApprovalView(string Program, string? Publisher, int Approved, int Declined, decimal? Rate);

/// <summary>Reads the ledger. Balances are sums of the immutable transfers, never stored separately (D1).</summary>
public sealed class LedgerQueries(Store store)
{
    public IReadOnlyList<BalanceView> Balances(string? publisherId = null) => store.Read(s => Balances(s, publisherId));

    public static IReadOnlyList<BalanceView> Balances(DbSession s, string? publisherId = null)
    {
        var sums = s.Connection.Query<(string Publisher, string Currency, string Account, long Minor)>(
            publisherId is null ? AllBalancesSql : BalanceSql, new { publisherId }, s.Transaction);
        return sums.GroupBy(s => (s.Publisher, s.Currency))
            .Select(g =>
            {
                var currency = Currency.Of(g.Key.Currency);
                decimal Sum(string account) => currency.FromMinor(g.Where(x => x.Account == account).Sum(x => x.Minor));
                return new BalanceView(g.Key.Publisher, g.Key.Currency, Sum("pending"), Sum("confirmed"), Sum("payable"), Sum("paid"));
            })
            .OrderBy(b => b.Publisher, StringComparer.Ordinal).ThenBy(b => b.Currency, StringComparer.Ordinal)
            .ToList();
    }

    // One publisher's balance and history read that publisher's transfers through its index, in each branch of the
    // union. ("@publisherId IS NULL OR publisher_id = @publisherId" served both cases with one statement, which no
    // index serves: SQLite scanned the table twice for one balance page, PostgreSQL's generic plan alike.)
    private static string Postings(string where) => $"""
        SELECT publisher_id, currency, account, CAST(SUM(amount) AS BIGINT) AS minor FROM (
            SELECT publisher_id, currency, to_account AS account, amount_minor AS amount FROM ledger_transfers {where}
            UNION ALL
            SELECT publisher_id, currency, from_account, -amount_minor FROM ledger_transfers {where}
        ) AS postings
        WHERE account <> 'program'
        GROUP BY publisher_id, currency, account
        """;

    internal static readonly string BalanceSql = Postings("WHERE publisher_id = @publisherId");
    private static readonly string AllBalancesSql = Postings("");

    private static string TransfersOf(string where) => $"""
        SELECT id, program_id, publisher_id, order_id, payout_run_id, kind, from_account, to_account, currency, amount_minor, at
        FROM ledger_transfers {where} ORDER BY id
        LIMIT @limit OFFSET @offset
        """;

    internal static readonly string TransfersSql = TransfersOf("WHERE publisher_id = @publisherId");
    private static readonly string AllTransfersSql = TransfersOf("");

    public IReadOnlyList<TransferView> Transfers(string? publisherId = null) => store.Read(s => Transfers(s, publisherId));

    /// <summary>A page of a publisher's transfers, oldest first (the API's balance history).</summary>
    public IReadOnlyList<TransferView> Transfers(string publisherId, int limit, int offset) => store.Read(s => Transfers(s, publisherId, limit, offset));

    public static IReadOnlyList<TransferView> Transfers(DbSession s, string? publisherId = null, int limit = int.MaxValue, int offset = 0) =>
        s.Connection.Query<(long Id, string Program, string Publisher, string? Order, string? Run, string Kind, string From, string To, string Currency, long Minor, long At)>(
            publisherId is null ? AllTransfersSql : TransfersSql, new { publisherId, limit = (long)limit, offset = (long)offset }, s.Transaction)
            .Select(t => new TransferView(t.Id, t.Program, t.Publisher, t.Order, t.Run, t.Kind, t.From, t.To, t.Currency,
                Currency.Of(t.Currency).FromMinor(t.Minor), Times.FromMicros(t.At)))
            .ToList();

    /// <summary>C4: approval rate per publisher of a program, and for the whole program (publisher null).</summary>
    public IReadOnlyList<ApprovalView> ApprovalRates(string programId) => store.Read(s => ApprovalRates(s, programId));

    public static IReadOnlyList<ApprovalView> ApprovalRates(DbSession s, string programId)
    {
        var rows = s.Connection.Query<(string Publisher, long Approved, long Declined)>("""
            SELECT publisher_id,
                   CAST(SUM(CASE WHEN status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT) AS approved,
                   CAST(SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS BIGINT) AS declined
            FROM orders WHERE program_id = @programId AND publisher_id IS NOT NULL
            GROUP BY publisher_id ORDER BY publisher_id
            """, new { programId }, s.Transaction).ToList();
        var views = rows.Select(r => new ApprovalView(programId, r.Publisher, (int)r.Approved, (int)r.Declined,
            OrderLifecycle.ApprovalRate((int)r.Approved, (int)r.Declined))).ToList();
        var approved = rows.Sum(r => (int)r.Approved);
        var declined = rows.Sum(r => (int)r.Declined);
        views.Add(new ApprovalView(programId, null, approved, declined, OrderLifecycle.ApprovalRate(approved, declined)));
        return views;
    }
}
