using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace LastClick.Data;

/// <summary>
/// A connection with a transaction open: the unit the services write in. A call that stands alone opens one,
/// works and commits; a batch (the replay, a group commit) runs many calls in one and commits at checkpoints.
/// Disposing without <see cref="Commit"/> rolls back, so a failed call writes nothing.
/// </summary>
/// <remarks>
/// Statements are prepared once per session and reused with new parameter values: Microsoft.Data.Sqlite keeps a
/// prepared statement only on the command that made it, and compiling SQL again for every call cost more than
/// running it. Rows are mapped by Dapper's row parser; parameters are bound by name from the properties of the
/// object passed (<c>@Id</c> ← <c>Id</c>), as with Dapper. On SQLite an INSERT, UPDATE or DELETE runs through
/// <see cref="SqliteWrite"/>, which finds those names' positions once and binds by position.
/// </remarks>
public sealed partial class DbSession : IDisposable
{
    private readonly Dictionary<string, (DbCommand Command, Binder Binder)> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<(DbCommand, int, Type), Delegate> _mappers = [];
    private DbTransaction? _transaction;

    internal DbSession(DbConnection connection, StoreProvider provider, bool readOnly = false, WriteGate? gate = null)
    {
        _connection = connection;
        Provider = provider;
        _readOnly = readOnly;
        _gate = readOnly ? null : gate;
        try
        {
            _transaction = Start();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private readonly bool _readOnly;

    // SQLite: the writers of this process queue here first, and are handed the file's lock in turn (WriteGate).
    private readonly WriteGate? _gate;
    private object? _gateToken;

    /// <summary>
    /// How long a write session waits for the other writers of the process: SQLite's busy timeout (Store). Behind the
    /// gate it may wait that long again in SQLite's busy handler, for a writer of another process on the file.
    /// </summary>
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(30);

    // SQLite: a session that writes takes the write lock at once (BEGIN IMMEDIATE: no deadlock upgrading later);
    // one that only reads begins deferred and never waits on a writer (WAL readers see the last commit).
    // PostgreSQL: a session that only reads sees one snapshot for all its statements (REPEATABLE READ: a report adds
    // the rollup journal to the tables, and a fold committed between the two reads would otherwise be missed or counted
    // twice). A read-only transaction never fails for serialization on the primary; on a standby a recovery conflict
    // may cancel it, as any query there, and Store.Read reads again on the primary.
    private DbTransaction Start()
    {
        if (_readOnly && _connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) return sqlite.BeginTransaction(deferred: true);
        if (_readOnly) return _connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        if (_gate is not null)
        {
            _gateToken = _gate.TryEnter(GateTimeout)
                ?? throw new Microsoft.Data.Sqlite.SqliteException($"database is locked: another write of this process held it for {GateTimeout.TotalSeconds:0} s", 5);
        }
        try
        {
            return _connection.BeginTransaction();
        }
        catch
        {
            LeaveGate();
            throw;
        }
    }

    // Never throws: it runs after a commit, which must not be reported as failed once SQLite has it.
    private void LeaveGate()
    {
        if (_gateToken is not { } token) return;
        _gateToken = null;
        _gate!.Exit(token);
    }

    private readonly DbConnection _connection;

    /// <summary>
    /// The session's connection, for a statement made outside the session (Dapper, a raw command): the writes waiting
    /// to be sent (<see cref="Write"/>) are sent first, so what it reads has them.
    /// </summary>
    public DbConnection Connection
    {
        get
        {
            Flush();
            return _connection;
        }
    }
    public StoreProvider Provider { get; }

    /// <summary>The rollups a group commit's pieces add, summed per row and written once before the batch commits.</summary>
    internal sealed class Folding
    {
        public Reports.RollupBatch Rollups { get; } = new();
        public Reports.QualityRollup.Sums Quality { get; } = new();
        public Dictionary<Orders.Turnover.Key, long> Turnover { get; } = [];
    }

    private Folding? _batch;

    /// <summary>Where the piece of work running now adds its rollups, when it runs in a group commit (else null: written at once).</summary>
    internal Folding? Folded { get; private set; }

    /// <summary>A group commit's piece begins: its rollups are kept apart until it ends.</summary>
    internal void BeginPiece() => Folded = new Folding();

    /// <summary>The piece ended: its rollups join the batch's if it is kept (a piece rolled back to its savepoint adds none).</summary>
    internal void EndPiece(bool kept)
    {
        if (kept && Folded is { } piece)
        {
            _batch ??= new Folding();
            _batch.Rollups.Add(piece.Rollups);
            _batch.Quality.Add(piece.Quality);
            foreach (var (key, delta) in piece.Turnover) Orders.Turnover.Add(_batch.Turnover, key, delta);
        }
        Folded = null;
    }

    /// <summary>Writes the batch's summed rollups (in key order), inside its transaction, before it commits.</summary>
    internal void WriteFolded()
    {
        if (_batch is not { } batch) return;
        _batch = null;
        // In the order a single change writes them (turnover, report rollups, quality): PostgreSQL transactions then
        // take these rows' locks alike and do not deadlock on them.
        Orders.Turnover.WriteNow(this, batch.Turnover);
        Reports.RollupJournal.Append(this, batch.Rollups);
        if (!batch.Quality.IsEmpty) Reports.QualityRollup.WriteNow(this, batch.Quality);
    }

    /// <summary>
    /// Set by a session that fills a store from its start (the replay): the report and quality rollups are not kept change
    /// by change, <see cref="SumReportRollups"/> sums them from the stored clicks and orders once at the end, as the migrations
    /// that made those tables did. Nothing may read them in between (the replay's steps read none). B13's turnover is
    /// read by the steps and is kept as always.
    /// </summary>
    internal bool RollupsAtEnd { get; set; }

    /// <summary>
    /// Sums the report rollups again from the facts stored and empties quality's, which <see cref="Reports.QualityRollup.WriteNow"/>
    /// fills from <see cref="Orders.OrderRollup.SumQuality"/> (see <see cref="RollupsAtEnd"/>; the replay sums quality on a
    /// connection of its own meanwhile).
    /// </summary>
    internal void SumReportRollups() =>
        Dapper.SqlMapper.Execute(Connection, Reports.RollupRebuild.ByQuarterSql(Provider) + Tracking.ClickJournal.AllSummedSql + "DELETE FROM quality_m; DELETE FROM quality_lag_m;",
            transaction: Transaction);

    /// <summary>What the batch and the piece running now add to a turnover row and have not written yet.</summary>
    internal long Unwritten(Orders.Turnover.Key key) =>
        (_batch is { } batch ? batch.Turnover.GetValueOrDefault(key) : 0) + (Folded is { } piece ? piece.Turnover.GetValueOrDefault(key) : 0);

    public DbTransaction Transaction
    {
        get
        {
            Flush();
            return OpenTransaction;
        }
    }

    private DbTransaction OpenTransaction => _transaction ?? throw new InvalidOperationException("the session has been committed");

    private readonly List<Npgsql.NpgsqlBatchCommand> _pending = [];

    /// <summary>
    /// A write whose row count nobody reads (an order's lines, its ledger transfers, its outbox message). SQLite runs it
    /// at once. PostgreSQL keeps it and sends it with the session's next statement, in one round trip (an
    /// <c>NpgsqlBatch</c>, in order): every statement, the connection, the transaction and <see cref="Commit"/> send
    /// what waits first, so nothing reads around it and a failure is the failure of the work that wrote it (a group
    /// commit's piece ends with a statement of its own). Values are taken now: the object may change after.
    /// </summary>
    public void Write(string sql, object? param = null)
    {
        if (Provider != StoreProvider.Postgres)
        {
            Execute(sql, param);
            return;
        }
        _pending.Add(BatchCommand(sql, param));
    }

    /// <summary><see cref="Write"/> once for each item.</summary>
    public void WriteEach<T>(string sql, IEnumerable<T> items) where T : notnull
    {
        foreach (var item in items) Write(sql, item);
    }

    private static Npgsql.NpgsqlBatchCommand BatchCommand(string sql, object? param)
    {
        var binder = param is null ? Binder.None : Binder.For(param.GetType(), sql);
        var command = new Npgsql.NpgsqlBatchCommand(sql);
        for (var i = 0; i < binder.Names.Length; i++)
        {
            var p = new Npgsql.NpgsqlParameter { ParameterName = binder.Names[i], Value = binder.Value(i, param!) ?? DBNull.Value };
            if (binder.Types[i] is { } dbType) p.DbType = dbType;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>Sends the writes waiting, with <paramref name="last"/> after them when given; the last one's row count.</summary>
    private int Send(Npgsql.NpgsqlBatchCommand? last = null)
    {
        using var batch = TakePending(last);
        batch.ExecuteNonQuery();
        return last?.RecordsAffected ?? 0;
    }

    /// <summary>
    /// The writes waiting, and <paramref name="last"/> after them when given, in one <c>NpgsqlBatch</c> for the caller to
    /// run. They are taken off first: a failure aborts the transaction, and they are not sent twice.
    /// </summary>
    private Npgsql.NpgsqlBatch TakePending(Npgsql.NpgsqlBatchCommand? last)
    {
        var batch = new Npgsql.NpgsqlBatch((Npgsql.NpgsqlConnection)_connection, (Npgsql.NpgsqlTransaction?)_transaction);
        foreach (var command in _pending) batch.BatchCommands.Add(command);
        if (last is not null) batch.BatchCommands.Add(last);
        _pending.Clear();
        return batch;
    }

    private void Flush()
    {
        if (_pending.Count > 0) Send();
    }

    /// <summary>PostgreSQL: the last write waiting to be sent, to name it to <see cref="DiscardPending"/> (null when none, always on SQLite).</summary>
    internal Npgsql.NpgsqlBatchCommand? LastPending => _pending.Count > 0 ? _pending[^1] : null;

    /// <summary>
    /// PostgreSQL: drops writes waiting, unsent. When <paramref name="from"/> still waits, it and the writes after it go,
    /// and true says none of them reached the server; otherwise every write waiting goes, and false.
    /// </summary>
    internal bool DiscardPending(Npgsql.NpgsqlBatchCommand? from)
    {
        var at = from is null ? -1 : _pending.IndexOf(from);
        if (at >= 0)
        {
            _pending.RemoveRange(at, _pending.Count - at);
            return true;
        }
        _pending.Clear();
        return false;
    }

    /// <summary>Commits; the session is done (or, see <see cref="Resume"/>, idle until the next transaction).</summary>
    public void Commit()
    {
        var transaction = Transaction;
        transaction.Commit();
        transaction.Dispose();
        _transaction = null;
        LeaveGate();
    }

    /// <summary>
    /// PostgreSQL: set by a write whose rows in the report rollups' journal passed a multiple of
    /// <see cref="Reports.RollupJournal.FoldEvery"/>; <see cref="FoldIfDue"/> folds once it has committed.
    /// </summary>
    internal bool FoldDue { get; set; }

    /// <summary>
    /// After <see cref="Commit"/>: the fold a write made due, in a short transaction of its own on this connection
    /// (<see cref="Reports.RollupJournal"/>). A fold that fails is rolled back and changes nothing: what was committed
    /// stays answered, the rows wait on (readers add them), and the write that passes the next multiple folds them;
    /// <paramref name="failed"/> is told.
    /// </summary>
    internal void FoldIfDue(Action<Exception>? failed)
    {
        if (!FoldDue || _transaction is not null) return;
        FoldDue = false;
        try
        {
            _transaction = Start();
            Reports.RollupJournal.Fold(this);
            Commit();
        }
#pragma warning disable CA1031 // the write it follows is committed and answered; nothing of the fold's may fail it
        catch (Exception e)
        {
            _pending.Clear();
            try
            {
                _transaction?.Rollback();
            }
            catch (Exception)
            {
                // A connection that broke: its transaction is gone with it.
            }
            _transaction?.Dispose();
            _transaction = null;
            failed?.Invoke(e);
        }
#pragma warning restore CA1031
    }

    /// <summary>After <see cref="Commit"/>: begins the next transaction on the same connection, statements still prepared.</summary>
    public void Resume()
    {
        if (_transaction is not null) throw new InvalidOperationException("the session's transaction is still open");
        _transaction = Start();
    }

    /// <summary>Commits what was done so far and carries on in a new transaction.</summary>
    public void Checkpoint()
    {
        Commit();
        _transaction = Start();
    }

    public int Execute(string sql, object? param = null) =>
        // PostgreSQL: the writes waiting go in the same round trip as this statement.
        _pending.Count > 0 ? Send(BatchCommand(sql, param)) : SqliteRun(sql, param) ?? Command(sql, param).ExecuteNonQuery();

    /// <summary>Runs the statement once for each item, reusing one prepared statement.</summary>
    public int ExecuteEach<T>(string sql, IEnumerable<T> items) where T : notnull
    {
        var rows = 0;
        foreach (var item in items) rows += SqliteRun(sql, item) ?? Command(sql, item).ExecuteNonQuery();
        return rows;
    }

    private Dictionary<(string Sql, Binder Binder), SqliteWrite?>? _sqliteWrites;

    /// <summary>
    /// SQLite: a write run by <see cref="SqliteWrite"/>, prepared once per session, statement and object type; null when
    /// it is not one that runs there (or a value is not), for <see cref="Command"/> to run.
    /// </summary>
    private int? SqliteRun(string sql, object? param)
    {
        if (_connection is not Microsoft.Data.Sqlite.SqliteConnection sqlite) return null;
        _ = OpenTransaction;
        var binder = param is null ? Binder.None : Binder.For(param.GetType(), sql);
        _sqliteWrites ??= [];
        if (!_sqliteWrites.TryGetValue((sql, binder), out var write)) _sqliteWrites[(sql, binder)] = write = SqliteWrite.TryPrepare(sqlite, sql, binder);
        return write?.Run(param);
    }

    public List<T> Query<T>(string sql, object? param = null)
    {
        // PostgreSQL: the writes waiting (a group commit's savepoint among them) go in the same round trip.
        if (_pending.Count > 0) return QueryAfterPending<T>(sql, param);
        var command = Command(sql, param);
        using var reader = command.ExecuteReader();
        return ReadAll<T>(reader, (command, 0));
    }

    /// <summary>
    /// The writes waiting and then the query, in one <c>NpgsqlBatch</c>: statements without rows give no result set,
    /// so the reader starts at the query's. A failure of any of them is this call's, as <see cref="Flush"/>'s would be.
    /// </summary>
    private List<T> QueryAfterPending<T>(string sql, object? param)
    {
        // The session's command for this SQL, bound but not run: its parameters go into the batch, and rows are
        // mapped by the mapper kept for it.
        var command = Command(sql, param, flush: false);
        var query = new Npgsql.NpgsqlBatchCommand(sql);
        foreach (Npgsql.NpgsqlParameter p in command.Parameters) query.Parameters.Add(p.Clone());
        using var batch = TakePending(query);
        using var reader = batch.ExecuteReader();
        return ReadAll<T>(reader, (command, 0));
    }

    /// <summary>
    /// A forward-only reader over the rows, for results too large to hold (feeds): the caller reads and disposes it
    /// before the session's next statement.
    /// </summary>
    public DbDataReader Reader(string sql, object? param = null) => Command(sql, param).ExecuteReader(System.Data.CommandBehavior.SequentialAccess);

    public T? QuerySingleOrDefault<T>(string sql, object? param = null)
    {
        var rows = Query<T>(sql, param);
        return rows.Count switch
        {
            0 => default,
            1 => rows[0],
            _ => throw new InvalidOperationException($"expected at most one row, got {rows.Count}: {sql}"),
        };
    }

    public T Scalar<T>(string sql, object? param = null) =>
        QuerySingleOrDefault<T>(sql, param) ?? throw new InvalidOperationException($"no row: {sql}");

    /// <summary>Several result sets from one command, read in order with <see cref="Results.Read{T}"/>.</summary>
    public Results QueryMultiple(string sql, object? param = null)
    {
        var command = Command(sql, param);
        return new(this, command, command.ExecuteReader());
    }

    public sealed class Results(DbSession session, DbCommand command, DbDataReader reader) : IDisposable
    {
        private int _index = -1;

        public List<T> Read<T>()
        {
            if (++_index > 0 && !reader.NextResult()) throw new InvalidOperationException("no more result sets");
            return session.ReadAll<T>(reader, (command, _index));
        }

        public T? ReadSingleOrDefault<T>() => Read<T>() is { Count: > 0 } rows ? rows[0] : default;

        public void Dispose() => reader.Dispose();
    }

    private List<T> ReadAll<T>(DbDataReader reader, (DbCommand Command, int Result) source)
    {
        if (RowMapper<T>.Supported)
        {
            var mapped = new List<T>();
            if (reader.FieldCount == 0) return mapped;
            // The same command gives the same columns: the mapper is looked up once per command and result set.
            var key = (source.Command, source.Result, typeof(T));
            if (!_mappers.TryGetValue(key, out var mapper)) _mappers[key] = mapper = RowMapper<T>.For(reader);
            var map = (Func<DbDataReader, T>)mapper;
            while (reader.Read()) mapped.Add(map(reader));
            return mapped;
        }
        var rows = new List<T>();
        if (reader.FieldCount == 0) return rows;
        var simple = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (simple.IsPrimitive || simple == typeof(string) || simple == typeof(decimal))
        {
            // A single column: Dapper's row parser is for rows of several columns.
            while (reader.Read())
            {
                rows.Add(reader.IsDBNull(0) ? default! : (T)Convert.ChangeType(reader.GetValue(0), simple, System.Globalization.CultureInfo.InvariantCulture));
            }
            return rows;
        }
        var parse = reader.GetRowParser<T>();
        while (reader.Read()) rows.Add(parse(reader));
        return rows;
    }

    private DbCommand Command(string sql, object? param, bool flush = true)
    {
        if (flush) Flush();
        var binder = param is null ? Binder.None : Binder.For(param.GetType(), sql);
        if (!_commands.TryGetValue(sql, out var cached) || cached.Binder != binder)
        {
            if (cached.Command is { } old)
            {
                old.Dispose();
                foreach (var key in _mappers.Keys.Where(k => k.Item1 == old).ToList()) _mappers.Remove(key);
            }
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < binder.Names.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = binder.Names[i];
                // Typed even when null, so PostgreSQL can tell the type of "@x IS NULL".
                if (binder.Types[i] is { } dbType) p.DbType = dbType;
                command.Parameters.Add(p);
            }
            cached = (command, binder);
            _commands[sql] = cached;
        }
        cached.Command.Transaction = OpenTransaction;
        binder.Bind(cached.Command, param);
        return cached.Command;
    }

    private Dictionary<Type, IDisposable>? _resources;

    /// <summary>
    /// Something made once per session on its connection (a raw prepared statement) and reused by later calls in
    /// it; disposed with the session.
    /// </summary>
    internal T Resource<T>(Func<DbSession, T> create) where T : class, IDisposable
    {
        _resources ??= [];
        if (_resources.TryGetValue(typeof(T), out var made)) return (T)made;
        var resource = create(this);
        _resources[typeof(T)] = resource;
        return resource;
    }

    public void Dispose()
    {
        try
        {
            if (_resources is not null) foreach (var resource in _resources.Values) resource.Dispose();
            foreach (var (command, _) in _commands.Values) command.Dispose();
            if (_sqliteWrites is not null) foreach (var write in _sqliteWrites.Values) write?.Dispose();
            _transaction?.Dispose();
        }
        finally
        {
            // Whatever failed above, the next writer of the file goes (the connection's close ends the transaction).
            LeaveGate();
            _connection.Dispose();
        }
    }

    /// <summary>
    /// Maps rows to a class of settable properties by column name, with typed getters (no per-row type checks):
    /// for the row types read on every call. Made once per type and column list.
    /// </summary>
    private static class RowMapper<T>
    {
        public static readonly bool Supported = typeof(T).IsClass && typeof(T) != typeof(string) && typeof(T).GetConstructor(Type.EmptyTypes) is not null
            && typeof(T).GetProperties().All(p => !p.CanWrite || Getters.ContainsKey(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType));

        private static readonly ConcurrentDictionary<string, Func<DbDataReader, T>> Cache = new(StringComparer.Ordinal);

        public static Func<DbDataReader, T> For(DbDataReader reader)
        {
            var columns = new string[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++) columns[i] = reader.GetName(i);
            return Cache.GetOrAdd(string.Join(',', columns), static (_, cols) => Build(cols), columns);
        }

        private static Func<DbDataReader, T> Build(string[] columns)
        {
            var reader = Expression.Parameter(typeof(DbDataReader));
            var row = Expression.Variable(typeof(T));
            var body = new List<Expression> { Expression.Assign(row, Expression.New(typeof(T))) };
            var properties = typeof(T).GetProperties().Where(p => p.CanWrite)
                .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            var nullability = new NullabilityInfoContext();
            for (var i = 0; i < columns.Length; i++)
            {
                if (!properties.TryGetValue(columns[i].Replace("_", "", StringComparison.Ordinal), out var property)) continue;
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                Expression value = Expression.Call(reader, Getters[type], Expression.Constant(i));
                if (type != property.PropertyType) value = Expression.Convert(value, property.PropertyType);
                var assign = Expression.Assign(Expression.Property(row, property), value);
                if (nullability.Create(property).WriteState != NullabilityState.Nullable && Nullable.GetUnderlyingType(property.PropertyType) is null)
                {
                    // Declared non-null: the schema says NOT NULL, so no check (each check is another call into SQLite).
                    body.Add(assign);
                    continue;
                }
                var isNull = Expression.Call(reader, typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull))!, Expression.Constant(i));
                body.Add(Expression.IfThen(Expression.Not(isNull), assign));
            }
            body.Add(row);
            return Expression.Lambda<Func<DbDataReader, T>>(Expression.Block([row], body), reader).Compile();
        }
    }

    private static readonly Dictionary<Type, MethodInfo> Getters = new()
    {
        [typeof(string)] = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetString))!,
        [typeof(long)] = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetInt64))!,
        [typeof(int)] = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetInt32))!,
        [typeof(bool)] = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetBoolean))!,
    };

    /// <summary>Which properties of a parameter type a statement uses, with compiled getters; made once per (type, SQL).</summary>
    internal sealed partial class Binder
    {
        public static readonly Binder None = new([], [], []);
        private static readonly ConcurrentDictionary<(Type, string), Binder> Cache = new();

        private readonly Func<object, object?>[] _getters;

        private Binder(string[] names, System.Data.DbType?[] types, Func<object, object?>[] getters) => (Names, Types, _getters) = (names, types, getters);

        public string[] Names { get; }
        public System.Data.DbType?[] Types { get; }

        private static System.Data.DbType? TypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => System.Data.DbType.String,
            var t when t == typeof(long) => System.Data.DbType.Int64,
            var t when t == typeof(int) => System.Data.DbType.Int32,
            var t when t == typeof(bool) => System.Data.DbType.Boolean,
            _ => null,
        };

        public static Binder For(Type type, string sql) => Cache.GetOrAdd((type, sql), static key =>
        {
            var (t, text) = key;
            var used = ParameterName().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var properties = t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && used.Contains(p.Name)).ToArray();
            return new Binder(properties.Select(p => "@" + p.Name).ToArray(), properties.Select(p => TypeOf(p.PropertyType)).ToArray(),
                properties.Select(Getter).ToArray());
        });

        private static Func<object, object?> Getter(PropertyInfo property)
        {
            var instance = Expression.Parameter(typeof(object));
            var value = Expression.Property(Expression.Convert(instance, property.DeclaringType!), property);
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(value, typeof(object)), instance).Compile();
        }

        /// <summary>The value of the <paramref name="index"/>th parameter in <paramref name="param"/>.</summary>
        public object? Value(int index, object param) => _getters[index](param);

        public void Bind(DbCommand command, object? param)
        {
            for (var i = 0; i < _getters.Length; i++) command.Parameters[i].Value = _getters[i](param!) ?? DBNull.Value;
        }

        [GeneratedRegex(@"@([A-Za-z_][A-Za-z0-9_]*)")]
        private static partial Regex ParameterName();
    }
}
