using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Tests.Support;

namespace LastClick.Tests.Data;

/// <summary>The marketplace's group commit: answered means committed; one caller's failure is its own.</summary>
public sealed class GroupCommitTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task Work_is_answered_only_once_committed_and_a_failing_piece_is_rolled_back_alone(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var group = new GroupCommit(h.Platform.Store);
        const int callers = 16, each = 40;

        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var failures = 0;
            for (var i = 0; i < each; i++)
            {
                var id = $"p{c}-{i}";
                var fail = i % 10 == 3;
                try
                {
                    await group.RunAsync(s =>
                    {
                        s.Execute("INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at) VALUES (@id, 'content', NULL, @complete, 0)",
                            new { id, complete = true });
                        if (fail) throw ProblemException.Invalid("publisher.id", "refused after writing");
                        return id;
                    });
                    // Answered: a connection of its own sees it at once.
                    using var c2 = h.Platform.Store.Open();
                    Assert.Equal(1L, c2.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @id", new { id }));
                }
                catch (ProblemException e)
                {
                    Assert.True(fail, e.Message);
                    failures++;
                }
            }
            return failures;
        })));
        await group.DisposeAsync();

        Assert.Equal(callers * 4, results.Sum());
        using var c = h.Platform.Store.Open();
        Assert.Equal((long)callers * (each - 4), c.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers"));
        Assert.Equal(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers WHERE id LIKE '%-3' OR id LIKE '%-13' OR id LIKE '%-23' OR id LIKE '%-33'"));
        var (batches, jobs) = group.Written;
        Assert.Equal(callers * each, jobs);
        Assert.InRange(batches, 1, jobs - 1);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => group.RunAsync(_ => 0));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task A_batchs_rollups_are_summed_per_row_written_once_before_it_commits_and_a_failed_piece_adds_none(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2", "coupon");
        for (var v = 0; v < 12; v++) h.Click($"c{v}", $"v{v}", $"2026-02-01T{10 + v % 6:D2}:00:00Z", publisher: v % 3 == 0 ? "p2" : "p1");
        h.Clock.Set(Build.T("2026-02-02T12:00:00Z"));
        var group = new GroupCommit(h.Platform.Store);
        // Many orders in few batches, every third one refused after it wrote its order, lines, ledger and rollups.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 36).Select(i => Task.Run(async () =>
        {
            try
            {
                await group.RunAsync(s =>
                {
                    var order = new LastClick.Commissions.Order($"o{i}", Build.T("2026-02-02T09:00:00Z").AddMinutes(i), Currency.Of("USD"), "DE",
                        [Build.Line(price: 10m + i)], $"v{i % 12}");
                    var view = h.Platform.Orders.Ingest(s, order, "aliexpress-ww");
                    if (i % 3 == 2) throw ProblemException.Invalid("order", "refused after writing");
                    return view;
                });
                return true;
            }
            catch (ProblemException)
            {
                return false;
            }
        })));
        await group.DisposeAsync();
        Assert.Equal(24, outcomes.Count(o => o));
        Assert.InRange(group.Written.Batches, 1, 35);

        // Exactly the kept orders are in the report rollups and the quality rollup: as if each had been written alone.
        var expected = DirectAggregation.Of(h.Platform.Store);
        foreach (var (cube, i) in LastClick.Reports.Cubes.All.Select((c, i) => (c, i))) Assert.Equal(expected[i], DirectAggregation.Table(h.Platform.Store, cube));
        using var c = h.Platform.Store.Open();
        Assert.Equal(24L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM orders"));
        var quality = Quality(c);
        Assert.Equal(24L, c.ExecuteScalar<long>("SELECT SUM(orders) FROM quality_m WHERE kind = 'order'"));
        using (var tx = c.BeginTransaction())
        {
            c.Execute("DELETE FROM quality_m; DELETE FROM quality_lag_m", transaction: tx);
            LastClick.Orders.OrderRollup.BackfillQuality(c, tx);
            Assert.Equal(quality, Quality(c, tx));
            tx.Rollback();
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task A_write_sent_later_is_read_back_in_its_session_and_its_failure_fails_only_the_piece_that_wrote_it(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("taken");
        var group = new GroupCommit(h.Platform.Store);
        // PostgreSQL keeps a Write until the session's next statement; every reader in the session sees it first.
        var pieces = Enumerable.Range(0, 12).Select(i => group.RunAsync(s =>
        {
            var id = $"w{i}";
            s.Write("INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at) VALUES (@id, 'content', NULL, @no, 0)", new { id, no = false });
            var seen = s.Scalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @id", new { id });
            var seenOutside = s.Connection.ExecuteScalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @id", new { id }, s.Transaction);
            // Every fourth piece then writes a row that is already there: its failure shows when the piece ends.
            s.Write("INSERT INTO touches (id, visitor_id, at, channel) VALUES (@touch, 'v', 0, NULL)", new { touch = "t" + id });
            if (i % 4 == 1)
            {
                WriteTaken(s);
            }
            return (seen, seenOutside);
        })).ToList();
        var outcomes = await Outcomes(pieces, (1L, 1L));
        await group.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 12).Select(i => i % 4 != 1), outcomes);
        using var c = h.Platform.Store.Open();
        Assert.Equal(
            Enumerable.Range(0, 12).Where(i => i % 4 != 1).Select(i => $"w{i}").Order(StringComparer.Ordinal),
            c.Query<string>("SELECT id FROM publishers WHERE id LIKE 'w%'").Order(StringComparer.Ordinal));
        Assert.Equal(9L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM touches WHERE id LIKE 'tw%'"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task A_pieces_savepoint_goes_with_its_first_read_and_a_write_failing_in_that_round_trip_undoes_only_that_piece(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("taken");
        var group = new GroupCommit(h.Platform.Store);
        // PostgreSQL sends a piece's savepoint, the writes before its first read and the read in one round trip; an odd
        // piece's second write fails in it. The savepoint went first, so rolling back to it undoes that piece alone.
        var pieces = Enumerable.Range(0, 8).Select(i => group.RunAsync(s =>
        {
            var touch = $"tf{i}";
            s.Write("INSERT INTO touches (id, visitor_id, at, channel) VALUES (@touch, 'v', 0, NULL)", new { touch });
            if (i % 2 == 1)
            {
                WriteTaken(s);
            }
            return s.Scalar<long>("SELECT COUNT(*) FROM touches WHERE id = @touch", new { touch });
        })).ToList();
        var outcomes = await Outcomes(pieces, 1L);
        await group.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 8).Select(i => i % 2 == 0), outcomes);
        using var c = h.Platform.Store.Open();
        Assert.Equal(["tf0", "tf2", "tf4", "tf6"], c.Query<string>("SELECT id FROM touches WHERE id LIKE 'tf%' ORDER BY id").ToList());
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task A_piece_that_throws_with_a_failing_write_still_unsent_fails_alone(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("taken");
        // One writer: the first piece holds it until the others are queued, so that they share the next batch.
        var group = new GroupCommit(h.Platform.Store, writers: 1);
        using var queued = new ManualResetEventSlim();
        var hold = group.RunAsync(_ => queued.Wait(TimeSpan.FromSeconds(30)));
        // On PostgreSQL writes wait for the piece's next statement. The third piece throws before it has one: its
        // waiting writes, a duplicate among them, must be dropped, not sent to be undone, where the duplicate would
        // fail the round trip and with it every piece of the batch. (SQLite runs the duplicate at once: it throws there.)
        var pieces = Enumerable.Range(0, 5).Select(i => group.RunAsync(s =>
        {
            s.Write("INSERT INTO touches (id, visitor_id, at, channel) VALUES (@touch, 'v', 0, NULL)", new { touch = $"tx{i}" });
            if (i == 2)
            {
                WriteTaken(s);
                throw new InvalidOperationException("the caller's own failure");
            }
            return (long)i;
        })).ToList();
        queued.Set();
        Assert.True(await hold);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == 2) await Assert.ThrowsAnyAsync<Exception>(() => pieces[i]);
            else Assert.Equal(i, await pieces[i]);
        }
        await group.DisposeAsync();

        using var c = h.Platform.Store.Open();
        Assert.Equal(["tx0", "tx1", "tx3", "tx4"], c.Query<string>("SELECT id FROM touches WHERE id LIKE 'tx%' ORDER BY id").ToList());
    }

    /// <summary>Writes publisher 'taken' again (the tests make it first): a write that fails when it reaches the store.</summary>
    private static void WriteTaken(DbSession s) =>
        s.Write("INSERT INTO publishers (id, traffic_type, ranking, payout_details_complete, created_at) VALUES ('taken', 'content', NULL, @no, 0)", new { no = false });

    /// <summary>Each piece's outcome, in order: true when it answered <paramref name="expected"/>, false when it failed with a store error.</summary>
    private static async Task<List<bool>> Outcomes<T>(List<Task<T>> pieces, T expected)
    {
        var outcomes = new List<bool>();
        foreach (var piece in pieces)
        {
            try
            {
                Assert.Equal(expected, await piece);
                outcomes.Add(true);
            }
            catch (System.Data.Common.DbException)
            {
                outcomes.Add(false);
            }
        }
        return outcomes;
    }

    private static List<string> Quality(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx = null) =>
        [.. c.Query<string>("SELECT publisher_id || '|' || bucket || '|' || kind || '|' || value || '|' || market || '|' || currency || '|' || orders || '|' || sales_minor || '|' || commission_minor FROM quality_m ORDER BY 1", transaction: tx)
            .Concat(c.Query<string>("SELECT publisher_id || '|' || kind || '|' || value || '|' || days || '|' || orders FROM quality_lag_m WHERE orders <> 0 ORDER BY 1", transaction: tx))];

    [Fact]
    public async Task Between_batches_the_writer_holds_no_lock_so_other_writers_go_on()
    {
        using var h = Harness.Sqlite();
        await using var group = new GroupCommit(h.Platform.Store);
        await group.RunAsync(s => s.Execute("INSERT INTO touches (id, visitor_id, at, channel) VALUES ('t1', 'v', 0, NULL)"));

        // A one-off write on another connection must not wait for the group's idle session.
        var write = Task.Run(() => h.Platform.Store.InSession(s => s.Execute("INSERT INTO touches (id, visitor_id, at, channel) VALUES ('t2', 'v', 0, NULL)")));
        Assert.Same(write, await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Equal(2L, h.Platform.Store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM touches")));
    }

    [Fact]
    public async Task A_read_never_waits_for_a_writer_holding_the_lock()
    {
        using var h = Harness.Sqlite().Publisher();
        using var writer = h.Platform.Store.Begin();
        writer.Execute("INSERT INTO touches (id, visitor_id, at, channel) VALUES ('t1', 'v', 0, NULL)");

        var read = Task.Run(() => h.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM touches")));
        Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))));
        Assert.Equal(0L, await read); // the uncommitted insert is not seen
        Assert.NotNull(h.Platform.Publishers.Find("p1"));
    }

    [Fact]
    public void A_touch_stored_before_fingerprints_were_kept_is_a_repeat_not_an_error()
    {
        using var h = Harness.Sqlite();
        h.Platform.Store.InSession(s => s.Execute("INSERT INTO touches (id, visitor_id, at, channel, body_hash) VALUES ('t1', 'v1', 0, NULL, NULL)"));

        h.Platform.Tracking.RecordTouch(new LastClick.Tracking.MarketplaceTouch("t1", "v1", DateTimeOffset.UnixEpoch, null));

        Assert.Equal(1L, h.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM touches")));
    }

    [Fact]
    public async Task On_PostgreSQL_a_second_writer_commits_a_batch_while_the_first_is_still_writing_and_an_order_sent_to_both_is_stored_once()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher().Click();
        await using var group = new GroupCommit(h.Platform.Store);
        Assert.Equal(GroupCommit.PostgresWriters, group.Writers);
        var order = new LastClick.Commissions.Order("twice", h.Clock.GetUtcNow(), Currency.Of("USD"), "DE", [Build.Line()], "v1");
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // The first writer stores the order and stays inside its batch, uncommitted.
        var first = group.RunAsync(s =>
        {
            var view = h.Platform.Orders.Ingest(s, order, "aliexpress-ww");
            entered.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(60)));
            return view;
        });
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        // The second writer takes the next batch and commits it meanwhile (one writer would keep it waiting: the wait
        // times out).
        await group.RunAsync(s => s.Execute("INSERT INTO touches (id, visitor_id, at, channel) VALUES ('fast', 'v', 0, NULL)")).WaitAsync(TimeSpan.FromSeconds(20));
        long Count(string sql) => h.Platform.Store.Read(s => s.Scalar<long>(sql));
        Assert.Equal((1L, 0L, false), (Count("SELECT COUNT(*) FROM touches WHERE id = 'fast'"), Count("SELECT COUNT(*) FROM orders WHERE id = 'twice'"), first.IsCompleted));

        // The same order again goes to the second writer, as it would to another node: its insert waits for the first
        // batch, finds the order there once it commits, and answers as the first did (C3).
        var again = group.RunAsync(s => h.Platform.Orders.Ingest(s, order, "aliexpress-ww"));
        await Task.Delay(300);
        Assert.False(again.IsCompleted);
        release.Set();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(await first), System.Text.Json.JsonSerializer.Serialize(await again));
        Assert.Equal((1L, 1L), (Count("SELECT COUNT(*) FROM orders WHERE id = 'twice'"), Count("SELECT COUNT(*) FROM ledger_transfers WHERE order_id = 'twice'")));
    }

    [Fact]
    public async Task On_PostgreSQL_two_batches_holding_copies_of_the_same_orders_take_them_in_key_order_and_do_not_deadlock()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher().Click();
        await using var group = new GroupCommit(h.Platform.Store);
        var (a, b) = (Order("cross-a"), Order("cross-b"));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var busy = new ManualResetEventSlim();
        using var free = new ManualResetEventSlim();
        // One writer stores order a and waits, uncommitted; released, it stores order b in the same batch.
        var first = group.RunAsync(s =>
        {
            var view = h.Platform.Orders.Ingest(s, a, "aliexpress-ww");
            entered.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(60)));
            h.Platform.Orders.Ingest(s, b, "aliexpress-ww");
            return view;
        }, GroupCommit.Key("orders", a.Id));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        // The other writer is held in a batch of its own while copies of b and then a queue behind it, so its next
        // batch holds both, b first. Taken in that order, it would store b and then wait for a, while the first
        // waits for b: a deadlock. In key order it waits for a holding nothing, and the first goes on.
        var hold = group.RunAsync(_ =>
        {
            busy.Set();
            return free.Wait(TimeSpan.FromSeconds(60));
        });
        Assert.True(busy.Wait(TimeSpan.FromSeconds(30)));
        // The copies go in as the marketplace's endpoint sends them, with its key.
        var copyOfB = h.Platform.Orders.IngestAsync(group, b, "aliexpress-ww");
        var copyOfA = h.Platform.Orders.IngestAsync(group, a, "aliexpress-ww");
        free.Set();
        Assert.True(await hold);
        var waiting = "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        for (var tries = 0; h.Platform.Store.Read(s => s.Scalar<long>(waiting)) == 0; tries++)
        {
            Assert.True(tries < 3000, "the second batch never waited for the first's order");
            await Task.Delay(10);
        }
        release.Set();

        await Task.WhenAll(first, copyOfB, copyOfA).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, group.SentAgain);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(await first), System.Text.Json.JsonSerializer.Serialize(await copyOfA));
        Assert.Equal(2L, h.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM orders WHERE id IN ('cross-a', 'cross-b')")));

        LastClick.Commissions.Order Order(string id) => new(id, h.Clock.GetUtcNow(), Currency.Of("USD"), "DE", [Build.Line()], "v1");
    }

    [Fact]
    public async Task SQLite_has_one_writer()
    {
        using var h = Harness.Sqlite();
        await using var group = new GroupCommit(h.Platform.Store);
        Assert.Equal(1, group.Writers);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupCommit(h.Platform.Store, writers: 2));
    }
}
