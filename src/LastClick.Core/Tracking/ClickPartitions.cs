using System.Globalization;
using Dapper;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Tracking;

/// <summary>
/// PostgreSQL keeps clicks in one partition per UTC day (migration 0019, decision 0015), named <c>clicks_dYYYYMMDD</c>,
/// plus a default partition for any click outside them. The days ahead are made before their clicks arrive; a day
/// made late takes its clicks out of the default partition in the same transaction. Retention drops whole days.
/// SQLite has one table: everything here does nothing there.
/// </summary>
public static class ClickPartitions
{
    /// <summary>Days made ahead of today (and one behind, for a clock a little slow).</summary>
    public const int DaysAhead = 7;

    private const long Day = Reports.Cubes.Day;

    /// <summary>The partition of <paramref name="day"/> (days since the epoch).</summary>
    public static string Name(long day) =>
        "clicks_d" + DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The days (since the epoch) that have a partition of their own, in order.</summary>
    public static IReadOnlyList<long> Days(Store store)
    {
        if (store.Provider != StoreProvider.Postgres) return [];
        return store.Read(s => s.Query<string>("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'clicks'::regclass AND c.relname LIKE 'clicks\_d%'
            """).Select(DayOf).Where(d => d is not null).Select(d => d!.Value).Order().ToList());
    }

    private static long? DayOf(string name) =>
        DateOnly.TryParseExact(name["clicks_d".Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber
            : null;

    /// <summary>
    /// Makes the partitions of yesterday through <see cref="DaysAhead"/> days after <paramref name="now"/> that are
    /// missing. One node at a time (an advisory lock; a node that finds it taken leaves the work to the holder).
    /// Returns how many it made.
    /// </summary>
    public static int Ensure(Store store, DateTimeOffset now)
    {
        if (store.Provider != StoreProvider.Postgres) return 0;
        var today = Times.ToMicros(now) / Day;
        var existing = Days(store).ToHashSet();
        var made = 0;
        for (var day = today - 1; day <= today + DaysAhead; day++)
        {
            if (existing.Contains(day)) continue;
            var created = store.InSession(s =>
            {
                if (!s.Scalar<bool>("SELECT pg_try_advisory_xact_lock(7142032)")) return false;
                if (s.Scalar<bool>("SELECT to_regclass(@name) IS NOT NULL", new { name = Name(day) })) return false;
                // Made apart, filled with its day's clicks from the default partition, then attached: attaching scans
                // the default partition (kept small) to prove none of its rows belongs to the new day.
                var name = Name(day);
                s.Execute($"CREATE TABLE {name} (LIKE clicks INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
                s.Execute($"WITH moved AS (DELETE FROM clicks_default WHERE at >= @from AND at < @to RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                    new { from = day * Day, to = (day + 1) * Day });
                s.Execute($"ALTER TABLE clicks ATTACH PARTITION {name} FOR VALUES FROM ({day * Day}) TO ({(day + 1) * Day})");
                return true;
            });
            if (created) made++;
        }
        return made;
    }

    /// <summary>
    /// Drops the day partitions that end at or before <paramref name="cutoff"/> (microseconds), oldest first, and
    /// returns how many clicks they held. A drop waits at most a few seconds for the table's lock (the redirect's
    /// batches hold it briefly); one that cannot get it is left for the next pass.
    /// </summary>
    public static long DropBefore(Store store, long cutoff)
    {
        if (store.Provider != StoreProvider.Postgres) return 0;
        long dropped = 0;
        foreach (var day in Days(store).Where(d => (d + 1) * Day <= cutoff))
        {
            var name = Name(day);
            dropped += store.InSession(s =>
            {
                s.Execute("SET LOCAL lock_timeout = '5s'");
                var rows = s.Scalar<long>($"SELECT COUNT(*) FROM {name}");
                s.Execute($"DROP TABLE {name}");
                return rows;
            });
        }
        return dropped;
    }

    /// <summary>
    /// The span of <c>at</c> (microseconds) where the click with this id must be, when the id says: the redirect's
    /// ids are UUIDv7 made from the click's own instant (a day either side covers any clock skew between the two).
    /// Any other id gives the whole range. A look-up narrowed by it that finds nothing looks again without it.
    /// </summary>
    public static (long From, long To) Window(string clickId)
    {
        if (clickId.Length == 32 && clickId[12] == '7' && long.TryParse(clickId.AsSpan(0, 12), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ms))
        {
            var at = ms * 1000;
            return (at - Day, at + Day);
        }
        return Everything;
    }

    public static readonly (long From, long To) Everything = (long.MinValue, long.MaxValue);

    /// <summary>
    /// Rows of <paramref name="columns"/> of the click with this id: on PostgreSQL first within the id's
    /// <see cref="Window"/> (so only a day's partitions are probed), then everywhere.
    /// </summary>
    public static List<T> ById<T>(DbSession s, string columns, string clickId)
    {
        var (from, to) = s.Provider == StoreProvider.Postgres ? Window(clickId) : Everything;
        if ((from, to) != Everything)
        {
            var rows = s.Query<T>($"SELECT {columns} FROM clicks WHERE id = @clickId AND at >= @from AND at <= @to", new { clickId, from, to });
            if (rows.Count > 0) return rows;
        }
        return s.Query<T>($"SELECT {columns} FROM clicks WHERE id = @clickId", new { clickId });
    }
}
