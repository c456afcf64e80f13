using System.Globalization;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Reports;

/// <summary>One order line as quality counts it: its category and store, amounts in the order's currency, the commission it pays.</summary>
public sealed record QualityLine(string Category, string? Store, long PriceMinor, int Quantity, long RefundedMinor, long CommissionMinor, decimal Rate);

/// <summary>
/// An order as quality counts it (H3): whose, when, where it ships, its status and facts, and its lines. Money of the
/// lines is in <see cref="Currency"/> minor units except <see cref="QualityLine.CommissionMinor"/> (payout currency).
/// </summary>
/// <param name="FindingId">The platform's own confirmed fraud finding that declined the order, if any: antispam as much as
/// the marketplace's fraud event (<paramref name="FraudAt"/>).</param>
public sealed record QualityOrder(
    string? PublisherId, string ProgramId, long At, string Status, string Currency, string PayoutCurrency, decimal FxRate, string Market,
    bool FullyRefunded, long? FraudAt, long? ConfirmedAt, IReadOnlyList<QualityLine> Lines, long? FindingId = null, bool PaidOut = false)
{
    public bool Fraudulent => FraudAt is not null || FindingId is not null;
}

/// <summary>
/// Quality by category, store and market (H3), kept like the report rollups: every change of an order writes the
/// difference between what it added before and what it adds now, in the transaction that changes it. A row of
/// <c>quality_m</c> is a publisher's month of one program, market and payout currency, of one kind (<see cref="Part"/>):
/// the whole orders, their lines of one category, or of one store. <c>quality_lag_m</c> counts the approved orders by
/// whole days from the order to its confirmation (goods received), for the median and 90th percentile.
/// </summary>
public static class QualityRollup
{
    public const int Orders = 0, Lines = 1, Approved = 2, Declined = 3, RefundedFull = 4, RefundedPartial = 5, Fraud = 6, Sales = 7, Refunded = 8,
        ApprovedSales = 9, Commission = 10, Pending = 11, FraudCommission = 12, Count = 13;

    /// <summary>The counted columns, in measure order. Money in minor units of the row's payout currency.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "orders", "lines", "approved", "declined", "refunded_full", "refunded_partial", "fraud", "sales_minor", "refunded_minor",
        "approved_sales_minor", "commission_minor", "pending_minor", "fraud_minor",
    ];

    /// <summary>A confirmation later than this many days counts as this many (the histogram's last bucket).</summary>
    public const int MaxLagDays = 120;

    /// <summary>The kinds of row: the whole order, or its lines of one category, or of one store.</summary>
    public const string WholeOrder = "order", ByCategory = "category", ByStore = "store";

    /// <summary>
    /// What one order adds under one key, at the order's month, program, market and payout currency: its whole
    /// (<see cref="WholeOrder"/>, value ''), its lines of each category it has, and of each store ('' for none). An
    /// order counts once in each, so a report by category counts the orders that have the category.
    /// </summary>
    public sealed record Part(string PublisherId, int Month, string ProgramId, string Kind, string Value, string Market, string Currency, long[] Measures, int? LagDays);

    /// <summary>The month bucket of a moment: months since January 1970, UTC.</summary>
    public static int MonthOf(long micros)
    {
        var at = Times.FromMicros(micros).UtcDateTime;
        return (at.Year - 1970) * 12 + at.Month - 1;
    }

    public static int MonthOf(DateOnly day) => (day.Year - 1970) * 12 + day.Month - 1;

    public static string MonthName(int month) => string.Create(CultureInfo.InvariantCulture, $"{1970 + month / 12:D4}-{month % 12 + 1:D2}");

    /// <summary>A line's amount of the order's currency in the payout currency, rounded once to its minor units.</summary>
    public static long InPayout(long orderMinor, QualityOrder order)
    {
        var from = Common.Currency.Of(order.Currency);
        var to = Common.Currency.Of(order.PayoutCurrency);
        return to.ToMinor(to.Round(from.FromMinor(orderMinor) * order.FxRate));
    }

    private static bool IsApproved(string status) => status is "confirmed" or "payable" or "paid";

    /// <summary>What <paramref name="order"/> adds to quality now (nothing for an order no publisher is credited with).</summary>
    public static IReadOnlyList<Part> Of(QualityOrder order)
    {
        if (order.PublisherId is null) return [];
        var month = MonthOf(order.At);
        var approved = IsApproved(order.Status);
        var lag = approved && order.ConfirmedAt is { } confirmed
            ? (int)Math.Clamp((confirmed - order.At) / Cubes.Day, 0, MaxLagDays)
            : (int?)null;
        var payout = Common.Currency.Of(order.PayoutCurrency);
        var currency = Common.Currency.Of(order.Currency);
        Part Sum(string kind, string value, IEnumerable<QualityLine> lines)
        {
            var m = new long[Count];
            m[Orders] = 1;
            m[Approved] = approved ? 1 : 0;
            m[Declined] = order.Status == "declined" ? 1 : 0;
            m[RefundedFull] = order.FullyRefunded ? 1 : 0;
            m[Fraud] = order.Fraudulent ? 1 : 0;
            var anyRefund = false;
            foreach (var line in lines)
            {
                m[Lines]++;
                var gross = InPayout(line.PriceMinor * line.Quantity, order);
                // A refund of the whole order names no line: each line is then refunded whole.
                var refunded = order.FullyRefunded ? gross : InPayout(line.RefundedMinor, order);
                anyRefund |= line.RefundedMinor > 0;
                m[Sales] += gross;
                m[Refunded] += refunded;
                if (approved) (m[ApprovedSales], m[Commission]) = (m[ApprovedSales] + gross - refunded, m[Commission] + line.CommissionMinor);
                if (order.Status == "pending") m[Pending] += line.CommissionMinor;
                // The antispam deduction: what a line declined as fraud had earned, when it had been paid out (the ledger
                // takes it back then; before payout the commission is simply not paid).
                if (order.Fraudulent && order.PaidOut)
                {
                    m[FraudCommission] += payout.ToMinor(payout.Round(currency.FromMinor(line.PriceMinor * line.Quantity - line.RefundedMinor) * order.FxRate * line.Rate));
                }
            }
            m[RefundedPartial] = !order.FullyRefunded && anyRefund ? 1 : 0;
            return new Part(order.PublisherId!, month, order.ProgramId, kind, value, order.Market, order.PayoutCurrency, m, lag);
        }
        var parts = new List<Part> { Sum(WholeOrder, "", order.Lines) };
        foreach (var g in order.Lines.GroupBy(l => l.Category).OrderBy(g => g.Key, StringComparer.Ordinal)) parts.Add(Sum(ByCategory, g.Key, g));
        foreach (var g in order.Lines.GroupBy(l => l.Store ?? "").OrderBy(g => g.Key, StringComparer.Ordinal)) parts.Add(Sum(ByStore, g.Key, g));
        return parts;
    }

    /// <summary>Writes what changed between <paramref name="before"/> and <paramref name="after"/>, in key order (PostgreSQL nodes lock rows alike).</summary>
    public static void Write(DbSession s, IReadOnlyList<Part> before, IReadOnlyList<Part> after)
    {
        if ((before.Count == 0 && after.Count == 0) || s.RollupsAtEnd) return;
        var sums = s.Folded?.Quality ?? new Sums();
        foreach (var part in before) sums.Add(part, -1);
        foreach (var part in after) sums.Add(part, +1);
        // In a group commit the sums are written once for the whole batch before it commits.
        if (s.Folded is not null) return;
        WriteNow(s, sums);
    }

    internal static void WriteNow(DbSession s, Sums sums)
    {
        // SQLite: raw prepared statements, kept for the session, as the report rollups' (every order pays for these).
        if (s.Provider == StoreProvider.Sqlite) s.Resource(session => new SqliteUpserts((Microsoft.Data.Sqlite.SqliteConnection)session.Connection)).Write(sums);
        else WritePostgres(s, sums);
    }

    private static readonly string[] KeyNames = ["publisher", "bucket", "program", "kind", "value", "market", "currency"];

    /// <summary>
    /// PostgreSQL: every changed row of both tables in one statement (one data-modifying WITH per table, one array per
    /// column, unnested in key order), not one round trip a row: a batch of 40 orders changes about 200 quality rows.
    /// </summary>
    private static void WritePostgres(DbSession s, Sums sums)
    {
        var cells = sums.Cells().ToList();
        var lags = sums.Lags().ToList();
        if (cells.Count == 0 && lags.Count == 0) return;
        using var command = new Npgsql.NpgsqlCommand { Connection = (Npgsql.NpgsqlConnection)s.Connection, Transaction = (Npgsql.NpgsqlTransaction)s.Transaction };
        void Keys(string prefix, IReadOnlyList<Part> parts)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "publisher", [.. parts.Select(p => p.PublisherId)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<int[]>(prefix + "bucket", [.. parts.Select(p => p.Month)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "program", [.. parts.Select(p => p.ProgramId)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "kind", [.. parts.Select(p => p.Kind)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "value", [.. parts.Select(p => p.Value)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "market", [.. parts.Select(p => p.Market)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>(prefix + "currency", [.. parts.Select(p => p.Currency)]));
        }
        static string KeyArrays(string prefix) => string.Join(", ", KeyNames.Select(k => "@" + prefix + k));
        var parts = new List<string>();
        if (cells.Count > 0)
        {
            Keys("c", [.. cells.Select(c => c.Part)]);
            for (var m = 0; m < Count; m++) command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>($"cm{m}", [.. cells.Select(c => c.Sums[m])]));
            var measures = string.Join(", ", Enumerable.Range(0, Count).Select(m => $"@cm{m}"));
            parts.Add($"""
                cells AS (INSERT INTO quality_m ({KeyColumns}, {string.Join(", ", Columns)})
                    SELECT {KeyColumns}, {string.Join(", ", Columns)} FROM unnest({KeyArrays("c")}, {measures}) WITH ORDINALITY
                        AS u({KeyColumns}, {string.Join(", ", Columns)}, n) ORDER BY n
                    ON CONFLICT ({KeyColumns}) DO UPDATE SET {string.Join(", ", Columns.Select(c => $"{c} = quality_m.{c} + excluded.{c}"))})
                """);
        }
        if (lags.Count > 0)
        {
            Keys("l", [.. lags.Select(l => l.Part)]);
            command.Parameters.Add(new Npgsql.NpgsqlParameter<int[]>("ldays", [.. lags.Select(l => l.Days)]));
            command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("lorders", [.. lags.Select(l => l.Orders)]));
            parts.Add($"""
                lags AS (INSERT INTO quality_lag_m ({KeyColumns}, days, orders)
                    SELECT {KeyColumns}, days, orders FROM unnest({KeyArrays("l")}, @ldays, @lorders) WITH ORDINALITY
                        AS u({KeyColumns}, days, orders, n) ORDER BY n
                    ON CONFLICT ({KeyColumns}, days) DO UPDATE SET orders = quality_lag_m.orders + excluded.orders)
                """);
        }
        command.CommandText = $"WITH {string.Join(",\n", parts)} SELECT 1";
        command.ExecuteNonQuery();
    }

    /// <summary>The two upserts as raw SQLite statements, prepared once per session.</summary>
    private sealed class SqliteUpserts : IDisposable
    {
        private readonly SQLitePCL.sqlite3 _db;
        private readonly SQLitePCL.sqlite3_stmt _cell;
        private readonly SQLitePCL.sqlite3_stmt _lag;

        public SqliteUpserts(Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            _db = connection.Handle!;
            Check(SQLitePCL.raw.sqlite3_prepare_v2(_db, Positional(Upsert), out _cell));
            Check(SQLitePCL.raw.sqlite3_prepare_v2(_db, Positional(LagUpsert), out _lag));
        }

        /// <summary>The statement with its named parameters as ?1, ?2… in order of appearance.</summary>
        private static string Positional(string sql)
        {
            var n = 0;
            return System.Text.RegularExpressions.Regex.Replace(sql, "@[A-Za-z]+", _ => "?" + (++n).ToString(CultureInfo.InvariantCulture));
        }

        public void Write(Sums sums)
        {
            foreach (var (part, measures) in sums.Cells())
            {
                Step(_cell, part, s =>
                {
                    var i = 8;
                    foreach (var m in measures) Check(SQLitePCL.raw.sqlite3_bind_int64(s, i++, m));
                });
            }
            foreach (var (part, days, orders) in sums.Lags())
            {
                Step(_lag, part, s =>
                {
                    Check(SQLitePCL.raw.sqlite3_bind_int64(s, 8, days));
                    Check(SQLitePCL.raw.sqlite3_bind_int64(s, 9, orders));
                });
            }
        }

        private void Step(SQLitePCL.sqlite3_stmt statement, Part part, Action<SQLitePCL.sqlite3_stmt> bindRest)
        {
            try
            {
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 1, part.PublisherId));
                Check(SQLitePCL.raw.sqlite3_bind_int64(statement, 2, part.Month));
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 3, part.ProgramId));
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 4, part.Kind));
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 5, part.Value));
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 6, part.Market));
                Check(SQLitePCL.raw.sqlite3_bind_text(statement, 7, part.Currency));
                bindRest(statement);
                var rc = SQLitePCL.raw.sqlite3_step(statement);
                if (rc != SQLitePCL.raw.SQLITE_DONE) Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                SQLitePCL.raw.sqlite3_reset(statement);
            }
        }

        private void Check(int rc)
        {
            if (rc != SQLitePCL.raw.SQLITE_OK) Microsoft.Data.Sqlite.SqliteException.ThrowExceptionForRC(rc, _db);
        }

        public void Dispose()
        {
            _cell.Dispose();
            _lag.Dispose();
        }
    }

    /// <summary>
    /// Parts summed per row (a change's before and after, or a whole backfill: <see cref="Orders.OrderRollup.BackfillQuality"/>),
    /// then written once each in key order.
    /// </summary>
    internal sealed class Sums
    {
        // Hashed while summing, sorted once when read: a replay sums hundreds of thousands of rows.
        private readonly Dictionary<string, (Part Part, long[] Sums)> _cells = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (Part Part, int Days, long Orders)> _lags = new(StringComparer.Ordinal);

        public void Add(Part part, int sign)
        {
            var key = string.Join('\u001f', part.PublisherId, part.Month.ToString(CultureInfo.InvariantCulture), part.ProgramId, part.Kind, part.Value, part.Market, part.Currency);
            if (!_cells.TryGetValue(key, out var cell)) _cells[key] = cell = (part, new long[Count]);
            for (var i = 0; i < Count; i++) cell.Sums[i] += sign * part.Measures[i];
            if (part.LagDays is not { } days) return;
            var lagKey = key + '\u001f' + days.ToString(CultureInfo.InvariantCulture);
            _lags[lagKey] = _lags.TryGetValue(lagKey, out var lag) ? lag with { Orders = lag.Orders + sign } : (part, days, sign);
        }

        /// <summary>Adds every row of <paramref name="other"/> (a group commit folds its pieces' sums into one).</summary>
        public void Add(Sums other)
        {
            foreach (var (key, (part, sums)) in other._cells)
            {
                if (!_cells.TryGetValue(key, out var cell)) _cells[key] = cell = (part, new long[Count]);
                for (var i = 0; i < Count; i++) cell.Sums[i] += sums[i];
            }
            foreach (var (key, lag) in other._lags)
            {
                _lags[key] = _lags.TryGetValue(key, out var mine) ? mine with { Orders = mine.Orders + lag.Orders } : lag;
            }
        }

        public bool IsEmpty => _cells.Count == 0 && _lags.Count == 0;

        /// <summary>The rows that change, in key order, with what they change by.</summary>
        public IEnumerable<(Part Part, long[] Sums)> Cells() => InKeyOrder(_cells).Where(c => c.Sums.Any(m => m != 0));

        public IEnumerable<(Part Part, int Days, long Orders)> Lags() => InKeyOrder(_lags).Where(l => l.Orders != 0);

        private static IEnumerable<T> InKeyOrder<T>(Dictionary<string, T> rows) => rows.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Value);

        public void Write(Action<string, object> execute)
        {
            foreach (var (part, sums) in Cells()) execute(Upsert, new CellRow(part, sums));
            foreach (var (part, days, orders) in Lags()) execute(LagUpsert, new LagRow(part, days, orders));
        }
    }

    private const string KeyColumns = "publisher_id, bucket, program_id, kind, value, market, currency";

    private static readonly string Upsert =
        $"INSERT INTO quality_m ({KeyColumns}, {string.Join(", ", Columns)}) VALUES (@PublisherId, @Bucket, @ProgramId, @Kind, @Value, @Market, @Currency, " +
        "@Orders, @Lines, @Approved, @Declined, @RefundedFull, @RefundedPartial, @Fraud, @SalesMinor, @RefundedMinor, @ApprovedSalesMinor, @CommissionMinor, @PendingMinor, @FraudMinor) " +
        $"ON CONFLICT ({KeyColumns}) DO UPDATE SET " + string.Join(", ", Columns.Select(c => $"{c} = quality_m.{c} + excluded.{c}"));

    private static readonly string LagUpsert =
        $"INSERT INTO quality_lag_m ({KeyColumns}, days, orders) VALUES (@PublisherId, @Bucket, @ProgramId, @Kind, @Value, @Market, @Currency, @Days, @Orders) " +
        $"ON CONFLICT ({KeyColumns}, days) DO UPDATE SET orders = quality_lag_m.orders + excluded.orders";

#pragma warning disable CA1812 // bound by the row binder
    /// <summary>A quality row's key, as the upserts bind it.</summary>
    private abstract class KeyRow(Part part)
    {
        public string PublisherId { get; } = part.PublisherId;
        public long Bucket { get; } = part.Month;
        public string ProgramId { get; } = part.ProgramId;
        public string Kind { get; } = part.Kind;
        public string Value { get; } = part.Value;
        public string Market { get; } = part.Market;
        public string Currency { get; } = part.Currency;
    }

    private sealed class CellRow(Part part, long[] sums) : KeyRow(part)
    {
        public long Orders { get; } = sums[QualityRollup.Orders];
        public long Lines { get; } = sums[QualityRollup.Lines];
        public long Approved { get; } = sums[QualityRollup.Approved];
        public long Declined { get; } = sums[QualityRollup.Declined];
        public long RefundedFull { get; } = sums[QualityRollup.RefundedFull];
        public long RefundedPartial { get; } = sums[QualityRollup.RefundedPartial];
        public long Fraud { get; } = sums[QualityRollup.Fraud];
        public long SalesMinor { get; } = sums[Sales];
        public long RefundedMinor { get; } = sums[Refunded];
        public long ApprovedSalesMinor { get; } = sums[ApprovedSales];
        public long CommissionMinor { get; } = sums[Commission];
        public long PendingMinor { get; } = sums[Pending];
        public long FraudMinor { get; } = sums[FraudCommission];
    }

    private sealed class LagRow(Part part, int days, long orders) : KeyRow(part)
    {
        public long Days { get; } = days;
        public long Orders { get; } = orders;
    }
#pragma warning restore CA1812
}

/// <summary>A quality report's question: by what, whose (a publisher's, or null for the program's over every publisher), which months.</summary>
public sealed record QualityQuery(string Dimension, string? PublisherId, string? ProgramId, int FromMonth, int ToMonth, string? Currency, int Limit = 100);

/// <summary>
/// One row of a quality report (or its totals). Rates are fractions (0.0725); <see cref="PaysPer100"/> is the commission
/// the approved lines pay per 100 of all sales (what survived declines and refunds); lags are whole days from the order
/// to its confirmation, nearest-rank, over <see cref="LagSample"/> approved orders.
/// </summary>
public sealed record QualityRow(
    string Key, long Orders, long Approved, long Declined, long RefundedFull, long RefundedPartial, long Fraud,
    decimal Sales, decimal Refunded, decimal Commission, decimal Pending, decimal FraudCommission,
    decimal? EffectiveRate, decimal? DeclineRate, decimal? FullRefundRate, decimal? PartialRefundRate, decimal? PaysPer100,
    int? MedianLagDays, int? P90LagDays, long LagSample);

public sealed record QualityResult(string Dimension, string From, string To, string? Currency, IReadOnlyList<string> Currencies,
    IReadOnlyList<QualityRow> Rows, QualityRow Totals);

/// <summary>Quality reports (H3) from <c>quality_m</c> and <c>quality_lag_m</c>: never a scan of the orders.</summary>
public static class QualityReport
{
    public static readonly IReadOnlyList<string> PublisherDimensions = ["category", "store", "market", "month"];
    public static readonly IReadOnlyList<string> OperatorDimensions = ["category", "store", "market", "month", "publisher", "program"];

    /// <summary>The longest range, in months.</summary>
    public const int MaxMonths = 36;

    public const int MaxLimit = 1000;

    /// <summary>The parameters a quality report takes (the operator's also <c>publisher</c>).</summary>
    public static IReadOnlySet<string> Parameters(bool operatorScope) => operatorScope ? OperatorParameters : PublisherParameters;

    private static readonly IReadOnlySet<string> PublisherParameters =
        new HashSet<string>(["date_start", "date_end", "program", "currency", "limit", "format"], StringComparer.Ordinal);

    private static readonly IReadOnlySet<string> OperatorParameters = new HashSet<string>([.. PublisherParameters, "publisher"], StringComparer.Ordinal);

    /// <summary>
    /// A query from the API's parameters (every one of <paramref name="names"/> must be one of <see cref="Parameters"/>):
    /// <c>date_start</c>/<c>date_end</c> as months (2026-11) or days (their month), by default the twelve months to now's;
    /// <c>program</c>, <c>publisher</c> (the operator's), <c>currency</c>, <c>limit</c> (a download: every row up to
    /// <see cref="MaxLimit"/> unless it says fewer).
    /// </summary>
    public static QualityQuery Parse(string dimension, IEnumerable<string> names, Func<string, string?> get, string? publisherId, bool operatorScope,
        DateTimeOffset now, bool csv = false)
    {
        ProblemException.RefuseUnknown(names, Parameters(operatorScope));
        var dimensions = operatorScope ? OperatorDimensions : PublisherDimensions;
        if (!dimensions.Contains(dimension)) throw ProblemException.Invalid("dimension", $"unknown quality report '{dimension}' (one of {string.Join(", ", dimensions)})");
        var to = Month(get, "date_end") ?? QualityRollup.MonthOf(DateOnly.FromDateTime(now.UtcDateTime));
        var from = Month(get, "date_start") ?? to - 11;
        if (from > to) throw ProblemException.Invalid("date_start", "is after date_end");
        if (to - from >= MaxMonths) throw ProblemException.Invalid("date_start", $"the range is longer than {MaxMonths} months");
        var publisher = publisherId;
        if (get("publisher") is { } asked)
        {
            if (!operatorScope) throw ProblemException.Invalid("publisher", "is not a filter of a publisher's reports");
            publisher = asked.Length is > 0 and <= Limits.MaxIdLength ? asked : throw ProblemException.Invalid("publisher", $"must be 1 to {Limits.MaxIdLength} characters");
        }
        var program = get("program") is { } p ? (p.Length is > 0 and <= Limits.MaxIdLength ? p : throw ProblemException.Invalid("program", $"must be 1 to {Limits.MaxIdLength} characters")) : null;
        var currency = get("currency") is { } c
            ? (Common.Currency.TryFind(c, out _) ? c : throw ProblemException.Invalid("currency", $"'{c}' is not a currency LastClick knows (an ISO 4217 code such as USD)"))
            : null;
        var limit = get("limit") is { } l
            ? (int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit ? n : throw ProblemException.Invalid("limit", $"must be 1 to {MaxLimit}"))
            : csv ? MaxLimit : 100;
        return new QualityQuery(dimension, publisher, program, from, to, currency, limit);
    }

    private static int? Month(Func<string, string?> get, string name)
    {
        if (get(name) is not { } text) return null;
        var formats = new[] { "yyyy-MM", "yyyy-MM-dd" };
        return DateOnly.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2100
            ? QualityRollup.MonthOf(day)
            : throw ProblemException.Invalid(name, "a month such as 2026-11 (or a day, 2026-11-05, for its month)");
    }

    /// <summary>The rows a report reads (by category or store: those kinds; else the whole orders) and its key column.</summary>
    private static (string Kind, string Key) Column(string dimension) => dimension switch
    {
        "category" => (QualityRollup.ByCategory, "value"), "store" => (QualityRollup.ByStore, "value"), "market" => (QualityRollup.WholeOrder, "market"),
        "month" => (QualityRollup.WholeOrder, "CAST(bucket AS TEXT)"), "publisher" => (QualityRollup.WholeOrder, "publisher_id"),
        "program" => (QualityRollup.WholeOrder, "program_id"),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };

    public static QualityResult Run(Store store, QualityQuery q) => store.Read(s =>
    {
        var where = "bucket >= @FromMonth AND bucket <= @ToMonth" + (q.PublisherId is null ? "" : " AND publisher_id = @PublisherId")
            + (q.ProgramId is null ? "" : " AND program_id = @ProgramId");
        var (kind, key) = Column(q.Dimension);
        string Cells(string kindOf, string keyOf) => $"""
            SELECT {keyOf} AS key, currency, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(approved) AS BIGINT) AS approved, CAST(SUM(declined) AS BIGINT) AS declined,
                   CAST(SUM(refunded_full) AS BIGINT) AS refunded_full, CAST(SUM(refunded_partial) AS BIGINT) AS refunded_partial, CAST(SUM(fraud) AS BIGINT) AS fraud,
                   CAST(SUM(sales_minor) AS BIGINT) AS sales_minor, CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor,
                   CAST(SUM(approved_sales_minor) AS BIGINT) AS approved_sales_minor, CAST(SUM(commission_minor) AS BIGINT) AS commission_minor,
                   CAST(SUM(pending_minor) AS BIGINT) AS pending_minor, CAST(SUM(fraud_minor) AS BIGINT) AS fraud_minor
            FROM quality_m WHERE kind = '{kindOf}' AND {where} GROUP BY {keyOf}, currency
            """;
        string Lags(string kindOf, string keyOf) =>
            $"SELECT {keyOf} AS key, currency, days, CAST(SUM(orders) AS BIGINT) AS orders FROM quality_lag_m WHERE kind = '{kindOf}' AND {where} GROUP BY {keyOf}, currency, days";
        var cells = s.Query<Cell>(Cells(kind, key), q);
        var lags = s.Query<Lag>(Lags(kind, key), q);
        // The totals are the whole orders' (an order with two categories is one order): read apart by category or
        // store, the rows already read otherwise.
        var (all, allLags) = kind == QualityRollup.WholeOrder
            ? (cells, lags)
            : (s.Query<Cell>(Cells(QualityRollup.WholeOrder, "kind"), q), s.Query<Lag>(Lags(QualityRollup.WholeOrder, "kind"), q));
        var currencies = all.GroupBy(c => c.Currency).OrderByDescending(g => g.Sum(c => c.Orders)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => g.Sum(c => c.Orders) != 0).Select(g => g.Key).ToList();
        var currency = q.Currency ?? currencies.FirstOrDefault();
        var money = currency is null ? null : Common.Currency.Of(currency);
        var mine = cells.Where(c => c.Currency == currency && c.Orders != 0).ToList();
        var myLags = lags.Where(l => l.Currency == currency && l.Orders != 0).ToList();
        string Name(string k) => q.Dimension == "month" ? QualityRollup.MonthName(int.Parse(k, CultureInfo.InvariantCulture)) : k;
        var rows = mine.GroupBy(c => c.Key)
            .Select(g => Row(Name(g.Key), g, myLags.Where(l => l.Key == g.Key), money))
            .OrderByDescending(r => q.Dimension == "month" ? 0 : r.Commission).ThenByDescending(r => q.Dimension == "month" ? r.Key : "")
            .ThenByDescending(r => r.Orders).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(q.Limit).ToList();
        var totals = Row("", all.Where(c => c.Currency == currency && c.Orders != 0), allLags.Where(l => l.Currency == currency), money);
        return new QualityResult(q.Dimension, QualityRollup.MonthName(q.FromMonth), QualityRollup.MonthName(q.ToMonth), currency, currencies, rows, totals);
    });

    private static QualityRow Row(string key, IEnumerable<Cell> cells, IEnumerable<Lag> lags, Common.Currency? money)
    {
        var c = cells.ToList();
        long Sum(Func<Cell, long> f) => c.Sum(f);
        decimal Money(long minor) => money?.FromMinor(minor) ?? 0m;
        var (orders, approved, declined) = (Sum(x => x.Orders), Sum(x => x.Approved), Sum(x => x.Declined));
        var (sales, approvedSales, commission) = (Sum(x => x.SalesMinor), Sum(x => x.ApprovedSalesMinor), Sum(x => x.CommissionMinor));
        decimal? Ratio(long part, long whole, int digits = 4) => whole == 0 ? null : Math.Round((decimal)part / whole, digits, MidpointRounding.AwayFromZero);
        var histogram = lags.GroupBy(l => l.Days).Select(g => (Days: g.Key, Orders: g.Sum(l => l.Orders))).Where(h => h.Orders > 0).OrderBy(h => h.Days).ToList();
        var sample = histogram.Sum(h => h.Orders);
        int? Percentile(decimal p)
        {
            if (sample == 0) return null;
            var rank = (long)Math.Ceiling(p * sample);
            long seen = 0;
            foreach (var (days, n) in histogram)
            {
                seen += n;
                if (seen >= rank) return days;
            }
            return histogram[^1].Days;
        }
        return new QualityRow(key, orders, approved, declined, Sum(x => x.RefundedFull), Sum(x => x.RefundedPartial), Sum(x => x.Fraud),
            Money(sales), Money(Sum(x => x.RefundedMinor)), Money(commission), Money(Sum(x => x.PendingMinor)), Money(Sum(x => x.FraudMinor)),
            // Rates over the decided orders (approved or declined), as the approval rate (C4): pending ones are not yet either.
            Ratio(commission, approvedSales), Ratio(declined, approved + declined), Ratio(Sum(x => x.RefundedFull), approved + declined),
            Ratio(Sum(x => x.RefundedPartial), approved + declined),
            sales == 0 ? null : Math.Round(100m * commission / sales, 2, MidpointRounding.AwayFromZero), Percentile(0.5m), Percentile(0.9m), sample);
    }

#pragma warning disable CA1812 // filled by the row mapper
    private sealed class Cell
    {
        public string Key { get; set; } = "";
        public string Currency { get; set; } = "";
        public long Orders { get; set; }
        public long Approved { get; set; }
        public long Declined { get; set; }
        public long RefundedFull { get; set; }
        public long RefundedPartial { get; set; }
        public long Fraud { get; set; }
        public long SalesMinor { get; set; }
        public long RefundedMinor { get; set; }
        public long ApprovedSalesMinor { get; set; }
        public long CommissionMinor { get; set; }
        public long PendingMinor { get; set; }
        public long FraudMinor { get; set; }
    }

    private sealed class Lag
    {
        public string Key { get; set; } = "";
        public string Currency { get; set; } = "";
        public int Days { get; set; }
        public long Orders { get; set; }
    }
#pragma warning restore CA1812
}
