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

    /// <summary>
    /// Told when a fold of the report rollups' journal failed after the write that made it due had committed
    /// (PostgreSQL, <see cref="DbSession.FoldIfDue"/>): the write stays, the rows wait, the next multiple folds them.
    /// The server logs it.
    /// </summary>
    public Action<Exception>? FoldFailed { get; set; }

    /// <summary>An open connection, ready for use.</summary>
    public abstract DbConnection Open();

    /// <summary>A connection with a transaction begun: see <see cref="DbSession"/>.</summary>
    public DbSession Begin()
    {
        // A request that writes reads from the primary from then on (see ReadIntent.Wrote).
        if (ReadRouting.Current is { } intent) intent.Wrote = true;
        return new(Open(), Provider, gate: Gate);
    }

    /// <summary>SQLite: the file's write lock in the order asked for, taken by every write session (see <see cref="WriteGate"/>).</summary>
    internal virtual WriteGate? Gate => null;

    /// <summary>Runs <paramref name="work"/> in a session of its own and commits it.</summary>
    public T InSession<T>(Func<DbSession, T> work)
    {
        using var session = Begin();
        var result = work(session);
        session.Commit();
        session.FoldIfDue(FoldFailed);
        return result;
    }

    public void InSession(Action<DbSession> work) => InSession(s => { work(s); return 0; });

    /// <summary>A session that only reads (see <see cref="Read{T}"/>), for a caller that streams from it: dispose it when done.</summary>
    public DbSession BeginRead() => new(OpenForRead().Connection, Provider, readOnly: true);

    /// <summary>
    /// A hot standby that may serve reads (PostgreSQL; see <see cref="ReadReplica"/>). Only a read made under a
    /// <see cref="ReadRouting.Current"/> intent goes there; every write, and every read without one, uses this store.
    /// </summary>
    public ReadReplica? Replica { get; set; }

    private (DbConnection Connection, bool OnReplica) OpenForRead()
    {
        var intent = ReadRouting.Current;
        if (intent is not null && !intent.Wrote && Replica is { } replica && replica.Serves(intent.AfterLsn))
        {
            try
            {
                var connection = replica.Standby.Open();
                intent.OnReplica();
                return (connection, true);
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
            {
                // A standby that went away since the last sample: this read, and the next ones, go to the primary.
                replica.Failed(e);
            }
        }
        intent?.OnPrimary();
        return (Open(), false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> that only reads, in a session of its own: on SQLite it never waits for (or
    /// holds up) a writer — the click and order group commits — and sees the last committed state.
    /// </summary>
    public T Read<T>(Func<DbSession, T> work)
    {
        T On(DbConnection connection)
        {
            using var session = new DbSession(connection, Provider, readOnly: true);
            var result = work(session);
            session.Commit();
            return result;
        }
        var (connection, onReplica) = OpenForRead();
        try
        {
            return On(connection);
        }
        catch (Exception e) when (onReplica && e is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            // The standby went away under the read (a pooled connection to a stopped server): the read, which changed
            // nothing, is made again on the primary, and no read goes to the standby until it is seen again.
            Replica!.Failed(e);
            ReadRouting.Current!.MovedToPrimary();
            return On(Open());
        }
    }

    /// <summary>
    /// Opens a store from a specification: <c>postgres://user:pass@host:port/db</c>, an Npgsql connection string
    /// (<c>Host=…</c>), <c>sqlite:PATH</c> or a path to a SQLite file.
    /// A specification that cannot be read, or a SQLite file that cannot be opened, is a <see cref="ProblemException"/>
    /// on <c>store</c> naming it (a PostgreSQL server is first reached by <see cref="Migrate"/>).
    /// </summary>
    public static Store Connect(string spec)
    {
        if (PostgresStore.Names(spec))
        {
            try
            {
                return new PostgresStore(PostgresStore.ConnectionStringOf(spec));
            }
            catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
            {
                throw ProblemException.Invalid("store", $"not a PostgreSQL URL (postgres://user:pass@host:port/db) or connection string (Host=…): {e.Message}");
            }
        }
        var path = spec.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? spec["sqlite:".Length..] : spec;
        try
        {
            return new SqliteStore(path);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw ProblemException.Invalid("store", $"cannot open {SafeFullPath(path)}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static string SafeFullPath(string path)
    {
        try
        {
            return System.IO.Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            return path;
        }
    }

    /// <summary>
    /// Applies the provider's migrations not yet applied, each in its own transaction. A store this version cannot
    /// reach (see <see cref="OpenNamed"/>) or one a newer version has migrated further is refused with a
    /// <see cref="ProblemException"/> on <c>store</c> that names it, before anything is written.
    /// </summary>
    public void Migrate(TimeProvider clock) => Migrate(clock, long.MaxValue);

    /// <summary>Applies the migrations not yet applied up to and including <paramref name="upTo"/>: a store as an older version left it (upgrade tests).</summary>
    public void Migrate(TimeProvider clock, long upTo)
    {
        using var connection = OpenNamed();
        // Several nodes starting together on one PostgreSQL database migrate one at a time (released on close).
        if (Provider == StoreProvider.Postgres) connection.Execute("SELECT pg_advisory_lock(7142031)");
        try
        {
            Apply(connection, clock, upTo);
            if (Provider == StoreProvider.Postgres && upTo >= Outbox.CommitOrderMigration)
            {
                using var transaction = connection.BeginTransaction();
                Outbox.Rebase(connection, transaction);
                transaction.Commit();
            }
        }
        finally
        {
            // Unlocked even when a migration fails: a pooled connection would otherwise keep the lock for the others.
            if (Provider == StoreProvider.Postgres) connection.Execute("SELECT pg_advisory_unlock(7142031)");
        }
    }

    /// <summary>The migration that makes the quality rollups (H3), which then sums the stored orders into them.</summary>
    private const long QualityMigration = 17;

    /// <summary>What a person calls this store in a message: the SQLite file's full path, or PostgreSQL's host:port/database (never a password).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// An open connection, or a <see cref="ProblemException"/> on <c>store</c> naming the store and why it cannot be
    /// opened (a missing directory, a file that is not a database, a server that refuses): for the command line and
    /// start-up, where "unexpected SqliteException … Error 14" helps nobody.
    /// </summary>
    public DbConnection OpenNamed()
    {
        try
        {
            return Open();
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw ProblemException.Invalid("store", $"cannot open {Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>The migrations this version carries for the store's provider, in order: (version, resource name).</summary>
    public static IReadOnlyList<(long Version, string Resource)> Migrations(StoreProvider provider)
    {
        var prefix = $"LastClick.Data.Migrations.{(provider == StoreProvider.Sqlite ? "sqlite" : "postgres")}.";
        return [.. typeof(Store).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => (long.Parse(n[prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture), n))];
    }

    /// <summary>The newest schema version this build knows.</summary>
    public long KnownVersion => Migrations(Provider)[^1].Version;

    private void Apply(DbConnection connection, TimeProvider clock, long upTo)
    {
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var known = KnownVersion;
        if (applied.Count > 0 && applied.Max() > known)
        {
            throw ProblemException.Invalid("store", $"{Name} has schema version {applied.Max()}, newer than this LastClick knows ({known}): run the version that upgraded it (or a newer one), or restore a backup from before the upgrade");
        }
        var assembly = typeof(Store).Assembly;
        foreach (var (version, name) in Migrations(Provider))
        {
            if (applied.Contains(version) || version > upTo) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var sql = reader.ReadToEnd();
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

    private readonly bool _durable;

    // SQLite counts every allocation of the process under one global mutex (memory statistics, which nothing here reads):
    // off, as SQLite recommends for speed. Set before SQLite starts (the first connection starts it); where something
    // opened a connection first, SQLite refuses the setting and nothing changes.
    static SqliteStore()
    {
        SQLitePCL.Batteries_V2.Init();
        MemoryStatisticsOff = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0) == SQLitePCL.raw.SQLITE_OK;
    }

    /// <summary>Whether SQLite took the setting (false: something started SQLite before any store; only speed is lost).</summary>
    internal static bool MemoryStatisticsOff { get; }

    /// <param name="path">The database file (made with its folder when missing).</param>
    /// <param name="durable">
    /// False for a store that is deleted afterwards (<see cref="Replay.TemporaryStore"/>): commits are not synced to
    /// disk (a crash loses a store nobody keeps), which spares a replay's checkpoints their fsync.
    /// </param>
    public SqliteStore(string path, bool durable = true)
    {
        _durable = durable;
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        _connectionString = ConnectionString(path);
        _pool = Pools.GetOrAdd(_connectionString, _ => new object());
        // Keyed by the file's full path: another spelling of the same path (relative, ./) queues at the same gate.
        _gate = Gates.GetOrAdd(System.IO.Path.GetFullPath(path), _ => new WriteGate());
        using var connection = OpenPooled();
        // WAL is a property of the database file; it persists once set.
        connection.Execute("PRAGMA journal_mode=WAL;");
    }

    public string Path { get; }

    // One per file: every store object of the process on the file queues at the same gate.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, WriteGate> Gates = new(StringComparer.Ordinal);
    private readonly WriteGate _gate;

    internal override WriteGate Gate => _gate;

    public override string Name => System.IO.Path.GetFullPath(Path);

    public override StoreProvider Provider => StoreProvider.Sqlite;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
    }.ToString();

    // Microsoft.Data.Sqlite's pool marks a connection in use in two unsynchronised writes (active, then its owner),
    // and a pool being cleared or short of idle connections "reclaims" any active connection without a live owner:
    // caught between the two writes, a connection just handed out is disposed (ObjectDisposedException: sqlite3) or
    // pooled again under its new user. Taking a connection from a pool and clearing that pool are therefore one at a
    // time, per pool (a pool is a connection string, shared by every store on the same file). Clearing touches only
    // the store's own pool: SqliteConnection.ClearAllPools would reach into every other store of the process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> Pools = new(StringComparer.Ordinal);

    private readonly object _pool;

    private SqliteConnection OpenPooled()
    {
        var connection = new SqliteConnection(_connectionString);
        lock (_pool) connection.Open();
        return connection;
    }

    /// <summary>
    /// Closes the idle pooled connections to the database at <paramref name="path"/> (as <see cref="Dispose"/> does for
    /// a store), so another process can take the file over. Other databases' pools are left alone.
    /// </summary>
    public static void ReleaseFile(string path) => ClearPool(ConnectionString(path));

    private static void ClearPool(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        lock (Pools.GetOrAdd(connectionString, _ => new object())) SqliteConnection.ClearPool(connection);
    }

    public override DbConnection Open()
    {
        var connection = OpenPooled();
        // Per connection: NORMAL is durable against a process crash in WAL mode (commits reach the OS at once).
        // A 64 MiB page cache and memory-mapped reads keep hot pages out of read() calls. The settings stay with the
        // pooled SQLite handle, so they are made once per handle; the checkpoint setting (which a group-commit writer
        // turns off on its own connection) is put back on every open.
        if (!Configured.TryGetValue(connection.Handle!, out _))
        {
            connection.Execute((_durable ? "PRAGMA synchronous=NORMAL; " : "PRAGMA synchronous=OFF; ") + "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; " +
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY; PRAGMA journal_size_limit=67108864;");
            Configured.AddOrUpdate(connection.Handle!, Marker);
        }
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_autocheckpoint=1000";
        command.ExecuteNonQuery();
        return connection;
    }

    public override void Dispose() => ClearPool(_connectionString);
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

    public override string Name
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
        }
    }

    public override DbConnection Open() => _dataSource.OpenConnection();

    /// <summary>Closes the idle pooled connections (after the server went away, so none of them is handed out).</summary>
    public void ClearPool() => _dataSource.Clear();

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

    /// <summary>Whether a store specification names PostgreSQL: a <c>postgres://</c> URL or an Npgsql connection string (<c>Host=…</c>).</summary>
    public static bool Names(string spec) => IsUrl(spec) || spec.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

    private static bool IsUrl(string spec) =>
        spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The Npgsql connection string of a specification <see cref="Names"/> accepts; a malformed one throws
    /// <see cref="UriFormatException"/>, <see cref="ArgumentException"/> or <see cref="FormatException"/>.
    /// </summary>
    public static string ConnectionStringOf(string spec) => IsUrl(spec) ? FromUrl(spec) : new NpgsqlConnectionStringBuilder(spec).ConnectionString;

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
