using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using LastClick.Common;

namespace LastClick.Data;

public enum StoreProvider { Sqlite, Postgres }

/// <summary>
/// Where LastClick keeps its facts: an embedded SQLite file (WAL) or a PostgreSQL database. Both take the same
/// hand-written SQL; each has its own migration set, run at start.
/// </summary>
public abstract class Store : IDisposable
{
    static Store() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public abstract StoreProvider Provider { get; }

    /// <summary>An open connection, ready for use.</summary>
    public abstract DbConnection Open();

    /// <summary>A connection with a transaction begun: see <see cref="DbSession"/>.</summary>
    public DbSession Begin() => new(Open(), Provider);

    /// <summary>Runs <paramref name="work"/> in a session of its own and commits it.</summary>
    public T InSession<T>(Func<DbSession, T> work)
    {
        using var session = Begin();
        var result = work(session);
        session.Commit();
        return result;
    }

    public void InSession(Action<DbSession> work) => InSession(s => { work(s); return 0; });

    /// <summary>A session that only reads (see <see cref="Read{T}"/>), for a caller that streams from it: dispose it when done.</summary>
    public DbSession BeginRead() => new(Open(), Provider, readOnly: true);

    /// <summary>
    /// Runs <paramref name="work"/> that only reads, in a session of its own: on SQLite it never waits for (or
    /// holds up) a writer — the click and order group commits — and sees the last committed state.
    /// </summary>
    public T Read<T>(Func<DbSession, T> work)
    {
        using var session = BeginRead();
        var result = work(session);
        session.Commit();
        return result;
    }

    /// <summary>
    /// Opens a store from a specification: <c>postgres://user:pass@host:port/db</c>, an Npgsql connection string
    /// (<c>Host=…</c>), <c>sqlite:PATH</c> or a path to a SQLite file.
    /// </summary>
    public static Store Connect(string spec)
    {
        if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresStore(PostgresStore.FromUrl(spec));
        }
        if (spec.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)) return new PostgresStore(spec);
        return new SqliteStore(spec.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? spec["sqlite:".Length..] : spec);
    }

    /// <summary>Applies the provider's migrations not yet applied, each in its own transaction.</summary>
    public void Migrate(TimeProvider clock)
    {
        using var connection = Open();
        // Several nodes starting together on one PostgreSQL database migrate one at a time (released on close).
        if (Provider == StoreProvider.Postgres) connection.Execute("SELECT pg_advisory_lock(7142031)");
        try
        {
            Apply(connection, clock);
        }
        finally
        {
            // Unlocked even when a migration fails: a pooled connection would otherwise keep the lock for the others.
            if (Provider == StoreProvider.Postgres) connection.Execute("SELECT pg_advisory_unlock(7142031)");
        }
    }

    /// <summary>The migration that makes the quality rollups (H3), which then sums the stored orders into them.</summary>
    private const long QualityMigration = 17;

    private void Apply(DbConnection connection, TimeProvider clock)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var folder = Provider == StoreProvider.Sqlite ? "sqlite" : "postgres";
        var assembly = typeof(Store).Assembly;
        var prefix = $"LastClick.Data.Migrations.{folder}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var version = long.Parse(name[prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (applied.Contains(version)) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var sql = reader.ReadToEnd().Replace("-- @rollups", Reports.Cubes.Ddl(Provider) + Reports.RollupRebuild.Sql(Provider), StringComparison.Ordinal);
            using var tx = connection.BeginTransaction();
            connection.Execute(sql, transaction: tx);
            // A migration whose new tables are sums of the facts already stored fills them in the same transaction.
            if (version == QualityMigration) Orders.OrderRollup.BackfillQuality(connection, tx);
            connection.Execute("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)",
                new { version, at = Times.ToMicros(clock.GetUtcNow()) }, tx);
            tx.Commit();
        }
    }

    public abstract void Dispose();
}

public sealed class SqliteStore : Store
{
    private readonly string _connectionString;

    public SqliteStore(string path)
    {
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // WAL is a property of the database file; it persists once set.
        connection.Execute("PRAGMA journal_mode=WAL;");
    }

    public string Path { get; }

    public override StoreProvider Provider => StoreProvider.Sqlite;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Per connection: NORMAL is durable against a process crash in WAL mode (commits reach the OS at once).
        // A 64 MiB page cache and memory-mapped reads keep hot pages out of read() calls. The settings stay with the
        // pooled SQLite handle, so they are made once per handle; the checkpoint setting (which a group-commit writer
        // turns off on its own connection) is put back on every open.
        if (!Configured.TryGetValue(connection.Handle!, out _))
        {
            connection.Execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; " +
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;");
            Configured.AddOrUpdate(connection.Handle!, Marker);
        }
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint=1000";
        command.ExecuteNonQuery();
        return connection;
    }

    public override void Dispose() => SqliteConnection.ClearAllPools();
}

public sealed class PostgresStore(string connectionString) : Store
{
    // Sessions reuse their commands; auto-preparation makes the server keep the plans too.
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithAutoPrepare(connectionString));

    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    public override StoreProvider Provider => StoreProvider.Postgres;

    public override DbConnection Open() => _dataSource.OpenConnection();

    public override void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// LISTENs on a channel on a connection of its own (outside the pool, with keepalives so a dead server is
    /// noticed) and calls <paramref name="notified"/> with each payload until cancelled. <paramref name="listening"/>
    /// runs once the LISTEN is in place: whatever changed before that was not heard. Connection failures are thrown.
    /// </summary>
    public async Task ListenAsync(string channel, Action<string> notified, Action listening, CancellationToken cancel)
    {
        var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString) { Pooling = false, KeepAlive = 10, MaxAutoPrepare = 0 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancel).ConfigureAwait(false);
            connection.Notification += (_, e) => notified(e.Payload);
            var command = new NpgsqlCommand($"LISTEN \"{channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await using (command.ConfigureAwait(false)) await command.ExecuteNonQueryAsync(cancel).ConfigureAwait(false);
            listening();
            while (true) await connection.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="ListenAsync"/> until cancelled: a lost connection is reported to <paramref name="failed"/> and the
    /// LISTEN is made again a second later (<paramref name="listening"/> runs again each time it is in place).
    /// </summary>
    public async Task ListenUntilCancelledAsync(string channel, Action<string> notified, Action listening, Action<Exception> failed, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(channel, notified, listening, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a lost listener connection is reported and retried, never fatal to the node
            catch (Exception e)
            {
                failed(e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
#pragma warning restore CA1031
        }
    }

    /// <summary>postgres://user:password@host:port/database?option=value → an Npgsql connection string.</summary>
    public static string FromUrl(string url)
    {
        var uri = new Uri(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }
}
