using LastClick.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LastClick.Reports;

/// <summary>
/// The report rollups' changes that are not the redirect's — an order's insert, its events, the hold's end, a payout
/// run — wait in <c>rollup_journal</c>, in the transaction that makes them: one row per quarter hour and full key of
/// each write (a group commit's pieces are summed into one write for the batch; a session that writes several times
/// may journal a key more than once, and the readers and the fold add them up alike). Once <see cref="FoldEvery"/> rows
/// wait, the write that made them that many folds them all into the 16 tables and takes them out of the journal, in
/// its transaction too: a thousand orders' rows touch each page of a small table once, not once a commit, and merge
/// into one row of a coarse one (docs/performance.md). A report adds the rows still waiting, read in its own snapshot
/// (<see cref="Waiting"/>), so it never misses one. On SQLite clicks have their own journal, the clicks table
/// (<see cref="Tracking.ClickJournal"/>). On PostgreSQL (since the ninth session; decision 0009) the redirect's batches
/// still write the tables with the clicks, and everything else waits here as on SQLite: several nodes then append
/// without queueing on the program-wide rows; the write whose seqs pass a multiple of <see cref="FoldEvery"/> folds,
/// after its commit, in a transaction of its own; a fold takes its rows with <c>DELETE … RETURNING</c> (a fold by
/// another node at the same time waits for it and finds them gone); and a read session sees the tables and the
/// journal in one snapshot (REPEATABLE READ, <see cref="DbSession"/>).
/// </summary>
public static class RollupJournal
{
    /// <summary>Rows waiting before the write that makes them that many folds them.</summary>
    public const int FoldEvery = 1_024;

    private static readonly string[] KeyColumns = [.. Enum.GetValues<Dimension>().Select(Cube.Column)];

    private static readonly string Columns = string.Join(", ", ["at", .. KeyColumns, .. Measure.Columns]);

    /// <summary>
    /// Adds the batch's changes to the journal (every rollup change but the redirect's goes here, folded into the tables
    /// later), and folds it when <see cref="FoldEvery"/> rows wait (on PostgreSQL, after the write commits).
    /// </summary>
    internal static void Append(DbSession s, RollupBatch batch)
    {
        if (batch.IsEmpty) return;
        if (s.Provider == StoreProvider.Sqlite)
        {
            s.Resource(session => new SqliteAppend((SqliteConnection)session.Connection)).Write(batch);
            if (Waits(s) >= FoldEvery) Fold(s);
        }
        else if (AppendPostgres(s, batch) is { } added && added.Last / FoldEvery > (added.First - 1) / FoldEvery)
        {
            // Not in this transaction, which may be long (a payout run, the hold's end): a fold holds the rows it takes
            // and the table rows it adds to until it commits, and every other fold would queue behind it.
            s.FoldDue = true;
        }
    }

    /// <summary>
    /// PostgreSQL: the batch's rows in one statement (one array per column, unnested); answers the first and last seq
    /// it was given. Nodes share the seqs, so the write whose seqs pass a multiple of <see cref="FoldEvery"/> folds,
    /// just after it commits, in a short transaction of its own (<see cref="DbSession.FoldIfDue"/>): without reading
    /// the journal, whose oldest rows a fold has just deleted (a <c>MIN(seq)</c> walked their dead index entries: 1 ms
    /// an append, measured). A write that passed one and rolled back, or whose fold failed, leaves the fold to the next
    /// multiple; readers add what waits all the same.
    /// </summary>
    private static (long First, long Last)? AppendPostgres(DbSession s, RollupBatch batch)
    {
        var facts = batch.Facts.Where(f => !Array.TrueForAll(f.Measures, m => m == 0)).ToList();
        if (facts.Count == 0) return null;
        using var command = new Npgsql.NpgsqlCommand { Connection = (Npgsql.NpgsqlConnection)s.Connection, Transaction = (Npgsql.NpgsqlTransaction)s.Transaction };
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>("at", [.. facts.Select(f => f.At)]));
        for (var k = 0; k < KeyColumns.Length; k++) command.Parameters.Add(new Npgsql.NpgsqlParameter<string[]>($"k{k}", [.. facts.Select(f => f.Key[k])]));
        for (var m = 0; m < Measure.Count; m++) command.Parameters.Add(new Npgsql.NpgsqlParameter<long[]>($"m{m}", [.. facts.Select(f => f.Measures[m])]));
        command.CommandText = PostgresAppendSql;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static readonly string PostgresAppendSql = $"""
        WITH added AS (INSERT INTO rollup_journal ({Columns})
            SELECT * FROM unnest(@at, {string.Join(", ", KeyColumns.Select((_, k) => $"@k{k}"))}, {string.Join(", ", Enumerable.Range(0, Measure.Count).Select(m => $"@m{m}"))})
            RETURNING seq)
        SELECT MIN(seq), MAX(seq) FROM added
        """;

    /// <summary>
    /// Adds every waiting change to the rollup tables and empties the journal, in the session's transaction; returns how
    /// many rows it folded. For a write that reads the tables themselves, or drops what they were summed from.
    /// </summary>
    public static int Fold(DbSession s)
    {
        if (s.RollupsAtEnd) return 0;
        var rollups = new RollupBatch();
        if (s.Provider == StoreProvider.Sqlite)
        {
            // The only writer of the file: read, add, delete what was read.
            var (count, last) = Read(s, rollups, ReadSql);
            if (count == 0) return 0;
            RollupWriter.WriteNow(s, rollups);
            s.Execute("DELETE FROM rollup_journal WHERE seq <= @last", new { last });
            return count;
        }
        // PostgreSQL: the rows are taken as they are read. A fold of another node at the same time waits for this one
        // (on these rows, and on the table rows it adds to) and then finds these gone, so each is folded once; rows of
        // a transaction not committed yet wait for the next fold.
        var taken = Read(s, rollups, $"DELETE FROM rollup_journal RETURNING seq, {Columns}").Count;
        if (taken > 0) RollupWriter.WriteNow(s, rollups);
        return taken;
    }

    /// <summary>
    /// <paramref name="clicks"/> (the clicks waiting, or null) with the changes waiting here added, read in the session's
    /// snapshot (a read session: it takes no write lock); null when nothing waits in either.
    /// </summary>
    internal static RollupBatch? Waiting(DbSession s, RollupBatch? clicks)
    {
        var rollups = clicks ?? new RollupBatch();
        return Read(s, rollups, ReadSql).Count == 0 && clicks is null ? null : rollups;
    }

    /// <summary>
    /// Folds both journals, clicks' and this one, if anything waits (a read-only look first): for a tool or a test that
    /// reads the rollup tables themselves. Reports need not: they add what waits as they read.
    /// </summary>
    public static void Catch(Store store)
    {
        Tracking.ClickJournal.Catch(store);
        if (store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM (SELECT 1 FROM rollup_journal LIMIT 1) j") > 0)) store.InSession(Fold);
    }

    // SQLite: how many rows wait. A fold empties the table, and SQLite numbers the next row after the largest left (1 in an
    // empty table), so the largest seq is the count, found without a scan.
    private static long Waits(DbSession s) => s.Scalar<long>("SELECT COALESCE(MAX(seq), 0) FROM rollup_journal");

    private static readonly string ReadSql = $"SELECT seq, {Columns} FROM rollup_journal ORDER BY seq";

    // Every row <paramref name="sql"/> answers (seq, then the columns), added to rollups: how many and the largest seq.
    private static (int Count, long Last) Read(DbSession s, RollupBatch rollups, string sql)
    {
        var (count, last) = (0, 0L);
        using var reader = s.Reader(sql);
        var measures = new long[Measure.Count];
        while (reader.Read())
        {
            // In column order: PostgreSQL's readers are sequential.
            last = Math.Max(last, reader.GetInt64(0));
            var at = reader.GetInt64(1);
            var key = new string[KeyColumns.Length];
            for (var i = 0; i < key.Length; i++) key[i] = reader.GetString(2 + i);
            for (var m = 0; m < measures.Length; m++) measures[m] = reader.GetInt64(2 + key.Length + m);
            rollups.Add(at, key, measures);
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
