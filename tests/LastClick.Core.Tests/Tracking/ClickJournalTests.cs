using Dapper;
using LastClick.Reports;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>
/// SQLite's click journal (H1 over F2's clicks): the rollups of clicks are folded from the clicks table a few hundred
/// at a time, and a report adds the clicks still waiting as it reads, so it counts every answered click, once.
/// </summary>
public sealed class ClickJournalTests
{
    private static readonly DateTimeOffset Day = T("2026-02-01T10:00:00Z");

    private static Click ClickOf(string id, string visitor, int minute, string link = "L1") =>
        new(id, "aliexpress-ww", "p1", visitor, Day.AddMinutes(minute), "77.88.8.8", "Mozilla/5.0 Firefox/128.0", null, link);

    private static ReportQuery Days(string start, string end) =>
        new("day", DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            TimeZoneInfo.Utc, new Dictionary<Dimension, string> { [Dimension.Publisher] = "p1" }, null, "day", 100, 0);

    // What the rollups hold now, read past every reader's fold.
    private static (long Clicks, long Unique) InRollups(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.QuerySingle<(long, long)>("SELECT COALESCE(SUM(clicks), 0), COALESCE(SUM(unique_clicks), 0) FROM rollup_program_d");
    }

    private static long Mark(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.ExecuteScalar<long>("SELECT seq FROM click_rollup_mark");
    }

    [Fact]
    public async Task H1_a_report_counts_the_clicks_waiting_in_the_journal_once_without_folding_them_and_once_after()
    {
        using var h = Harness.Sqlite().Publisher();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        await writer.WriteAsync(ClickOf("c0", "v0", 0));
        // v1 clicks L1 three times and L2 once: two unique clicks of four.
        foreach (var (id, visitor, minute, link) in new[] { ("c1", "v1", 1, "L1"), ("c2", "v1", 2, "L1"), ("c3", "v1", 3, "L2"), ("c4", "v1", 4, "L1"), ("c5", "v2", 5, "L1") })
        {
            await writer.WriteAsync(ClickOf(id, visitor, minute, link));
        }
        Assert.Equal((0L, 0L), InRollups(h)); // answered, stored, not folded yet

        // The report adds what waits as it reads (by day, by link, in another zone), and leaves it waiting: it writes nothing.
        void Counted()
        {
            var report = LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01"));
            Assert.Equal((6L, 4L), (report.Totals.Clicks, report.Totals.UniqueClicks)); // unique: c0, c1, c3, c5
            var byLink = LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01") with { Dimension = "link", OrderBy = "link" });
            Assert.Equal([("L1", 5L, 3L), ("L2", 1L, 1L)], byLink.Rows.Select(r => (r.Key, r.Clicks, r.UniqueClicks)));
            var kolkata = Days("2026-02-01", "2026-02-01") with { Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata") };
            Assert.Equal(6L, LastClick.Reports.Reports.Run(h.Platform.Store, kolkata).Totals.Clicks);
            var otherPublisher = Days("2026-02-01", "2026-02-01") with { Filters = new Dictionary<Dimension, string> { [Dimension.Publisher] = "p2" } };
            Assert.Equal(0L, LastClick.Reports.Reports.Run(h.Platform.Store, otherPublisher).Totals.Clicks);
        }
        Counted();
        Assert.Equal((0L, 0L), InRollups(h));
        Assert.Equal(0L, Mark(h));

        // Folded (as a tool reading the tables does first), and the same click sent again: nothing is counted twice.
        ClickJournal.Catch(h.Platform.Store);
        Assert.Equal((6L, 4L), InRollups(h));
        using (var c = h.Platform.Store.Open()) Assert.Equal(c.ExecuteScalar<long>("SELECT MAX(seq) FROM clicks"), Mark(h));
        await writer.WriteAsync(ClickOf("c5", "v2", 5));
        Counted();
        Assert.Equal((6L, 4L), InRollups(h));
    }

    [Fact]
    public void F2_clicks_recorded_one_at_a_time_in_one_session_are_stored_once_each_with_their_values_and_counted_once()
    {
        // The replay's and the demo's path: on SQLite the click writer's positional insert, made once for the session
        // and reused click after click (docs/performance.md, fifteenth session).
        using var h = Harness.Sqlite().Publisher("p1", trafficType: "cashback").Publisher("p2", trafficType: "coupon");
        var tracking = h.Platform.Tracking;
        using (var s = h.Platform.Store.Begin())
        {
            var first = ClickOf("c1", "v1", 0) with { Referrer = "https://blog.example/post", Sub1 = "s1", Sub5 = "five" };
            tracking.RecordClick(s, first);
            tracking.RecordClick(s, first);
            // After a click with values, one without: nothing of the first may carry over, and "" stays "" (not NULL).
            tracking.RecordClick(s, ClickOf("c2", "v2", 5) with { PublisherId = "p2", Referrer = "", LinkId = null, FlaggedAs = "bot" });
            Assert.Throws<LastClick.Common.ProblemException>(() => tracking.RecordClick(s, ClickOf("c3", "v3", 6) with { PublisherId = "nobody" }));
            Assert.NotNull(s.Resource<SqliteClickInsert>(_ => throw new InvalidOperationException("the clicks did not go through the positional insert")));
            s.Commit();
        }
        using (var c = h.Platform.Store.Open())
        {
            Assert.Equal(
                [("c1", "p1", "cashback", "https://blog.example/post", "L1", "s1", "five", (string?)null), ("c2", "p2", "coupon", "", null, null, null, "bot")],
                c.Query<(string, string, string, string?, string?, string?, string?, string?)>(
                    "SELECT id, publisher_id, traffic_source, referrer, link_id, sub1, sub5, invalid_reason FROM clicks ORDER BY seq"));
        }
        ClickJournal.Catch(h.Platform.Store);
        Assert.Equal((2L, 2L), InRollups(h));
        Assert.Equal(1L, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01")).Totals.Clicks);
    }

    [Fact]
    public async Task H1_the_click_writer_folds_by_itself_once_FoldEvery_clicks_wait()
    {
        using var h = Harness.Sqlite().Publisher();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        const int count = 3 * ClickJournal.FoldEvery;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < count; i += 16) await writer.WriteAsync(ClickOf($"c{i}", $"v{i}", i % 600));
        })));

        // No reader folded: the writer did, in the transactions of its batches, and counted each folded click. At most
        // FoldEvery clicks and a batch (512) wait.
        var mark = Mark(h);
        Assert.InRange(mark, count - ClickJournal.FoldEvery - 512, count);
        using (var c = h.Platform.Store.Open())
        {
            Assert.Equal(c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE seq <= @mark", new { mark }), InRollups(h).Clicks);
        }
        Assert.Equal((long)count, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01")).Totals.Clicks);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3 * ClickJournal.FoldEvery)]
    public async Task H1_a_click_writer_that_starts_folds_what_the_last_one_left_waiting(int left)
    {
        using var h = Harness.Sqlite().Publisher();
        h.Platform.Store.InSession(s =>
        {
            // Stored without folding (as the replay stores them): a run that died with them waiting.
            s.RollupsAtEnd = true;
            foreach (var i in Enumerable.Range(0, left)) TrackingService.Store(s, ClickOf($"c{i}", $"v{i}", i % 600), ClickClassifier.Default.Classify("77.88.8.8", null));
        });
        Assert.Equal((0L, 0L), InRollups(h));

        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        await writer.WriteAsync(ClickOf("new0", "w0", 0));
        // Its first batch folds what waits, up to FoldEvery and a chunk, with no reader: a few clicks all at once.
        var first = Math.Min(left + 1, ClickJournal.FoldEvery + ClickJournal.FoldChunk);
        Assert.Equal(first, Mark(h));
        Assert.Equal(first, InRollups(h).Clicks);
        // More than that: the next batches go on (a chunk and their own click each) while FoldEvery still wait.
        for (var i = 1; i < 4; i++) await writer.WriteAsync(ClickOf($"new{i}", $"w{i}", i));
        Assert.Equal(left + 1 > first ? first + 3 * (ClickJournal.FoldChunk + 1) : first, Mark(h));
        Assert.Equal(Mark(h), InRollups(h).Clicks);
    }

    [Fact]
    public async Task H1_a_fold_that_fails_leaves_the_clicks_stored_answered_and_counted_and_is_tried_again_later()
    {
        using var h = Harness.Sqlite().Publisher();
        // Every row the fold would add to one rollup table is refused, as by a broken table.
        using (var c = h.Platform.Store.Open()) c.Execute("CREATE TRIGGER broken BEFORE INSERT ON rollup_program_d BEGIN SELECT RAISE(ABORT, 'broken rollup'); END");
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default, foldFailed: failures.Enqueue);
        var written = 0;
        async Task Write(int count)
        {
            for (var i = 0; i < count; i++, written++) await writer.WriteAsync(ClickOf($"c{written}", $"v{written}", written % 600));
        }

        await Write(ClickJournal.FoldEvery + 200);
        Assert.Contains(failures, e => e.Message.Contains("broken rollup", StringComparison.Ordinal));
        Assert.InRange(failures.Count, 2, 12); // tried again after 1, 2, 4 … batches, not at every one
        Assert.Equal(0L, Mark(h));
        using (var c = h.Platform.Store.Open()) Assert.Equal((long)written, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks"));
        Assert.Equal((long)written, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01")).Totals.Clicks);

        // Repaired: a later batch folds again, and every click is counted once.
        using (var c = h.Platform.Store.Open()) c.Execute("DROP TRIGGER broken");
        for (var round = 0; round < 50 && Mark(h) == 0; round++) await Write(50);
        Assert.True(Mark(h) > 0, "the writer never folded again");
        Assert.Equal((long)written, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01")).Totals.Clicks);
        ClickJournal.Catch(h.Platform.Store);
        Assert.Equal((long)written, InRollups(h).Clicks);
    }

    [Fact]
    public void H1_retention_folds_the_waiting_clicks_before_dropping_them_and_clicks_stored_after_all_were_dropped_are_folded_too()
    {
        using var h = Harness.Sqlite().Publisher();
        foreach (var i in Enumerable.Range(0, 3)) h.Platform.Tracking.RecordClick(ClickOf($"old{i}", $"v{i}", i));
        Assert.Equal((0L, 0L), InRollups(h)); // one at a time, they wait too

        // Ten days on, with one day kept: all three are dropped, and counted first.
        Assert.Equal(3L, Retention.DropClicks(h.Platform.Store, Day.AddDays(10), days: 1));
        Assert.Equal((3L, 3L), InRollups(h));

        // SQLite numbers the next click after the largest seq stored: with none left, from 1 again, under the old mark.
        h.Platform.Tracking.RecordClick(ClickOf("new0", "v9", 0) with { At = Day.AddDays(10) });
        h.Platform.Tracking.RecordClick(ClickOf("new1", "v9", 1) with { At = Day.AddDays(10).AddMinutes(1) });
        using (var c = h.Platform.Store.Open()) Assert.Equal(2L, c.ExecuteScalar<long>("SELECT MAX(seq) FROM clicks"));
        Assert.Equal(2L, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-11", "2026-02-11")).Totals.Clicks);
        Assert.Equal(3L, LastClick.Reports.Reports.Run(h.Platform.Store, Days("2026-02-01", "2026-02-01")).Totals.Clicks);
        ClickJournal.Catch(h.Platform.Store);
        Assert.Equal((5L, 4L), InRollups(h));
    }
}
