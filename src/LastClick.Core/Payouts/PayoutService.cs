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
    public IReadOnlyList<PayoutRunLine> Run(string programId, DateTimeOffset at) => store.InSession(s => Run(s, programId, at));

    public IReadOnlyList<PayoutRunLine> Run(DbSession s, string programId, DateTimeOffset at)
    {
        var program = programs.Get(programId);
        var runId = RunId(programId, at);
        orders.Advance(s);
        var exists = s.Scalar<long>("SELECT COUNT(*) FROM payout_runs WHERE id = @runId", new { runId }) > 0;
        if (!exists)
        {
            var complete = s.Query<PublisherDetails>("SELECT id, payout_details_complete AS complete FROM publishers")
                .ToDictionary(p => p.Id, p => p.Complete, StringComparer.Ordinal);
            var balances = s.Query<BalanceRow>("""
                SELECT publisher_id, currency, CAST(SUM(amount) AS BIGINT) AS minor FROM (
                    SELECT publisher_id, currency, amount_minor AS amount FROM ledger_transfers WHERE program_id = @programId AND to_account = 'payable'
                    UNION ALL
                    SELECT publisher_id, currency, -amount_minor FROM ledger_transfers WHERE program_id = @programId AND from_account = 'payable'
                ) AS payable
                GROUP BY publisher_id, currency
                """, new { programId })
                .Select(b =>
                {
                    var currency = Currency.Of(b.Currency);
                    return new PayableBalance(b.PublisherId, currency, currency.FromMinor(b.Minor), complete.GetValueOrDefault(b.PublisherId));
                });
            var plan = PayoutPlanner.Plan(balances, program);
            var now = clock.GetUtcNow();
            s.Execute("INSERT INTO payout_runs (id, program_id, at) VALUES (@runId, @programId, @at)", new { runId, programId, at = Times.ToMicros(at) });
            foreach (var line in plan)
            {
                if (line.Decision == PayoutDecision.Paid)
                {
                    OrderService.PostTransfers(s, programId, line.PublisherId, line.Currency, null, runId,
                        [new Transfer(EntryKinds.Payout, Account.Payable, Account.Paid, line.Amount)], now);
                    OrderService.MarkPaidOut(s, programId, line.PublisherId, line.Currency.Code, now);
                }
                s.Execute("""
                    INSERT INTO payouts (run_id, publisher_id, currency, amount_minor, status, reason)
                    VALUES (@runId, @PublisherId, @currency, @amount, @Status, @Reason)
                    """, new { runId, line.PublisherId, currency = line.Currency.Code, amount = line.Currency.ToMinor(line.Amount), line.Status, line.Reason });
            }
        }
        return Lines(s, runId, at);
    }

    /// <summary>The lines of a run that took place, or none.</summary>
    public IReadOnlyList<PayoutRunLine> Find(string programId, DateTimeOffset at) => store.Read(s => Find(s, programId, at));

    public static IReadOnlyList<PayoutRunLine> Find(DbSession s, string programId, DateTimeOffset at) =>
        Lines(s, RunId(programId, at), at);

    private static List<PayoutRunLine> Lines(DbSession s, string runId, DateTimeOffset at) =>
        s.Query<PayoutRow>(
            "SELECT publisher_id, currency, amount_minor AS minor, status, reason FROM payouts WHERE run_id = @runId ORDER BY publisher_id, currency", new { runId })
            .Select(p =>
            {
                var currency = Currency.Of(p.Currency);
                return new PayoutRunLine(runId, at, p.PublisherId, p.Currency, currency.Format(currency.FromMinor(p.Minor)), p.Status, p.Reason);
            }).ToList();
}

#pragma warning disable CA1812 // instantiated by the row parser
internal sealed class BalanceRow
{
    public string PublisherId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long Minor { get; set; }
}

internal sealed class PublisherDetails
{
    public string Id { get; set; } = "";
    public bool Complete { get; set; }
}

internal sealed class PayoutRow
{
    public string PublisherId { get; set; } = "";
    public string Currency { get; set; } = "";
    public long Minor { get; set; }
    public string Status { get; set; } = "";
    public string? Reason { get; set; }
}
#pragma warning restore CA1812
