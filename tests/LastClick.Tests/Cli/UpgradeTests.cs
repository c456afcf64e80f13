using System.Data.Common;
using Dapper;
using LastClick.Cli;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;
using Npgsql;

namespace LastClick.Tests.Cli;

/// <summary>
/// A schema that upgrades in place (issue 19): a store as each earlier version left it — the schema of its last
/// migration, with the data it could hold — is upgraded by today's <c>lastclick migrate</c> and keeps every row, and
/// its reports agree with the same facts written by today's code; a store from a newer version, or one that cannot be
/// opened, is refused with one line that names it and exit code 2.
/// </summary>
/// <remarks>
/// Each earlier version's schema is today's migration files up to its last one: a released migration never changes
/// (the files are checked against <c>Migrations/released.sha256</c>, see MigrationFreezeTests), and every in-place edit in
/// the history was made before the next migration was added. Its data is the demo's (publishers, accounts, links,
/// a day of clicks, orders and events, a catalog, a feed, a claim) written by today's code, keeping the columns the
/// older schema had: what a later migration adds or backfills must come back from the upgrade.
/// </remarks>
[Collection(nameof(ProcessEnvironment))]
public sealed class UpgradeTests : IClassFixture<PostgresAvailability>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_store_left_by_each_earlier_version_upgrades_in_place_keeping_its_data_and_its_reports_agree(string provider)
    {
        using var source = WebHost.Store(provider);
        if (source is null) return;
        var clock = new ManualClock(Now);
        source.Store.Migrate(clock);
        Demo.Seed(new Platform(source.Store, ProgramCatalog.BuiltIn(), clock), new LastClick.Web.Passwords());
        // As a reader of the rollups would: the demo's clicks and orders still waiting in SQLite's journals go in before
        // they are read or copied (a version before 0021 has no journal, and its migration counts every click as in the
        // rollups; one before 0022 has every order's change in them).
        LastClick.Reports.RollupJournal.Catch(source.Store);

        var known = source.Store.KnownVersion;
        // Every earlier version on SQLite; on PostgreSQL (slower to set up) the ones before a migration that fills new
        // tables from the stored facts (0007 rollups, 0017 quality, 0018 support threads; 18 also runs 0020, turnover) and
        // the first. (A store of version 19 has its clicks in partitions, which the copy below does not handle.)
        long[] versions = provider == "sqlite" ? [.. Enumerable.Range(1, (int)known - 1).Select(v => (long)v)] : [1, 6, 10, 16, 17, 18];
        // The demo has confirmed orders, so the turnover compared below is not empty on both sides.
        Assert.NotEmpty(Query(source.Store, Reports.Single(r => r.Table == Turnover).Query));
        foreach (var version in versions)
        {
            using var old = WebHost.Store(provider)!;
            old.Store.Migrate(clock, upTo: version);
            var copied = CopyFacts(source.Store, old.Store);
            Assert.Equal(version, Version(old.Store));

            var (code, output, error) = CliTests.Run("migrate", "--store", Spec(old.Store));
            Assert.True(code == 0, $"from version {version}: {error}");
            Assert.Equal(($"migrated ({old.Store.Provider})", ""), (output.Trim(), error));
            Assert.Equal(known, Version(old.Store));

            // Every row is there, with the values it had.
            foreach (var (table, all) in copied)
            {
                var columns = all.Where(c => !Rewritten.Any(r => r.Table == table && r.Column == c && version < r.By)).ToArray();
                Same($"from version {version}: {table} ({string.Join(", ", columns)})", Rows(source.Store, table, columns), Rows(old.Store, table, columns));
            }
            // The reports agree: the rollups the upgrade made (or kept) sum to what today's code wrote for the same facts.
            foreach (var (table, query, from) in Reports.Where(r => version >= r.From))
            {
                Same($"from version {version}: {table}", Query(source.Store, query), Query(old.Store, query));
            }
            // And the upgraded store works: the demo publisher's balance reads the same through today's code.
            var platform = new Platform(old.Store, ProgramCatalog.BuiltIn(), clock);
            var reference = new Platform(source.Store, ProgramCatalog.BuiltIn(), clock);
            Assert.Equal(reference.Ledger.Balances(Demo.PublisherId).Select(b => b.ToString()), platform.Ledger.Balances(Demo.PublisherId).Select(b => b.ToString()));
        }
    }

    /// <summary>
    /// Columns an upgrade rightly rewrites from facts the older version could not hold: compared only from the
    /// version that made the rewrite on.
    /// </summary>
    private static readonly (string Table, string Column, long By)[] Rewritten =
    [
        // 0011 stores the payout details themselves and clears the flag where there are none.
        ("publishers", "payout_details_complete", 11),
    ];

    /// <summary>
    /// Sums the reports are read from: program and publisher totals, the quality rollup, the claims' threads.
    /// The commission a declined order would have earned is stored from 0007 on, claims from 0009: an older store
    /// cannot hold them.
    /// </summary>
    private static readonly (string Table, string Query, long From)[] Reports =
    [
        ("rollup_program_d", "SELECT program_id, currency, SUM(clicks), SUM(unique_clicks), SUM(invalid_clicks), SUM(orders), SUM(orders_approved), SUM(orders_declined), SUM(sales_minor), " +
            "SUM(commission_pending_minor), SUM(commission_confirmed_minor), SUM(commission_payable_minor), SUM(commission_paid_minor) " +
            "FROM rollup_program_d GROUP BY program_id, currency ORDER BY program_id, currency", 1),
        ("rollup_program_d (declined)", "SELECT program_id, currency, SUM(commission_declined_minor) FROM rollup_program_d GROUP BY program_id, currency ORDER BY program_id, currency", 7),
        ("rollup_publishers_d", "SELECT publisher_id, currency, SUM(orders), SUM(sales_minor), SUM(commission_pending_minor) FROM rollup_publishers_d GROUP BY publisher_id, currency ORDER BY publisher_id, currency", 1),
        ("quality_m", "SELECT * FROM quality_m ORDER BY 1, 2, 3, 4, 5", 1),
        ("support_threads", "SELECT publisher_id, topic, status, about_kind, about_id FROM support_threads ORDER BY publisher_id, about_kind, about_id", 9),
        // 0020 sums the stored orders into B13's turnover; today's code keeps it as orders change.
        (Turnover, $"SELECT publisher_id, program_id, month, sales_minor FROM {Turnover} WHERE sales_minor <> 0 ORDER BY 1, 2, 3", 1),
    ];

    private const string Turnover = "publisher_turnover";

    [Fact]
    public void A_store_from_a_newer_version_is_refused_with_one_line_naming_it_and_nothing_changes()
    {
        using var store = TemporaryStore.Create();
        var clock = new ManualClock(Now);
        store.Store.Migrate(clock);
        var newer = store.Store.KnownVersion + 1;
        using (var c = store.Store.Open()) c.Execute("INSERT INTO schema_migrations (version, applied_at) VALUES (@newer, 0)", new { newer });
        var path = ((SqliteStore)store.Store).Name;

        foreach (var command in new[] { "migrate", "serve" })
        {
            var (code, output, error) = CliTests.Run(command, "--store", path);
            Assert.Equal((2, ""), (code, output));
            Assert.Equal(
                $"error: store: {path} has schema version {newer}, newer than this LastClick knows ({newer - 1}): run the version that upgraded it (or a newer one), or restore a backup from before the upgrade",
                error.TrimEnd());
        }
        Assert.Equal(newer, Version(store.Store));
    }

    [Fact]
    public void A_store_that_cannot_be_opened_is_named_with_exit_code_2()
    {
        var dir = Directory.CreateTempSubdirectory("lastclick-open-").FullName;
        // Not a database: SQLite's "file is not a database".
        var garbage = Path.Combine(dir, "notes.db");
        try
        {
            File.WriteAllText(garbage, new string('x', 4096));
            // A folder that cannot be made: its parent is a file.
            var under = Path.Combine(garbage, "lastclick.db");
            // Nobody listening: a PostgreSQL server that is not there (a loopback port nothing listens on).
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            foreach (var (spec, named) in new[] { (garbage, garbage), (under, under), ($"postgres://lastclick@127.0.0.1:{port}/lastclick", $"PostgreSQL 127.0.0.1:{port}/lastclick") })
            {
                foreach (var command in new[] { "migrate", "serve" })
                {
                    var (code, output, error) = CliTests.Run(command, "--store", spec);
                    Assert.Equal((2, ""), (code, output));
                    Assert.StartsWith($"error: store: cannot open {named}: ", error, StringComparison.Ordinal);
                    Assert.Single(error.TrimEnd().Split('\n'));
                }
            }
            Assert.Equal(new string('x', 4096), File.ReadAllText(garbage));
        }
        finally
        {
            SqliteStore.ReleaseFile(garbage);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Same(string what, List<string> expected, List<string> actual)
    {
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        if (expected.SequenceEqual(actual)) return;
        var missing = expected.Except(actual).Take(3);
        var extra = actual.Except(expected).Take(3);
        Assert.Fail($"{what}: {expected.Count} rows expected, {actual.Count} after the upgrade; missing [{string.Join("; ", missing)}], unexpected [{string.Join("; ", extra)}]");
    }

    private static long Version(Store store)
    {
        using var c = store.Open();
        return c.ExecuteScalar<long>("SELECT MAX(version) FROM schema_migrations");
    }

    private static string Spec(Store store) => store switch
    {
        SqliteStore sqlite => sqlite.Path,
        _ => ConnectionString(store),
    };

    private static string ConnectionString(Store store)
    {
        using var c = (NpgsqlConnection)store.Open();
        return new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = c.ExecuteScalar<string>("SELECT current_schema()") }.ConnectionString;
    }

    /// <summary>
    /// Copies every row of every table the older store has from <paramref name="from"/>, in the columns both have: the
    /// data an older version could hold. Returns the tables and columns copied.
    /// </summary>
    private static List<(string Table, string[] Columns)> CopyFacts(Store from, Store to)
    {
        var copied = new List<(string, string[])>();
        using var c = to.Open();
        if (to is SqliteStore)
        {
            c.Execute("PRAGMA foreign_keys=OFF");
            c.Execute($"ATTACH DATABASE '{((SqliteStore)from).Path.Replace("'", "''", StringComparison.Ordinal)}' AS src");
            foreach (var table in c.Query<string>("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"))
            {
                var mine = c.Query<string>($"SELECT name FROM pragma_table_info('{table}', 'main')").ToList();
                var theirs = c.Query<string>($"SELECT name FROM pragma_table_info('{table}', 'src')").ToHashSet();
                var columns = mine.Where(theirs.Contains).ToArray();
                var list = string.Join(", ", columns.Select(n => $"\"{n}\""));
                // OR REPLACE: a row the migration itself made (0021's click mark) takes the source's value.
                c.Execute($"INSERT OR REPLACE INTO main.\"{table}\" ({list}) SELECT {list} FROM src.\"{table}\"");
                copied.Add((table, columns));
            }
            c.Execute("PRAGMA foreign_keys=ON");
            c.Execute("DETACH DATABASE src");
            return copied;
        }
        using var f = from.Open();
        var source = f.ExecuteScalar<string>("SELECT current_schema()");
        var target = c.ExecuteScalar<string>("SELECT current_schema()");
        using var tx = c.BeginTransaction();
        // Foreign keys and triggers are the older version's to have checked; the copy takes its rows as they were.
        c.Execute("SET LOCAL session_replication_role = replica", transaction: tx);
        foreach (var table in c.Query<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = @target AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name", new { target }, tx))
        {
            var mine = c.Query<string>("SELECT column_name FROM information_schema.columns WHERE table_schema = @target AND table_name = @table ORDER BY ordinal_position", new { target, table }, tx).ToList();
            var theirs = c.Query<string>("SELECT column_name FROM information_schema.columns WHERE table_schema = @source AND table_name = @table", new { source, table }, tx).ToHashSet();
            var columns = mine.Where(theirs.Contains).ToArray();
            var list = string.Join(", ", columns.Select(n => $"\"{n}\""));
            c.Execute($"INSERT INTO \"{target}\".\"{table}\" ({list}) OVERRIDING SYSTEM VALUE SELECT {list} FROM \"{source}\".\"{table}\"", transaction: tx);
            // Identity and serial columns go on from the copied rows, as they would in the older store.
            foreach (var column in columns)
            {
                var sequence = c.ExecuteScalar<string?>("SELECT pg_get_serial_sequence(@qualified, @column)", new { qualified = $"\"{target}\".\"{table}\"", column }, tx);
                if (sequence is not null) c.Execute($"SELECT setval('{sequence}', COALESCE((SELECT MAX(\"{column}\") FROM \"{target}\".\"{table}\"), 0) + 1, false)", transaction: tx);
            }
            copied.Add((table, columns));
        }
        tx.Commit();
        return copied;
    }

    private static List<string> Rows(Store store, string table, string[] columns)
    {
        var list = string.Join(", ", columns.Select(n => $"\"{n}\""));
        return Query(store, $"SELECT {list} FROM \"{table}\" ORDER BY {list}");
    }

    private static List<string> Query(Store store, string sql)
    {
        using var c = store.Open();
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join("|", values.Select(Canonical)));
        }
        return rows;
    }

    /// <summary>A value as text the two stores agree on (SQLite keeps integers as long, PostgreSQL as int or long; blobs as bytes).</summary>
    private static string Canonical(object value) => value switch
    {
        DBNull => "∅",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
