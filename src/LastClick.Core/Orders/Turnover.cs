using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Orders;

/// <summary>
/// B13: a publisher's confirmed sales in a program by month, which the tiers read for the month after. Kept in
/// <c>publisher_turnover</c> as the sum of <c>sales_minor</c> over the publisher's orders of that program and month
/// (UTC, by the order's time) that are confirmed, payable or paid; every change of an order adds the difference in the
/// change's transaction (<see cref="OrderRollup.Write"/>), so reading it is one row, however big the publisher.
/// </summary>
/// <remarks>
/// In a group commit or a replay the differences are summed per row and written once before the batch commits, in key
/// order, as the rollups are (PostgreSQL nodes lock rows alike); a read adds what the batch holds unwritten, so an order
/// sees every confirmation before it in the batch, as it would one at a time.
/// </remarks>
internal static class Turnover
{
    public readonly record struct Key(string PublisherId, string ProgramId, long Month);

    public static Key Of(string publisherId, string programId, long atMicros) => new(publisherId, programId, QualityRollup.MonthOf(atMicros));

    /// <summary>What an order adds to its publisher's month: its sales when approved, else nothing.</summary>
    public static long Contribution(long[]? rollup) => rollup is not null && rollup[Measure.OrdersApproved] == 1 ? rollup[Measure.Sales] : 0;

    public static void Add(DbSession s, Key key, long delta)
    {
        if (delta == 0) return;
        if (s.Folded is { } folded)
        {
            Add(folded.Turnover, key, delta);
            return;
        }
        WriteNow(s, [new(key, delta)]);
    }

    internal static void Add(Dictionary<Key, long> sums, Key key, long delta)
    {
        sums.TryGetValue(key, out var sum);
        sums[key] = sum + delta;
    }

    /// <summary>The month's sum in minor units: what is stored and what the session's batch holds unwritten.</summary>
    public static long Read(DbSession s, Key key) =>
        s.QuerySingleOrDefault<long?>("SELECT sales_minor FROM publisher_turnover WHERE publisher_id = @PublisherId AND program_id = @ProgramId AND month = @Month", key)
            .GetValueOrDefault() + s.Unwritten(key);

    internal static void WriteNow(DbSession s, IEnumerable<KeyValuePair<Key, long>> sums)
    {
        foreach (var (key, delta) in sums
            .Where(c => c.Value != 0)
            .OrderBy(c => c.Key.PublisherId, StringComparer.Ordinal).ThenBy(c => c.Key.ProgramId, StringComparer.Ordinal).ThenBy(c => c.Key.Month))
        {
            s.Write("""
                INSERT INTO publisher_turnover (publisher_id, program_id, month, sales_minor) VALUES (@PublisherId, @ProgramId, @Month, @delta)
                ON CONFLICT (publisher_id, program_id, month) DO UPDATE SET sales_minor = publisher_turnover.sales_minor + excluded.sales_minor
                """, new { key.PublisherId, key.ProgramId, key.Month, delta });
        }
    }
}
