using LastClick.Common;
using LastClick.Reports;

namespace LastClick.Tracking;

/// <summary>
/// What a stored click adds to the rollups: one click, one unique click when it is the visitor's first on the link
/// that UTC day (no click of the same visitor and link stored before it that day), one invalid click when invalid.
/// </summary>
internal static class ClickRollup
{
    private static readonly long[] Unique = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long[] Repeat = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long[] UniqueInvalid = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly long[] RepeatInvalid = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public static void Add(RollupBatch batch, Click click, ClickClass cls, string? source, bool unique) =>
        Add(batch, Times.ToMicros(click.At),
            RollupBatch.Key(click.ProgramId, click.PublisherId, click.LinkId, click.Sub1, click.Sub2, click.Sub3, click.Sub4, click.Sub5,
                cls.Country, cls.Device, source, null),
            cls.InvalidReason is not null, unique);

    /// <summary>A click at <paramref name="at"/> (µs) under its full report key (<see cref="RollupBatch.Key"/>).</summary>
    public static void Add(RollupBatch batch, long at, string[] key, bool invalid, bool unique) =>
        batch.Add(at, key, unique ? (invalid ? UniqueInvalid : Unique) : (invalid ? RepeatInvalid : Repeat));

    /// <summary>
    /// Whether an earlier click of the visitor could exist: not when the visitor id was minted for this click, nor
    /// without a visitor (such a click is its own visitor).
    /// </summary>
    public static bool MayBeRepeat(Click click) => click.VisitorId is not null && !click.NewVisitor;

    /// <summary>The UTC day of a click, in µs: [from, to).</summary>
    public static (long From, long To) Day(DateTimeOffset at)
    {
        var micros = Times.ToMicros(at);
        var from = micros - micros % Cubes.Day;
        return (from, from + Cubes.Day);
    }

    /// <summary>An earlier click of the visitor on the link that UTC day (PostgreSQL's one-at-a-time path; SQLite decides it when folding, <see cref="ClickJournal"/>).</summary>
    public const string PriorSql =
        "SELECT 1 FROM clicks WHERE visitor_id = @visitor AND at >= @from AND at < @to AND COALESCE(link_id, '') = @link AND seq < @seq LIMIT 1";
}
