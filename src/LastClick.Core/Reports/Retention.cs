using LastClick.Common;
using LastClick.Data;

namespace LastClick.Reports;

/// <summary>
/// Raw clicks are kept for a configurable number of whole UTC days (Retention:ClickDays, default 400) and then
/// dropped day by day, oldest first; the rollups (and so every report) keep them counted, and an order keeps its
/// click's report key, so a late status change still lands in the right rollup row. Orders, touches and the ledger
/// are not touched. On SQLite this is a chunked range delete (docs/decisions/0009-report-rollups.md); on PostgreSQL a
/// day's partition is dropped whole (decision 0015), and the range delete takes what the default partition holds.
/// </summary>
public static class Retention
{
    public const int DefaultClickDays = 400;

    /// <summary>
    /// Drops the clicks of UTC days before (today − <paramref name="days"/>), in short transactions of at most
    /// <paramref name="chunk"/> rows in storage order (the redirect's clicks are stored in time order), stopping at
    /// the first stretch with nothing to drop. Returns how many were dropped.
    /// </summary>
    public static long DropClicks(Store store, DateTimeOffset now, int days, int chunk = 5_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var cutoff = (Times.ToMicros(now) / Cubes.Day - days) * Cubes.Day;
        // PostgreSQL: whole days go with their partitions; what is left (the default partition's) is deleted below.
        long after = 0, dropped = Tracking.ClickPartitions.DropBefore(store, cutoff);
        while (true)
        {
            var (last, deleted) = store.InSession(s =>
            {
                // SQLite: the clicks still waiting to be folded into the rollups go in before any is dropped.
                Tracking.ClickJournal.Fold(s);
                var last = s.QuerySingleOrDefault<long?>(
                    "SELECT MAX(seq) FROM (SELECT seq FROM clicks WHERE seq > @after ORDER BY seq LIMIT @chunk) c", new { after, chunk });
                if (last is null) return (0L, 0);
                var deleted = s.Execute("DELETE FROM clicks WHERE seq > @after AND seq <= @last AND at < @cutoff", new { after, last, cutoff });
                Tracking.ClickJournal.Deleted(s);
                return (last.Value, deleted);
            });
            dropped += deleted;
            if (deleted == 0) return dropped;
            after = last;
        }
    }

    /// <summary>The first UTC day whose clicks are kept.</summary>
    public static DateOnly FirstKeptDay(DateTimeOffset now, int days) => DateOnly.FromDateTime(now.UtcDateTime).AddDays(-days);
}
