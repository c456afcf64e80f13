using System.Text;
using LastClick.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Reports;

/// <summary>What a rollup row is keyed by, besides its time bucket. '' stands for "none" (key columns are NOT NULL).</summary>
public enum Dimension { Program, Publisher, Link, Sub1, Sub2, Sub3, Sub4, Sub5, Country, Device, Source, Currency }

/// <summary>The counted columns every rollup carries, in this order. Money in minor units of the row's currency.</summary>
public static class Measure
{
    public const int Clicks = 0, UniqueClicks = 1, InvalidClicks = 2, Orders = 3, OrdersApproved = 4, OrdersDeclined = 5, Sales = 6,
        Pending = 7, Confirmed = 8, Payable = 9, Paid = 10, Declined = 11, Count = 12;

    public static readonly IReadOnlyList<string> Columns =
    [
        "clicks", "unique_clicks", "invalid_clicks", "orders", "orders_approved", "orders_declined", "sales_minor",
        "commission_pending_minor", "commission_confirmed_minor", "commission_payable_minor", "commission_paid_minor", "commission_declined_minor",
    ];
}

/// <summary>
/// A time grain: bucket = (µs + Offset) / Size. Weeks are ISO weeks (Monday 00:00 UTC: the epoch was a Thursday).
/// </summary>
public sealed record Grain(string Name, long Size, long Offset = 0)
{
    public long BucketOf(long micros) => (micros + Offset) / Size;

    public long StartOf(long bucket) => bucket * Size - Offset;

    public bool Aligned(long micros) => (micros + Offset) % Size == 0;
}

/// <summary>
/// One rollup table: a time grain and the dimensions it keeps. A table a publisher's reports read leads its primary
/// key with the publisher (one range per publisher); one the operator's reports over every publisher read leads with
/// time. Reports read the smallest tables that hold what they group and filter by (docs/decisions/0009-report-rollups.md).
/// </summary>
public sealed record Cube(string Table, Grain Grain, IReadOnlyList<Dimension> Dims, bool PublisherLeads)
{
    public bool Has(Dimension dim) => Dims.Contains(dim);

    /// <summary>
    /// The second rollup (sub2…sub5) holds only the clicks and orders that carry one of them: most carry none, and
    /// would each add a row to it for nothing a report by sub2 would show.
    /// </summary>
    public bool OnlyWithSubs => Has(Dimension.Sub2);

    public const string AnySubSql = "(COALESCE(f.sub2, '') <> '' OR COALESCE(f.sub3, '') <> '' OR COALESCE(f.sub4, '') <> '' OR COALESCE(f.sub5, '') <> '')";

    public long BucketOf(long micros) => Grain.BucketOf(micros);

    public static string Column(Dimension dim) => dim switch
    {
        Dimension.Program => "program_id",
        Dimension.Publisher => "publisher_id",
        Dimension.Link => "link_id",
        _ => dim.ToString().ToLowerInvariant(),
    };

    /// <summary>Every column in table order: the bucket, the key columns, the counters.</summary>
    public IReadOnlyList<string> Columns => ["bucket", .. Dims.Select(Column), .. Measure.Columns];

    public IReadOnlyList<string> KeyColumns =>
        PublisherLeads
            ? ["publisher_id", "bucket", .. Dims.Where(d => d != Dimension.Publisher).Select(Column)]
            : ["bucket", .. Dims.Select(Column)];
}

public static class Cubes
{
    /// <summary>A quarter hour in microseconds: the finest offset of any time zone, so every local day is whole quarters.</summary>
    public const long Quarter = 900_000_000;
    public const long Hour = 3_600_000_000;
    public const long Day = 86_400_000_000;

    public static readonly Grain Quarters = new("quarter", Quarter);
    public static readonly Grain Hours = new("hour", Hour);
    public static readonly Grain Days = new("day", Day);
    public static readonly Grain Weeks = new("week", 7 * Day, 3 * Day);

    /// <summary>Coarsest first: a report's range is read in whole weeks, then whole days, hours and quarter hours at its edges.</summary>
    public static readonly IReadOnlyList<Grain> Grains = [Weeks, Days, Hours, Quarters];

    private static readonly Dimension[] Full = [Dimension.Program, Dimension.Publisher, Dimension.Link, Dimension.Sub1, Dimension.Country, Dimension.Device, Dimension.Source, Dimension.Currency];
    private static readonly Dimension[] Program = [Dimension.Program, Dimension.Currency];
    private static readonly Dimension[] Publisher = [Dimension.Program, Dimension.Publisher, Dimension.Currency];

    /// <summary>Smallest first within a grain: a report takes the first that has its columns.</summary>
    public static readonly IReadOnlyList<Cube> All =
    [
        // The operator's: time first, every publisher together.
        new("rollup_program_q", Quarters, Program, false),
        new("rollup_program_h", Hours, Program, false),
        new("rollup_program_d", Days, Program, false),
        new("rollup_country_d", Days, [Dimension.Program, Dimension.Country, Dimension.Currency], false),
        new("rollup_device_d", Days, [Dimension.Program, Dimension.Device, Dimension.Currency], false),
        new("rollup_source_d", Days, [Dimension.Program, Dimension.Source, Dimension.Currency], false),
        new("rollup_publishers_d", Days, Publisher, false),
        new("rollup_publishers_w", Weeks, Publisher, false),
        // A publisher's: the publisher first. By one dimension a report reads only that dimension's rows (the full
        // key's rows multiply with every link × sub id × country × device a big publisher has).
        new("rollup_publisher_q", Quarters, Publisher, true),
        new("rollup_link_d", Days, [Dimension.Program, Dimension.Publisher, Dimension.Link, Dimension.Currency], true),
        new("rollup_sub1_d", Days, [Dimension.Program, Dimension.Publisher, Dimension.Sub1, Dimension.Currency], true),
        new("rollup_publisher_geo_d", Days, [Dimension.Program, Dimension.Publisher, Dimension.Country, Dimension.Device, Dimension.Source, Dimension.Currency], true),
        new("rollup_full_q", Quarters, Full, true),
        new("rollup_full_d", Days, Full, true),
        new("rollup_subs_q", Quarters, [Dimension.Program, Dimension.Publisher, Dimension.Link, Dimension.Sub2, Dimension.Sub3, Dimension.Sub4, Dimension.Sub5, Dimension.Currency], true),
        new("rollup_subs_d", Days, [Dimension.Program, Dimension.Publisher, Dimension.Sub2, Dimension.Sub3, Dimension.Sub4, Dimension.Sub5, Dimension.Currency], true),
    ];

    /// <summary>The table DDL of every rollup (used by the migration, so both stores' tables come from one place).</summary>
    public static string Ddl(StoreProvider provider)
    {
        var sql = new StringBuilder();
        foreach (var cube in All)
        {
            sql.Append("CREATE TABLE ").Append(cube.Table).Append(" (\n    bucket BIGINT NOT NULL");
            foreach (var dim in cube.Dims) sql.Append(",\n    ").Append(Cube.Column(dim)).Append(" TEXT NOT NULL");
            foreach (var m in Measure.Columns) sql.Append(",\n    ").Append(m).Append(" BIGINT NOT NULL");
            sql.Append(",\n    PRIMARY KEY (").Append(string.Join(", ", cube.KeyColumns)).Append(")\n)");
            sql.Append(provider == StoreProvider.Sqlite ? " WITHOUT ROWID;\n" : ";\n");
        }
        return sql.ToString();
    }
}

/// <summary>
/// Changes to the rollups, summed per row before they are written: a click batch or an order's status change adds
/// here, then <see cref="RollupWriter.Write"/> applies each changed row once, in key order (so two PostgreSQL nodes
/// lock rows in the same order).
/// </summary>
public sealed class RollupBatch
{
    internal sealed class Cell(long bucket, string[] values)
    {
        public long Bucket { get; } = bucket;
        public string[] Values { get; } = values;
        public long[] Measures { get; } = new long[Measure.Count];
    }

    // Facts are summed per quarter hour and full key as they come (one look-up each: the redirect's hot path), and
    // spread over the tables only when written — a burst of clicks on one link is one fact, whatever its size.
    private readonly Dictionary<(long Quarter, string[] Key), long[]> _facts = new(FactKeys.Instance);
    // Spread one table at a time, when asked for: a report reads the waiting rows of the one to four tables it plans.
    // Made on the first spread and dropped by the next add, as before (an add stays one look-up and one store).
    private Dictionary<(long Bucket, string Key), Cell>?[]? _cells;

    /// <summary>Every table's changed rows (a writer's).</summary>
    internal IEnumerable<Dictionary<(long Bucket, string Key), Cell>> Cells => Enumerable.Range(0, Cubes.All.Count).Select(CellsOf);

    /// <summary>The changed rows of table <paramref name="c"/> (its index in <see cref="Cubes.All"/>).</summary>
    internal Dictionary<(long Bucket, string Key), Cell> CellsOf(int c) =>
        (_cells ??= new Dictionary<(long Bucket, string Key), Cell>?[Cubes.All.Count])[c] ??= Spread(Cubes.All[c]);

    public bool IsEmpty => _facts.Count == 0;

    /// <summary>The facts summed so far: the quarter hour's first instant (µs), the full key and the measures.</summary>
    internal IEnumerable<(long At, string[] Key, long[] Measures)> Facts => _facts.Select(f => (f.Key.Quarter * Cubes.Quarter, f.Key.Key, f.Value));

    /// <summary>How many rollup rows the batch changes (over every table).</summary>
    public int Rows => Cells.Sum(c => c.Count);

    /// <summary>Adds every fact of <paramref name="other"/> (a group commit folds its pieces' batches into one).</summary>
    public void Add(RollupBatch other)
    {
        foreach (var ((quarter, key), measures) in other._facts) Add(quarter * Cubes.Quarter, key, measures);
    }

    /// <summary>Adds <paramref name="measures"/> × <paramref name="sign"/> at <paramref name="at"/> (µs) under a full key (one value per <see cref="Dimension"/>).</summary>
    public void Add(long at, string[] key, ReadOnlySpan<long> measures, int sign = 1)
    {
        _cells = null;
        var fact = (at / Cubes.Quarter, key);
        if (!_facts.TryGetValue(fact, out var sums)) _facts[fact] = sums = new long[Measure.Count];
        for (var m = 0; m < Measure.Count; m++) sums[m] += sign * measures[m];
    }

    private Dictionary<(long Bucket, string Key), Cell> Spread(Cube cube)
    {
        var cells = new Dictionary<(long, string), Cell>();
        foreach (var ((quarter, key), measures) in _facts)
        {
            var anySub = key[(int)Dimension.Sub2].Length + key[(int)Dimension.Sub3].Length + key[(int)Dimension.Sub4].Length + key[(int)Dimension.Sub5].Length > 0;
            if (cube.OnlyWithSubs && !anySub) continue;
            var bucket = cube.BucketOf(quarter * Cubes.Quarter);
            var values = new string[cube.Dims.Count];
            for (var i = 0; i < values.Length; i++) values[i] = key[(int)cube.Dims[i]];
            var joined = string.Join('\u001f', values);
            if (!cells.TryGetValue((bucket, joined), out var cell)) cells[(bucket, joined)] = cell = new Cell(bucket, values);
            for (var m = 0; m < Measure.Count; m++) cell.Measures[m] += measures[m];
        }
        return cells;
    }

    private sealed class FactKeys : IEqualityComparer<(long Quarter, string[] Key)>
    {
        public static readonly FactKeys Instance = new();

        public bool Equals((long Quarter, string[] Key) x, (long Quarter, string[] Key) y) =>
            x.Quarter == y.Quarter && x.Key.AsSpan().SequenceEqual(y.Key);

        public int GetHashCode((long Quarter, string[] Key) fact)
        {
            var hash = new HashCode();
            hash.Add(fact.Quarter);
            foreach (var value in fact.Key) hash.Add(value, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }

    /// <summary>The key of a fact, '' for what it does not have.</summary>
    public static string[] Key(string program, string publisher, string? link, string? sub1, string? sub2, string? sub3, string? sub4, string? sub5,
        string? country, string? device, string? source, string? currency) =>
        [program, publisher, link ?? "", sub1 ?? "", sub2 ?? "", sub3 ?? "", sub4 ?? "", sub5 ?? "", country ?? "", device ?? "", source ?? "", currency ?? ""];
}

/// <summary>
/// Adds a batch to the rollups inside the caller's transaction (the one that writes the facts): to the journal, folded
/// into the tables later (<see cref="RollupJournal"/>), or straight into them (<see cref="WriteNow"/>).
/// </summary>
public static class RollupWriter
{
    public static void Write(DbSession s, RollupBatch batch)
    {
        if (batch.IsEmpty || s.RollupsAtEnd) return;
        // In a group commit the batch joins the piece's share, written once for the whole batch before it commits.
        if (s.Folded is { } folded)
        {
            folded.Rollups.Add(batch);
            return;
        }
        RollupJournal.Append(s, batch);
    }

    /// <summary>Into the tables now, on either store (a fold, a loader that writes the tables itself).</summary>
    public static void WriteNow(DbSession s, RollupBatch batch)
    {
        if (batch.IsEmpty) return;
        if (s.Provider == StoreProvider.Sqlite) s.Resource(session => new SqliteUpserts((SqliteConnection)session.Connection)).Write(batch);
        else WritePostgres(s, batch);
    }

    private static List<RollupBatch.Cell> Ordered(Dictionary<(long Bucket, string Key), RollupBatch.Cell> cells) =>
        [.. cells.OrderBy(c => c.Key.Bucket).ThenBy(c => c.Key.Key, StringComparer.Ordinal).Select(c => c.Value).Where(c => c.Measures.Any(m => m != 0))];

    private static string Upsert(Cube cube, Func<int, string> value) =>
        $"INSERT INTO {cube.Table} ({string.Join(", ", cube.Columns)}) {value(cube.Columns.Count)} {AddOnConflict(cube)}";

    /// <summary>The upsert's tail: a row already there gets the counters added.</summary>
    internal static string AddOnConflict(Cube cube) =>
        $"ON CONFLICT ({string.Join(", ", cube.KeyColumns)}) DO UPDATE SET " + string.Join(", ", Measure.Columns.Select(m => $"{m} = {cube.Table}.{m} + excluded.{m}"));

    /// <summary>PostgreSQL: every table's changed rows in one statement (one data-modifying WITH per table, arrays unnested).</summary>
    private static void WritePostgres(DbSession s, RollupBatch batch)
    {
        using var command = new Npgsql.NpgsqlCommand { Connection = (Npgsql.NpgsqlConnection)s.Connection, Transaction = (Npgsql.NpgsqlTransaction)s.Transaction };
        var parts = new List<string>();
        for (var c = 0; c < Cubes.All.Count; c++)
        {
            var cube = Cubes.All[c];
            var cells = Ordered(batch.CellsOf(c));
            if (cells.Count == 0) continue;
            command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>($"c{c}b", [.. cells.Select(x => x.Bucket)]));
            for (var d = 0; d < cube.Dims.Count; d++) command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>($"c{c}d{d}", [.. cells.Select(x => x.Values[d])]));
            for (var m = 0; m < Measure.Count; m++) command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>($"c{c}m{m}", [.. cells.Select(x => x.Measures[m])]));
            var arrays = new List<string> { $"@c{c}b" };
            arrays.AddRange(Enumerable.Range(0, cube.Dims.Count).Select(d => $"@c{c}d{d}"));
            arrays.AddRange(Enumerable.Range(0, Measure.Count).Select(m => $"@c{c}m{m}"));
            parts.Add($"w{c} AS ({Upsert(cube, _ => $"SELECT * FROM unnest({string.Join(", ", arrays)})")})");
        }
        if (parts.Count == 0) return;
        command.CommandText = $"WITH {string.Join(",\n", parts)} SELECT 1";
        command.ExecuteNonQuery();
    }

    /// <summary>SQLite: one upsert per table, prepared once per session and bound by position (the click writer's hot path).</summary>
    private sealed class SqliteUpserts : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt[] _statements;

        public SqliteUpserts(SqliteConnection connection)
        {
            _db = connection.Handle!;
            _statements = new sqlite3_stmt[Cubes.All.Count];
            for (var c = 0; c < Cubes.All.Count; c++)
            {
                var sql = Upsert(Cubes.All[c], n => $"VALUES ({string.Join(", ", Enumerable.Range(1, n).Select(i => $"?{i}"))})");
                SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statements[c]), _db);
            }
        }

        public void Write(RollupBatch batch)
        {
            for (var c = 0; c < _statements.Length; c++)
            {
                foreach (var cell in Ordered(batch.CellsOf(c))) SqliteRow.Run(_db, _statements[c], cell.Bucket, cell.Values, cell.Measures);
            }
        }

        public void Dispose()
        {
            foreach (var statement in _statements) statement.Dispose();
        }
    }
}

/// <summary>SQLite: one run of a rollup row's prepared statement, bound by position (the rollups' hot paths).</summary>
internal static class SqliteRow
{
    /// <summary>Runs <paramref name="statement"/> with ?1 = <paramref name="first"/>, then the texts, then the numbers; leaves it reset.</summary>
    public static void Run(sqlite3 db, sqlite3_stmt statement, long first, string[] texts, long[] numbers)
    {
        try
        {
            var i = 1;
            Check(db, raw.sqlite3_bind_int64(statement, i++, first));
            foreach (var text in texts) Check(db, raw.sqlite3_bind_text(statement, i++, text));
            foreach (var number in numbers) Check(db, raw.sqlite3_bind_int64(statement, i++, number));
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }
}

/// <summary>
/// The rollups computed again from the facts, in SQL: fills the tables when the migration adds them to a store that
/// already holds clicks and orders, and loads the benchmark's generated facts. The incremental writers must agree
/// with it (tests compare both with a direct aggregation).
/// </summary>
public static class RollupRebuild
{
    /// <summary>
    /// Empties every rollup and sums the facts into them again. Frozen as migration 0007 ran it; on a store with the
    /// journals (0021 and 0022 on) use <see cref="Tracking.ClickJournal.RebuildSql"/>, which moves the click mark and
    /// empties <see cref="RollupJournal"/> too (anything else that sums every fact again must end as it does).
    /// </summary>
    public static string Sql(StoreProvider provider)
    {
        var sql = new StringBuilder();
        foreach (var cube in Cubes.All) sql.Append("DELETE FROM ").Append(cube.Table).Append(";\n");
        foreach (var cube in Cubes.All)
        {
            sql.Append(Insert(cube, ClickDim, ClickMeasures, ClicksWithFirstOfDay, cube.OnlyWithSubs ? Cube.AnySubSql : "TRUE", provider)).Append(";\n");
            sql.Append(Insert(cube, OrderDim, OrderMeasures, "orders f", "f.publisher_id IS NOT NULL" + (cube.OnlyWithSubs ? " AND " + Cube.AnySubSql : ""), provider)).Append(";\n");
        }
        return sql.ToString();
    }

    /// <summary>
    /// The same sums as <see cref="Sql"/>, reading the clicks and the orders once instead of once a table: both are
    /// summed per quarter hour and full key into a temporary table (so a click's first-of-day look-up runs once, not
    /// sixteen times), and each table sums those rows by its own grain and dimensions. Every grain is whole quarter
    /// hours (weeks begin on one too), so a quarter's bucket in any table is that of every instant in it. The temporary
    /// table holds a row for each quarter and key with clicks or orders: for a store filled from its start (the replay's
    /// sum at its end), not a big one. The migration keeps <see cref="Sql"/> as it ran.
    /// </summary>
    public static string ByQuarterSql(StoreProvider provider)
    {
        var sql = new StringBuilder();
        foreach (var cube in Cubes.All) sql.Append("DELETE FROM ").Append(cube.Table).Append(";\n");
        // Each fact row's `at` is its quarter's first instant, so every table's bucket is made from it as from a fact's.
        var dims = Enum.GetValues<Dimension>();
        string Facts(Func<Dimension, string> dim, string[] measures, string from, string where)
        {
            var keys = new List<string> { $"f.at / {Cubes.Quarter}" };
            keys.AddRange(dims.Select(dim));
            var sums = provider == StoreProvider.Postgres ? measures.Select(m => $"CAST({m} AS BIGINT)") : measures;
            return $"SELECT {keys[0]} * {Cubes.Quarter} AS at, {string.Join(", ", dims.Select(d => $"{dim(d)} AS {Cube.Column(d)}"))}, " +
                   $"{string.Join(", ", sums.Select((m, i) => $"{m} AS m{i}"))}\nFROM {from}\nWHERE {where}\nGROUP BY {string.Join(", ", keys.Where(k => k != "''"))}";
        }
        sql.Append("CREATE TEMP TABLE rollup_facts AS\n")
            .Append(Facts(ClickDim, ClickMeasures, ClicksWithFirstOfDay, "TRUE")).Append("\nUNION ALL\n")
            .Append(Facts(OrderDim, OrderMeasures, "orders f", "f.publisher_id IS NOT NULL")).Append(";\n");
        var summed = Enumerable.Range(0, Measure.Count).Select(m => $"SUM(f.m{m})").ToArray();
        foreach (var cube in Cubes.All)
        {
            sql.Append(Insert(cube, d => $"f.{Cube.Column(d)}", summed, "rollup_facts f", cube.OnlyWithSubs ? Cube.AnySubSql : "TRUE", provider)).Append(";\n");
        }
        return sql.Append("DROP TABLE rollup_facts;\n").ToString();
    }

    // A click with its first-of-day flag: no click of the visitor on the link stored before it (a smaller seq) that UTC day.
    private static readonly string ClicksWithFirstOfDay = $"""
        (SELECT k.*, CASE WHEN k.visitor_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % {Cubes.Day}) AND e.at < k.at - (k.at % {Cubes.Day}) + {Cubes.Day}
                AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) THEN 1 ELSE 0 END AS first_of_day
         FROM clicks k) f
        """;

    private static string ClickDim(Dimension dim) => dim switch
    {
        Dimension.Program => "f.program_id",
        Dimension.Publisher => "f.publisher_id",
        Dimension.Source => "COALESCE(f.traffic_source, '')",
        Dimension.Currency => "''",
        _ => $"COALESCE(f.{Cube.Column(dim)}, '')",
    };

    private static string OrderDim(Dimension dim) => dim switch
    {
        Dimension.Program => "f.program_id",
        Dimension.Publisher => "f.publisher_id",
        Dimension.Country => "COALESCE(f.click_country, '')",
        Dimension.Source => "COALESCE(f.traffic_type, '')",
        Dimension.Currency => "f.payout_currency",
        _ => $"COALESCE(f.{Cube.Column(dim)}, '')",
    };

    private static readonly string[] ClickMeasures =
        ["COUNT(*)", "SUM(f.first_of_day)", "SUM(CASE WHEN f.invalid_reason IS NULL THEN 0 ELSE 1 END)", "0", "0", "0", "0", "0", "0", "0", "0", "0"];

    private static string When(string status, string value) => $"SUM(CASE WHEN f.status = '{status}' THEN {value} ELSE 0 END)";

    private static readonly string[] OrderMeasures =
    [
        "0", "0", "0", "COUNT(*)", "SUM(CASE WHEN f.status IN ('confirmed', 'payable', 'paid') THEN 1 ELSE 0 END)", When("declined", "1"),
        "SUM(f.sales_minor)", When("pending", "f.commission_minor"), When("confirmed", "f.commission_minor"), When("payable", "f.commission_minor"),
        When("paid", "f.commission_minor"), "SUM(f.declined_minor)",
    ];

    private static string Insert(Cube cube, Func<Dimension, string> dim, string[] measures, string from, string where, StoreProvider provider)
    {
        var keys = new List<string> { cube.Grain.Offset == 0 ? $"f.at / {cube.Grain.Size}" : $"(f.at + {cube.Grain.Offset}) / {cube.Grain.Size}" };
        keys.AddRange(cube.Dims.Select(dim));
        var sums = provider == StoreProvider.Postgres ? measures.Select(m => $"CAST({m} AS BIGINT)") : measures;
        return $"INSERT INTO {cube.Table} ({string.Join(", ", cube.Columns)})\nSELECT {string.Join(", ", keys)}, {string.Join(", ", sums)}\nFROM {from}\nWHERE {where}\n" +
               $"GROUP BY {string.Join(", ", keys.Where(k => k != "''"))}\n{RollupWriter.AddOnConflict(cube)}";
    }
}
