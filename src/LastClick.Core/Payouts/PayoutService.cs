using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Orders;
using LastClick.Programs;

namespace LastClick.Payouts;

public sealed record PayoutRunLine(string RunId, DateTimeOffset RunAt, string PublisherId, string Currency, string Amount, string Status, string? Reason);

/// <summary>A weekly payout run (D2): payable balances at or above the threshold move to paid, in one transaction.</summary>
public sealed class PayoutService(Store store, ProgramCatalog programs, OrderService orders, TimeProvider clock)
{
    public static string RunId(string programId, DateTimeOffset at) => $"{programId}-{at.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";

    /// <summary>Runs the program's payout at <paramref name="at"/>. Running the same run again changes nothing.</summary>
    public IReadOnlyList<PayoutRunLine> Run(string programId, DateTimeOffset at)
    {
        var program = programs.Get(programId);
        var runId = RunId(programId, at);
        orders.Advance();
        using var c = store.Open();
        using var tx = c.BeginTransaction();
        var exists = c.ExecuteScalar<long>("SELECT COUNT(*) FROM payout_runs WHERE id = @runId", new { runId }, tx) > 0;
        if (!exists)
        {
            var balances = c.Query<(string PublisherId, string Currency, long Minor, bool Complete)>("""
                SELECT t.publisher_id, t.currency,
                       CAST(SUM(CASE WHEN t.to_account = 'payable' THEN t.amount_minor ELSE -t.amount_minor END) AS BIGINT) AS minor,
                       p.payout_details_complete
                FROM ledger_transfers t JOIN publishers p ON p.id = t.publisher_id
                WHERE t.program_id = @programId AND (t.to_account = 'payable' OR t.from_account = 'payable')
                GROUP BY t.publisher_id, t.currency, p.payout_details_complete
                """, new { programId }, tx)
                .Select(b =>
                {
                    var currency = Currency.Of(b.Currency);
                    return new PayableBalance(b.PublisherId, currency, currency.FromMinor(b.Minor), b.Complete);
                });
            var plan = PayoutPlanner.Plan(balances, program);
            var now = clock.GetUtcNow();
            c.Execute("INSERT INTO payout_runs (id, program_id, at) VALUES (@runId, @programId, @at)", new { runId, programId, at = Times.ToMicros(at) }, tx);
            foreach (var line in plan)
            {
                if (line.Decision == PayoutDecision.Paid)
                {
                    OrderService.PostTransfers(c, tx, programId, line.PublisherId, line.Currency, null, runId,
                        [new Transfer(EntryKinds.Payout, Account.Payable, Account.Paid, line.Amount)], now);
                    OrderService.MarkPaidOut(c, tx, programId, line.PublisherId, line.Currency.Code, now);
                }
                c.Execute("""
                    INSERT INTO payouts (run_id, publisher_id, currency, amount_minor, status, reason)
                    VALUES (@runId, @PublisherId, @currency, @amount, @Status, @Reason)
                    """, new { runId, line.PublisherId, currency = line.Currency.Code, amount = line.Currency.ToMinor(line.Amount), line.Status, line.Reason }, tx);
            }
        }
        var result = Lines(c, tx, runId, at);
        tx.Commit();
        return result;
    }

    /// <summary>The lines of a run that took place, or none.</summary>
    public IReadOnlyList<PayoutRunLine> Find(string programId, DateTimeOffset at)
    {
        using var c = store.Open();
        using var tx = c.BeginTransaction();
        return Lines(c, tx, RunId(programId, at), at);
    }

    private static List<PayoutRunLine> Lines(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, string runId, DateTimeOffset at) =>
        c.Query<(string PublisherId, string Currency, long Minor, string Status, string? Reason)>(
            "SELECT publisher_id, currency, amount_minor, status, reason FROM payouts WHERE run_id = @runId ORDER BY publisher_id, currency", new { runId }, tx)
            .Select(p =>
            {
                var currency = Currency.Of(p.Currency);
                return new PayoutRunLine(runId, at, p.PublisherId, p.Currency, currency.Format(currency.FromMinor(p.Minor)), p.Status, p.Reason);
            }).ToList();
}
