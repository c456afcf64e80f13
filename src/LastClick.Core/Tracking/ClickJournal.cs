using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Tracking;

/// <summary>
/// SQLite: the report rollups of clicks are folded from the clicks table a few hundred at a time, not click by click.
/// A click adds a row to each of up to 16 rollup tables, and with many distinct report keys (publishers × links × sub
/// ids × countries) each of those rows is on a page of its own: writing them with each commit of ~50 clicks made the
/// click writer copy ~7.5 pages (33 KB) into the WAL a click, two thirds of its time (docs/performance.md). Folded a
/// few hundred clicks at a time, the rows of one publisher, day and table share more of their pages.
/// </summary>
/// <remarks>
/// <para>The journal is the clicks table itself: <c>click_rollup_mark</c> holds the seq up to which clicks are in the
/// rollups, and <see cref="Fold(DbSession)"/> adds those after it and moves the mark, in one transaction (so a fold that
/// fails or dies is not half done, and no click is counted twice). SQLite has one writer, so seqs are handed out in
/// commit order and nothing commits below the mark later.</para>
/// <para>The promise that a report counts every answered click is kept by the readers: a report adds the clicks still
/// waiting, read in its own snapshot (<see cref="Waiting"/>), without taking the write lock. Writers fold: the click
/// writer once <see cref="FoldEvery"/> clicks wait, so a report has at most about that many to add; the traffic
/// analytics and retention (before it drops clicks) in the write sessions they run in. <see cref="Catch"/> folds for
/// a tool or a test that reads the tables themselves.</para>
/// <para>PostgreSQL does not use this journal: its seqs are not in commit order. The redirect's batches write their
/// rollups with the clicks (multi-row statements that already share the pages); a click written one at a time there
/// (the replay, the demo, the click API) journals them in <see cref="Reports.RollupJournal"/>.</para>
/// </remarks>
public static class ClickJournal
{
    /// <summary>Clicks waiting before the writers fold some (a report adds at most about this many and a batch; docs/performance.md).</summary>
    public const int FoldEvery = 1_024;

    /// <summary>
    /// How many of the waiting clicks a writer folds in one batch, besides as many as the batch stored (so the backlog
    /// shrinks): a fold holds up the batch it runs in, and the callers waiting on it (p99, docs/performance.md).
    /// </summary>
    public const int FoldChunk = 256;

    /// <summary>Whether clicks' rollups wait in the journal on this store (SQLite) or are written with the click.</summary>
    public static bool On(DbSession s) => s.Provider == StoreProvider.Sqlite;

    // The mark, and the seq of the last click stored (0 with none).
    private const string MarkSql = "SELECT seq FROM click_rollup_mark";
    private const string LastSeq = "COALESCE((SELECT MAX(seq) FROM clicks), 0)";

    /// <summary>Sets the mark after every stored click: for a sum of the rollups made from all of them.</summary>
    public const string MarkAllSql = $"UPDATE click_rollup_mark SET seq = {LastSeq};";

    /// <summary>Sets the mark after every stored click and empties the other changes' journal (<see cref="Reports.RollupJournal"/>): for a sum of the rollups made from every fact.</summary>
    public const string AllSummedSql = MarkAllSql + " DELETE FROM rollup_journal;";

    /// <summary>
    /// Every rollup summed again from the facts (<see cref="RollupRebuild.Sql"/>, frozen in migration 0007, which
    /// predates the mark) with the mark set after the clicks it summed: a rebuild without it would have the clicks
    /// after the old mark folded a second time.
    /// </summary>
    public static string RebuildSql(StoreProvider provider) => RollupRebuild.Sql(provider) + AllSummedSql;

    // A click's first-of-day flag as the rebuild (RollupRebuild.Sql) and the one-at-a-time path decide it: no click of
    // the visitor on the link stored before it (a smaller seq) the same UTC day. Read in seq order, with the columns the
    // rollups key by.
    private static readonly string TailSql = $"""
        SELECT k.seq, k.at, k.program_id, k.publisher_id, k.link_id, k.sub1, k.sub2, k.sub3, k.sub4, k.sub5, k.country, k.device,
               k.traffic_source, k.invalid_reason IS NOT NULL AS invalid,
               k.visitor_id IS NULL OR NOT EXISTS (
                   SELECT 1 FROM clicks e WHERE e.visitor_id = k.visitor_id AND e.at >= k.at - (k.at % {Cubes.Day}) AND e.at < k.at - (k.at % {Cubes.Day}) + {Cubes.Day}
                       AND COALESCE(e.link_id, '') = COALESCE(k.link_id, '') AND e.seq < k.seq) AS first_of_day
        FROM clicks k WHERE k.seq > @mark ORDER BY k.seq LIMIT @limit
        """;

    /// <summary>
    /// Adds every click after the mark to the rollups and moves the mark past them, in the session's transaction;
    /// returns how many. A session that sums the rollups at its end (the replay) folds nothing.
    /// </summary>
    public static int Fold(DbSession s) => Fold(s, int.MaxValue);

    /// <summary>As <see cref="Fold(DbSession)"/>, the <paramref name="limit"/> oldest waiting clicks at most.</summary>
    public static int Fold(DbSession s, int limit)
    {
        if (!On(s) || s.RollupsAtEnd) return 0;
        var rollups = new RollupBatch();
        var (count, last) = Tail(s, s.Scalar<long>(MarkSql), limit, rollups);
        if (count == 0) return 0;
        RollupWriter.WriteNow(s, rollups);
        s.Execute("UPDATE click_rollup_mark SET seq = @last", new { last });
        return count;
    }

    /// <summary>
    /// The rollups of the clicks waiting to be folded, read in the session's snapshot (a read session: it takes no
    /// write lock), for a reader to add to what the tables hold; null when none waits or the store keeps no journal.
    /// </summary>
    internal static RollupBatch? Waiting(DbSession s)
    {
        if (!On(s)) return null;
        var rollups = new RollupBatch();
        return Tail(s, s.Scalar<long>(MarkSql), int.MaxValue, rollups).Count == 0 ? null : rollups;
    }

    // The <paramref name="limit"/> oldest clicks after the mark, added to <paramref name="rollups"/>: how many and the last seq.
    private static (int Count, long Last) Tail(DbSession s, long mark, int limit, RollupBatch rollups)
    {
        var (count, last) = (0, mark);
        using var reader = s.Reader(TailSql, new { mark, limit });
        while (reader.Read())
        {
            last = reader.GetInt64(0);
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            ClickRollup.Add(rollups, reader.GetInt64(1),
                RollupBatch.Key(reader.GetString(2), reader.GetString(3), Text(4), Text(5), Text(6), Text(7), Text(8), Text(9), Text(10), Text(11), Text(12), null),
                invalid: reader.GetInt64(13) != 0, unique: reader.GetInt64(14) != 0);
            count++;
        }
        return (count, last);
    }

    /// <summary>How many clicks wait to be folded (SQLite; 0 elsewhere).</summary>
    internal static int Backlog(DbSession s) =>
        On(s) ? (int)Math.Min(int.MaxValue, s.Scalar<long>($"SELECT {LastSeq} - ({MarkSql})")) : 0;

    /// <summary>After a click was stored one at a time: folds when <see cref="FoldEvery"/> clicks wait.</summary>
    internal static void Stored(DbSession s)
    {
        if (Backlog(s) >= FoldEvery) Fold(s);
    }

    /// <summary>
    /// Folds what waits, if anything does (a read-only look first): for a tool or a test that reads the rollup tables
    /// themselves. The reports need not: they add what waits as they read (<see cref="Waiting"/>).
    /// </summary>
    public static void Catch(Store store)
    {
        if (store.Read(Backlog) > 0) store.InSession(Fold);
    }

    /// <summary>
    /// After clicks were deleted (retention), in the transaction that folded them first: a mark past the last click
    /// left goes back to it, since SQLite numbers the next click after the largest seq stored.
    /// </summary>
    internal static void Deleted(DbSession s)
    {
        if (On(s)) s.Execute($"UPDATE click_rollup_mark SET seq = {LastSeq} WHERE seq > {LastSeq}");
    }
}
