using LastClick.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Reports;

/// <summary>
/// SQLite: the report rollups' changes that are not a click's — an order's insert, its events, the hold's end, a
/// payout run — wait in <c>rollup_journal</c>, in the transaction that makes them: one row per quarter hour and full
/// key of each write (a group commit's pieces are summed into one write for the batch; a session that writes several
/// times may journal a key more than once, and the readers and the fold add them up alike). Once <see cref="FoldEvery"/> rows wait, the write that
/// made them that many folds them all into the 16 tables and empties the journal, in its transaction too: a thousand
/// orders' rows touch each page of a small table once, not once a commit (docs/performance.md). A report adds
/// the rows still waiting, read in its own snapshot (<see cref="Waiting"/>), so it never misses one.
/// Clicks have their own journal, the clicks table (<see cref="Tracking.ClickJournal"/>). PostgreSQL writes every change
/// with it: several nodes write at once there, and a fold would make their transactions wait on each other.
/// </summary>
public static class RollupJournal
{
    /// <summary>Rows waiting before the write that makes them that many folds them.</summary>
    public const int FoldEvery = 1_024;

    /// <summary>Whether rollup changes wait in the journal on this store (SQLite).</summary>
    public static bool On(DbSession s) => s.Provider == StoreProvider.Sqlite;

    private static readonly string[] KeyColumns = [.. Enum.GetValues<Dimension>().Select(Cube.Column)];

    private static readonly string Columns = string.Join(", ", ["at", .. KeyColumns, .. Measure.Columns]);

    /// <summary>Adds the batch's changes to the journal, and folds it when <see cref="FoldEvery"/> rows wait.</summary>
    internal static void Append(DbSession s, RollupBatch batch)
    {
        s.Resource(session => new SqliteAppend((SqliteConnection)session.Connection)).Write(batch);
        if (Waits(s) >= FoldEvery) Fold(s);
    }

    /// <summary>
    /// Adds every waiting change to the rollup tables and empties the journal, in the session's transaction; returns how
    /// many rows it folded. For a write that reads the tables themselves, or drops what they were summed from.
    /// </summary>
    public static int Fold(DbSession s)
    {
        if (!On(s) || s.RollupsAtEnd) return 0;
        var rollups = new RollupBatch();
        var (count, last) = Read(s, rollups);
        if (count == 0) return 0;
        RollupWriter.WriteNow(s, rollups);
        s.Execute("DELETE FROM rollup_journal WHERE seq <= @last", new { last });
        return count;
    }

    /// <summary>
    /// <paramref name="clicks"/> (the clicks waiting, or null) with the changes waiting here added, read in the session's
    /// snapshot (a read session: it takes no write lock); null when nothing waits in either.
    /// </summary>
    internal static RollupBatch? Waiting(DbSession s, RollupBatch? clicks)
    {
        if (!On(s)) return clicks;
        var rollups = clicks ?? new RollupBatch();
        return Read(s, rollups).Count == 0 && clicks is null ? null : rollups;
    }

    /// <summary>
    /// Folds both journals, clicks' and this one, if anything waits (a read-only look first): for a tool or a test that
    /// reads the rollup tables themselves. Reports need not: they add what waits as they read.
    /// </summary>
    public static void Catch(Store store)
    {
        Tracking.ClickJournal.Catch(store);
        if (store.Read(s => On(s) && Waits(s) > 0)) store.InSession(Fold);
    }

    // How many rows wait: a fold empties the table, and SQLite numbers the next row after the largest left (1 in an
    // empty table), so the largest seq is the count, found without a scan.
    private static long Waits(DbSession s) => s.Scalar<long>("SELECT COALESCE(MAX(seq), 0) FROM rollup_journal");

    // Every waiting row, in the order written, added to rollups: how many and the last seq.
    private static (int Count, long Last) Read(DbSession s, RollupBatch rollups)
    {
        var (count, last) = (0, 0L);
        using var reader = s.Reader($"SELECT seq, {Columns} FROM rollup_journal ORDER BY seq");
        var measures = new long[Measure.Count];
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            var key = new string[KeyColumns.Length];
            for (var i = 0; i < key.Length; i++) key[i] = reader.GetString(2 + i);
            for (var m = 0; m < measures.Length; m++) measures[m] = reader.GetInt64(2 + key.Length + m);
            rollups.Add(reader.GetInt64(1), key, measures);
            count++;
        }
        return (count, last);
    }

    /// <summary>The journal's insert, prepared once per session and bound by position (every order commit runs it).</summary>
    private sealed class SqliteAppend : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _insert;

        public SqliteAppend(SqliteConnection connection)
        {
            _db = connection.Handle!;
            var values = string.Join(", ", Enumerable.Range(1, 1 + KeyColumns.Length + Measure.Count).Select(i => $"?{i}"));
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, $"INSERT INTO rollup_journal ({Columns}) VALUES ({values})", out _insert), _db);
        }

        public void Write(RollupBatch batch)
        {
            foreach (var (at, key, measures) in batch.Facts)
            {
                if (!Array.TrueForAll(measures, m => m == 0)) SqliteRow.Run(_db, _insert, at, key, measures);
            }
        }

        public void Dispose() => _insert.Dispose();
    }
}
