using LastClick.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Tracking;

/// <summary>
/// The click insert on SQLite, prepared once on a connection and bound by position through SQLitePCLRaw: the click
/// writer's for its life, and a session's for clicks stored one at a time (the replay, the demo). It is the hottest
/// statement of the platform (one per redirect): Microsoft.Data.Sqlite binds every parameter by name, looking each one
/// up in the statement, which cost several times the insert itself (docs/performance.md). Runs inside the connection's
/// open transaction like any other statement.
/// </summary>
internal sealed class SqliteClickInsert : IDisposable
{
    private const string Sql = $"""
        INSERT INTO clicks ({TrackingService.Columns})
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SourceSql = "SELECT traffic_type FROM publishers WHERE id = ?1";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly sqlite3_stmt _source;

    public SqliteClickInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, Sql, out _statement), _db);
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, SourceSql, out _source), _db);
    }

    /// <summary>
    /// Stores the click; true when it is new (a click already stored is left as it is). Its rollups wait in the
    /// journal (<see cref="ClickJournal"/>). <paramref name="sources"/> holds the publishers' traffic sources read in
    /// this batch (its transaction): one look-up per publisher and batch, never a stale copy.
    /// </summary>
    public bool Insert(Click click, ClickClass cls, Dictionary<string, string?> sources)
    {
        if (!sources.TryGetValue(click.PublisherId, out var source)) sources[click.PublisherId] = source = Source(click.PublisherId);
        return Insert(click, cls, source);
    }

    /// <summary>Stores one click on its own (one at a time, in the session's transaction): its publisher's traffic source is read now.</summary>
    public bool Insert(Click click, ClickClass cls) => Insert(click, cls, Source(click.PublisherId));

    private bool Insert(Click click, ClickClass cls, string? source)
    {
        var s = _statement;
        try
        {
            Text(1, click.Id);
            Text(2, click.ProgramId);
            Text(3, click.PublisherId);
            Text(4, click.LinkId);
            Text(5, click.VisitorId);
            raw.sqlite3_bind_int64(s, 6, Times.ToMicros(click.At));
            Text(7, click.Ip);
            Text(8, cls.Country);
            raw.sqlite3_bind_int64(s, 9, cls.Asn);
            raw.sqlite3_bind_int(s, 10, cls.Anonymizer ? 1 : 0);
            Text(11, cls.InvalidReason);
            Text(12, click.UserAgent);
            Text(13, click.Referrer);
            Text(14, click.Sub1);
            Text(15, click.Sub2);
            Text(16, click.Sub3);
            Text(17, click.Sub4);
            Text(18, click.Sub5);
            raw.sqlite3_bind_int(s, 19, click.Duplicate ? 1 : 0);
            Text(20, cls.Device);
            Text(21, cls.Evidence);
            Text(22, click.SignalKind);
            Text(23, click.SignalDetail);
            Text(24, source);
            var rc = raw.sqlite3_step(s);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_changes(_db) > 0;
        }
        finally
        {
            raw.sqlite3_reset(s);
            raw.sqlite3_clear_bindings(s);
        }

        void Text(int index, string? value)
        {
            var rc = value is null ? raw.sqlite3_bind_null(s, index) : raw.sqlite3_bind_text(s, index, value);
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private string? Source(string publisherId)
    {
        var q = _source;
        try
        {
            var rc = raw.sqlite3_bind_text(q, 1, publisherId);
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
            rc = raw.sqlite3_step(q);
            if (rc is not (raw.SQLITE_ROW or raw.SQLITE_DONE)) SqliteException.ThrowExceptionForRC(rc, _db);
            return rc == raw.SQLITE_ROW && raw.sqlite3_column_type(q, 0) != raw.SQLITE_NULL ? raw.sqlite3_column_text(q, 0).utf8_to_string() : null;
        }
        finally
        {
            raw.sqlite3_reset(q);
        }
    }

    public void Dispose()
    {
        _statement.Dispose();
        _source.Dispose();
    }
}
