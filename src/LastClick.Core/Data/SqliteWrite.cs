using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Data;

/// <summary>
/// One INSERT, UPDATE or DELETE of a session on SQLite, run through SQLitePCL directly: prepared once, its parameters'
/// positions looked up once, each run binding values by position. Microsoft.Data.Sqlite looks every parameter up by
/// name on every run and checks that each of the statement's parameters has a value (a name read back from SQLite and
/// compared with every parameter's): about a fifth of the replay's time went there (docs/performance.md).
/// </summary>
/// <remarks>
/// Only what binds the same way through both: text, integers, booleans (1/0), floating point, blobs and nulls. A
/// statement it cannot take (several statements, RETURNING, a parameter the object does not have) or a value of
/// another type is left to Microsoft.Data.Sqlite, which then reports what it reports.
/// </remarks>
internal sealed class SqliteWrite : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions;

    private SqliteWrite(sqlite3 db, sqlite3_stmt statement, DbSession.Binder binder, int[] positions) =>
        (_db, _statement, Binder, _positions) = (db, statement, binder, positions);

    /// <summary>The parameter object's binder the statement was prepared for.</summary>
    public DbSession.Binder Binder { get; }

    /// <summary>The statement prepared on <paramref name="connection"/>, or null when it is not one this runs.</summary>
    public static SqliteWrite? TryPrepare(SqliteConnection connection, string sql, DbSession.Binder binder)
    {
        var text = sql.AsSpan().TrimStart();
        if (!(text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
              || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase))
            || sql.Contains("RETURNING", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var db = connection.Handle!;
        if (raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail) != raw.SQLITE_OK || !string.IsNullOrWhiteSpace(tail))
        {
            statement?.Dispose();
            return null;
        }
        var positions = new int[binder.Names.Length];
        for (var i = 0; i < positions.Length; i++) positions[i] = raw.sqlite3_bind_parameter_index(statement, binder.Names[i]);
        // Every parameter of the statement has a value in the object (repeated names share one position).
        if (positions.Where(p => p > 0).Distinct().Count() != raw.sqlite3_bind_parameter_count(statement))
        {
            statement.Dispose();
            return null;
        }
        return new SqliteWrite(db, statement, binder, positions);
    }

    /// <summary>
    /// Runs it with the values of <paramref name="param"/>: the rows changed, or null when a value is not one it binds
    /// (nothing ran). Also null when SQLite has rolled the session's transaction back by itself (a full disk, an I/O
    /// error): Microsoft.Data.Sqlite then refuses the statement, where this would run it outside any transaction.
    /// </summary>
    public int? Run(object? param)
    {
        if (raw.sqlite3_get_autocommit(_db) != 0) return null;
        try
        {
            for (var i = 0; i < _positions.Length; i++)
            {
                if (_positions[i] == 0) continue;
                var rc = Binder.Value(i, param!) switch
                {
                    null or DBNull => raw.sqlite3_bind_null(_statement, _positions[i]),
                    string s => raw.sqlite3_bind_text(_statement, _positions[i], s),
                    long l => raw.sqlite3_bind_int64(_statement, _positions[i], l),
                    int n => raw.sqlite3_bind_int64(_statement, _positions[i], n),
                    bool b => raw.sqlite3_bind_int64(_statement, _positions[i], b ? 1 : 0),
                    // NaN: SQLite would store a null, Microsoft.Data.Sqlite refuses it.
                    double d when !double.IsNaN(d) => raw.sqlite3_bind_double(_statement, _positions[i], d),
                    byte[] bytes => raw.sqlite3_bind_blob(_statement, _positions[i], bytes),
                    _ => -1,
                };
                if (rc == -1) return null;
                if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
            }
            var step = raw.sqlite3_step(_statement);
            if (step != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(step, _db);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();
}
