using Dapper;
using LastClick.Common;
using LastClick.Reports;
using LastClick.Tests.Support;
using LastClick.Tracking;

namespace LastClick.Tests.Reporting;

/// <summary>
/// The journal of the rollups' other changes (H1 over C's orders), on both stores: an order's rollup changes wait in
/// rollup_journal and are folded a thousand or so at a time; a report adds what waits as it reads, so it counts every
/// stored order once, before the fold and after it. On PostgreSQL two folds at once fold each row once, and a read
/// sees the tables and the journal in one snapshot.
/// </summary>
public sealed class RollupJournalTests : IClassFixture<PostgresAvailability>
{
    private static ReportQuery Days(string dimension = "day") =>
        new(dimension, new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28), TimeZoneInfo.Utc, new Dictionary<Dimension, string> { [Dimension.Publisher] = "p1" },
            null, dimension, 100, 0);

    private static decimal Money(string amount) => decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);

    private static (long Rows, long Orders) Journal(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.QuerySingle<(long, long)>("SELECT COUNT(*), COALESCE(SUM(orders), 0) FROM rollup_journal");
    }

    // What the tables hold, read without folding anything.
    private static (long Orders, long Approved, long Sales) InTables(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.QuerySingle<(long, long, long)>("SELECT COALESCE(SUM(orders), 0), COALESCE(SUM(orders_approved), 0), COALESCE(SUM(sales_minor), 0) FROM rollup_program_d");
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H1_a_report_counts_the_orders_waiting_in_the_journal_once_before_the_fold_and_once_after(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        h.Click("c2", "v2", "2026-02-01T11:00:00Z");
        h.Order("o1", "2026-02-02T09:00:00Z", visitor: "v1", lines: Build.Line(price: 40m));
        h.Order("o2", "2026-02-03T09:00:00Z", visitor: "v2", lines: Build.Line(price: 60m));
        // A change after the insert journals the difference: o1 confirmed (approved, its commission moves column).
        h.Event("e1", "auto_confirmed", "2026-03-01T00:00:00Z", order: "o1");

        // Stored and answered, in the journal only: the tables have no order (SQLite folds the clicks on their own;
        // PostgreSQL's one-at-a-time clicks, the harness's, wait in the journal too).
        Assert.Equal(0L, InTables(h).Orders);
        Assert.Equal(2L, Journal(h).Orders);

        void Counted()
        {
            var report = LastClick.Reports.Reports.Run(h.Platform.Store, Days());
            Assert.Equal((2L, 1L, 100m), (report.Totals.Orders, report.Totals.OrdersApproved, report.Totals.Sales));
            // o1's commission out of the pending column (confirmed, its hold over: payable), o2's still pending: the
            // event's difference was journalled too.
            var (o1, o2) = (Money(h.Find("o1").Commission), Money(h.Find("o2").Commission));
            Assert.True(o1 > 0m && o2 > 0m);
            Assert.Equal((o2, o1), (report.Totals.CommissionPending, report.Totals.CommissionConfirmed + report.Totals.CommissionPayable));
            Assert.Equal([("2026-02-02", 1L), ("2026-02-03", 1L)], report.Rows.Where(r => r.Orders > 0).Select(r => (r.Key, r.Orders)));
        }
        Counted();
        Assert.Equal(0L, InTables(h).Orders); // a report writes nothing

        // Folded (as a tool reading the tables does first): the tables have them, the journal is empty, the report is the same.
        RollupJournal.Catch(h.Platform.Store);
        Assert.Equal((2L, 1L, 10_000L), InTables(h));
        Assert.Equal((0L, 0L), Journal(h));
        Counted();
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H1_the_write_that_makes_FoldEvery_rows_wait_folds_them_all_in_its_transaction(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        var key = RollupBatch.Key("aliexpress-ww", "p1", null, null, null, null, null, null, "DE", "desktop", "content", "USD");
        var measures = new long[Measure.Count];
        measures[Measure.Orders] = 1;
        void Write(int from, int count) => h.Platform.Store.InSession(s =>
        {
            var batch = new RollupBatch();
            // One row a quarter hour: every one is a row of its own in the journal.
            for (var q = from; q < from + count; q++) batch.Add(Times.ToMicros(Build.T("2026-02-01T00:00:00Z")) + q * Cubes.Quarter, key, measures);
            RollupWriter.Write(s, batch);
        });

        Write(0, RollupJournal.FoldEvery - 1);
        Assert.Equal(((long)RollupJournal.FoldEvery - 1, (long)RollupJournal.FoldEvery - 1), Journal(h));
        Assert.Equal(0L, InTables(h).Orders);

        // A rolled-back write leaves nothing in the journal.
        Assert.Throws<InvalidOperationException>(() => h.Platform.Store.InSession(s =>
        {
            var batch = new RollupBatch();
            batch.Add(Times.ToMicros(Build.T("2026-03-01T00:00:00Z")), key, measures);
            RollupWriter.Write(s, batch);
            throw new InvalidOperationException("rolled back");
        }));
        Assert.Equal((long)RollupJournal.FoldEvery - 1, Journal(h).Rows);

        // A fold that fails changes nothing: the rows wait on, the tables are as they were. On SQLite it fails the write
        // that runs it; on PostgreSQL it runs after that write committed, which stays.
        h.Platform.Store.InSession(s => s.Execute(provider == TestStores.Sqlite
            ? "CREATE TRIGGER refuse BEFORE INSERT ON rollup_program_q BEGIN SELECT RAISE(ABORT, 'refused'); END"
            : "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$; " +
              "CREATE TRIGGER refuse BEFORE INSERT ON rollup_program_q FOR EACH ROW EXECUTE FUNCTION refuse()"));
        // (FoldEvery rows: on PostgreSQL the rolled-back write took a seq, and the fold is due where the seqs pass the
        // next multiple of FoldEvery.)
        if (provider == TestStores.Sqlite)
        {
            Assert.ThrowsAny<System.Data.Common.DbException>(() => Write(RollupJournal.FoldEvery - 1, RollupJournal.FoldEvery));
            Assert.Equal((long)RollupJournal.FoldEvery - 1, Journal(h).Rows);
        }
        else
        {
            var failures = new List<Exception>();
            h.Platform.Store.FoldFailed = failures.Add;
            Write(RollupJournal.FoldEvery - 1, RollupJournal.FoldEvery);
            Assert.Equal(2L * RollupJournal.FoldEvery - 1, Journal(h).Rows);
            Assert.Contains("refused", Assert.Single(failures).Message, StringComparison.Ordinal);
            h.Platform.Store.FoldFailed = null;
        }
        Assert.Equal(0L, InTables(h).Orders);
        h.Platform.Store.InSession(s => s.Execute(provider == TestStores.Sqlite ? "DROP TRIGGER refuse" : "DROP TRIGGER refuse ON rollup_program_q"));

        Write(RollupJournal.FoldEvery - 1, RollupJournal.FoldEvery);
        var written = (provider == TestStores.Sqlite ? 2L : 3L) * RollupJournal.FoldEvery - 1;
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(written, InTables(h).Orders);
        Assert.Equal(written, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Orders);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task H1_a_group_commit_journals_its_batch_s_rollups_in_its_transaction(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        h.Click("c2", "v2", "2026-02-01T11:00:00Z");
        h.Clock.Set(Build.T("2026-02-02T12:00:00Z"));
        var group = new LastClick.Data.GroupCommit(h.Platform.Store);
        await Task.WhenAll(new[] { ("o1", "v1"), ("o2", "v2") }.Select(o => group.RunAsync(s => h.Platform.Orders.Ingest(s,
            new LastClick.Commissions.Order(o.Item1, Build.T("2026-02-02T09:00:00Z"), Currency.Of("USD"), "DE", [Build.Line()], o.Item2), "aliexpress-ww"))));
        await group.DisposeAsync();

        Assert.Equal(2L, Journal(h).Orders);
        Assert.Equal(0L, InTables(h).Orders);
        Assert.Equal(2L, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Orders);
        Assert.Equal(2L, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Clicks);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H1_a_rebuild_from_the_facts_empties_the_journal_so_nothing_is_counted_twice(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        h.Order("o1", "2026-02-02T09:00:00Z", visitor: "v1");
        Assert.Equal(1L, Journal(h).Orders);

        h.Platform.Store.InSession(s => s.Execute(ClickJournal.RebuildSql(s.Provider)));
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(1L, InTables(h).Orders);
        Assert.Equal(1L, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Orders);
        var expected = DirectAggregation.Of(h.Platform.Store);
        foreach (var (cube, i) in Cubes.All.Select((c, i) => (c, i))) Assert.Equal(expected[i], DirectAggregation.Table(h.Platform.Store, cube));
    }

    [Fact]
    public async Task On_PostgreSQL_folds_at_once_take_each_row_once_and_an_order_does_not_wait_on_a_fold()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        h.Order("o1", "2026-02-02T09:00:00Z", visitor: "v1");
        h.Order("o2", "2026-02-02T10:00:00Z", visitor: "v1");
        Assert.Equal(2L, Journal(h).Orders);

        // The first fold takes the rows and holds its transaction open. Meanwhile another order is written: it waits
        // on nothing of the fold's. A second fold waits for the first (on its rows and the table rows it added to),
        // then takes only the rows the first did not.
        using var taken = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => h.Platform.Store.InSession(s =>
        {
            var folded = RollupJournal.Fold(s);
            taken.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            return folded;
        }));
        Assert.True(taken.Wait(TimeSpan.FromSeconds(30)));
        await Task.Run(() => h.Order("o3", "2026-02-02T11:00:00Z", visitor: "v1")).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3L, Journal(h).Orders);
        var second = Task.Run(() => h.Platform.Store.InSession(RollupJournal.Fold));
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(500)));
        Assert.Equal(0L, InTables(h).Orders);
        release.Set();
        var firstFolded = await first.WaitAsync(TimeSpan.FromSeconds(30));
        var secondFolded = await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(firstFolded > 0 && secondFolded > 0);
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(3L, InTables(h).Orders);
        Assert.Equal(3L, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Orders);
    }

    [Fact]
    public async Task On_PostgreSQL_a_write_that_passes_a_multiple_folds_after_it_commits_and_holds_no_other_fold_up()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher();
        var key = RollupBatch.Key("aliexpress-ww", "p1", null, null, null, null, null, null, "DE", "desktop", "content", "USD");
        var measures = new long[Measure.Count];
        measures[Measure.Orders] = 1;
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");

        // A long write (a payout run, the hold's end) passes a multiple of FoldEvery and stays open. Meanwhile an order
        // on one of the same days is written and another session folds: neither waits for the long write.
        using var appended = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var longWrite = Task.Run(() => h.Platform.Store.InSession(s =>
        {
            var batch = new RollupBatch();
            for (var q = 0; q < RollupJournal.FoldEvery; q++) batch.Add(Times.ToMicros(Build.T("2026-02-01T00:00:00Z")) + q * Cubes.Quarter, key, measures);
            RollupWriter.Write(s, batch);
            appended.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
        }));
        Assert.True(appended.Wait(TimeSpan.FromSeconds(30)));
        await Task.Run(() => h.Order("o1", "2026-02-02T09:00:00Z", visitor: "v1")).WaitAsync(TimeSpan.FromSeconds(10));
        var folded = await Task.Run(() => h.Platform.Store.InSession(RollupJournal.Fold)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(folded > 0);
        Assert.Equal(1L, InTables(h).Orders);

        // Once it commits, the long write folds what it made due, in a transaction of its own.
        release.Set();
        await longWrite.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(RollupJournal.FoldEvery + 1L, InTables(h).Orders);
        Assert.Equal(RollupJournal.FoldEvery + 1L, LastClick.Reports.Reports.Run(h.Platform.Store, Days()).Totals.Orders);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E4_traffic_analytics_counts_the_clicks_waiting_in_the_journal_as_it_counts_them_folded(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        for (var i = 0; i < 3; i++) h.Click($"c{i}", $"v{i}", $"2026-02-01T10:0{i}:00Z");
        h.Click("bad", "vb", "2026-02-01T10:30:00Z", invalid: "bot");
        h.Order("o1", "2026-02-01T12:00:00Z", visitor: "v0");
        var day = new DateOnly(2026, 2, 1);
        (long Clicks, long Invalid, decimal? PerOrder) Load()
        {
            var loaded = h!.Platform.Store.InSession(s => LastClick.Fraud.TrafficAnalytics.Load(s, day));
            var clicks = Assert.Single(loaded.Clicks, c => c.PublisherId == "p1");
            return (clicks.Clicks, clicks.Invalid, loaded.Norms["aliexpress-ww"].ClicksPerOrder);
        }

        // PostgreSQL: the clicks written one at a time wait in the journal; the analysis adds them, and does not fold.
        if (provider == TestStores.Postgres) Assert.True(Journal(h).Rows > 0);
        var waiting = Load();
        Assert.Equal((4L, 1L, 3m), waiting);
        RollupJournal.Catch(h.Platform.Store);
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(waiting, Load());
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_read_sees_the_tables_and_the_journal_in_one_snapshot(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1", "2026-02-01T10:00:00Z");
        h.Order("o1", "2026-02-02T09:00:00Z", visitor: "v1");
        // A read that counts the journal, then (after a fold committed meanwhile) the tables: once, not twice or never.
        var (waiting, inTables) = h.Platform.Store.Read(s =>
        {
            var waiting = s.Scalar<long>("SELECT COALESCE(SUM(orders), 0) FROM rollup_journal");
            RollupJournal.Catch(h.Platform.Store);
            return (waiting, s.Scalar<long>("SELECT COALESCE(SUM(orders), 0) FROM rollup_program_d"));
        });
        Assert.Equal((1L, 0L), (waiting, inTables));
        Assert.Equal((0L, 0L), Journal(h));
        Assert.Equal(1L, InTables(h).Orders);
    }
}
