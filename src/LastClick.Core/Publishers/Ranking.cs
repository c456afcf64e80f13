using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;

namespace LastClick.Publishers;

/// <summary>One publisher's place in the Affiliate Ranking (E5), with the figures it was ranked on.</summary>
public sealed record RankingRow(int Rank, string PublisherId, decimal ConfirmedUsd, int Approved, int Declined, int Fraud, decimal Quality, decimal Score);

/// <summary>
/// E5, the Affiliate Ranking: publishers ranked by confirmed commission and quality over a period.
/// Confirmed commission is what the period's orders earn once confirmed (confirmed, payable or paid), in US dollars at
/// each program's internal rates in force at the period's end. Quality is the approval rate (C4: approved ÷ decided;
/// 1 while nothing is decided) less twice the share of orders flagged as fraud, never below 0. The score is
/// confirmed × quality; publishers scoring 0 are not ranked. Ties go to the larger confirmed amount, then the id.
/// A stored run replaces every publisher's place, including one set through the operator API.
/// </summary>
public static class Ranking
{
    public const string Currency = "USD";

    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(90);

    public static IReadOnlyList<RankingRow> Compute(DbSession s, ProgramCatalog programs, DateTimeOffset from, DateTimeOffset to)
    {
        var rows = s.Connection.Query<Row>("""
            SELECT publisher_id, program_id, payout_currency,
                   CAST(SUM(CASE WHEN status IN ('confirmed', 'payable', 'paid') THEN commission_minor ELSE 0 END) AS BIGINT) AS confirmed_minor,
                   CAST(SUM(CASE WHEN status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END) AS BIGINT) AS approved,
                   CAST(SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS BIGINT) AS declined,
                   CAST(SUM(CASE WHEN fraud_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS fraud,
                   CAST(COUNT(*) AS BIGINT) AS orders
            FROM orders WHERE publisher_id IS NOT NULL AND at >= @from AND at < @to
            GROUP BY publisher_id, program_id, payout_currency
            """, new { from = Times.ToMicros(from), to = Times.ToMicros(to) }, s.Transaction).ToList();
        var known = programs.All.ToDictionary(p => p.Id, StringComparer.Ordinal);
        return rows.GroupBy(r => r.PublisherId, StringComparer.Ordinal).Select(g =>
        {
            var confirmed = g.Sum(r =>
            {
                var amount = Common.Currency.Of(r.PayoutCurrency).FromMinor(r.ConfirmedMinor);
                // An order of a program no longer loaded cannot be converted: it counts in its own currency only when that is USD.
                return known.TryGetValue(r.ProgramId, out var program) && program.InternalRatesAt(to) is var rates && rates.Knows(r.PayoutCurrency) && rates.Knows(Currency)
                    ? rates.Convert(amount, r.PayoutCurrency, Currency)
                    : r.PayoutCurrency == Currency ? amount : 0m;
            });
            var (approved, declined, fraud, orders) = ((int)g.Sum(r => r.Approved), (int)g.Sum(r => r.Declined), (int)g.Sum(r => r.Fraud), g.Sum(r => r.Orders));
            var quality = Quality(approved, declined, fraud, (int)orders);
            return (Publisher: g.Key, Confirmed: Math.Round(confirmed, 2, MidpointRounding.AwayFromZero), approved, declined, fraud, quality);
        })
        .Select(x => (x.Publisher, x.Confirmed, x.approved, x.declined, x.fraud, x.quality, Score: Math.Round(x.Confirmed * x.quality, 2, MidpointRounding.AwayFromZero)))
        .Where(x => x.Score > 0)
        .OrderByDescending(x => x.Score).ThenByDescending(x => x.Confirmed).ThenBy(x => x.Publisher, StringComparer.Ordinal)
        .Select((x, i) => new RankingRow(i + 1, x.Publisher, x.Confirmed, x.approved, x.declined, x.fraud, x.quality, x.Score))
        .ToList();
    }

    /// <summary>Each ranked publisher's stored place (what the Top-N acceptance reads).</summary>
    public static IReadOnlyDictionary<string, int> Stored(DbSession s) =>
        s.Connection.Query<(string Id, int Ranking)>("SELECT id, ranking FROM publishers WHERE ranking IS NOT NULL", transaction: s.Transaction)
            .ToDictionary(r => r.Id, r => r.Ranking, StringComparer.Ordinal);

    /// <summary>Approval rate less twice the fraud share, within 0…1, to four places.</summary>
    public static decimal Quality(int approved, int declined, int fraud, int orders)
    {
        var approval = approved + declined == 0 ? 1m : (decimal)approved / (approved + declined);
        var fraudShare = orders == 0 ? 0m : (decimal)fraud / orders;
        return Math.Round(Math.Clamp(approval - 2 * fraudShare, 0m, 1m), 4, MidpointRounding.AwayFromZero);
    }

    /// <summary>Computes the ranking and stores each publisher's place (unranked publishers lose theirs); audited.</summary>
    public static IReadOnlyList<RankingRow> Recompute(Store store, ProgramCatalog programs, DateTimeOffset now, TimeSpan period, string actor)
    {
        var rows = store.Read(s => Compute(s, programs, now - period, now));
        store.InSession(s => Store(s, rows, now, period, actor));
        return rows;
    }

    /// <summary>
    /// The daily run: recomputes unless a run (by anyone, on any node) was stored less than <paramref name="every"/> ago.
    /// Nodes sharing a PostgreSQL database take turns on an advisory lock, so one of them runs it.
    /// </summary>
    public static bool RecomputeIfDue(Store store, ProgramCatalog programs, DateTimeOffset now, TimeSpan every)
    {
        static bool Due(DbSession s, DateTimeOffset now, TimeSpan every) =>
            s.QuerySingleOrDefault<long?>("SELECT MAX(at) FROM audit_log WHERE action = 'ranking.recomputed'") is not { } at || now - Times.FromMicros(at) >= every;
        // The aggregation runs in a read (on SQLite it never holds up the click and order writers); the write is short.
        if (!store.Read(s => Due(s, now, every))) return false;
        var rows = store.Read(s => Compute(s, programs, now - DefaultPeriod, now));
        return store.InSession(s =>
        {
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142034)");
            if (!Due(s, now, every)) return false; // another node stored it meanwhile
            Store(s, rows, now, DefaultPeriod, "system");
            return true;
        });
    }

    private static void Store(DbSession s, IReadOnlyList<RankingRow> rows, DateTimeOffset now, TimeSpan period, string actor)
    {
        s.Execute("UPDATE publishers SET ranking = NULL WHERE ranking IS NOT NULL");
        s.ExecuteEach("UPDATE publishers SET ranking = @Rank WHERE id = @PublisherId", rows);
        AuditLog.Append(s, now, actor, "ranking.recomputed", "ranking", $"{rows.Count} publishers ranked over {period.TotalDays:0} days to {now:yyyy-MM-dd}");
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public string PublisherId { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public string PayoutCurrency { get; set; } = "";
        public long ConfirmedMinor { get; set; }
        public long Approved { get; set; }
        public long Declined { get; set; }
        public long Fraud { get; set; }
        public long Orders { get; set; }
    }
#pragma warning restore CA1812
}
