using Dapper;
using LastClick.Data;
using LastClick.Notifications;
using LastClick.Tests.Support;

namespace LastClick.Tests.Notifications;

/// <summary>
/// The outbox's readers on PostgreSQL, where transactions commit out of id order: a message committed after one with a
/// larger id is still read, once, by each reader (I2, E6; Data/Outbox.cs).
/// </summary>
public sealed class OutboxOrderTests : IClassFixture<PostgresAvailability>
{
    /// <summary>Publisher p1, whose postback asks for declined orders (the news centre shows them too).</summary>
    private static async Task AskForDeclinedOrders(Harness h)
    {
        h.Publisher();
        h.Platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
        await h.Platform.Postbacks.SaveAsync("p1", "http://127.0.0.1:9/pb?o={order_id}&s={status}", "GET", ["declined"], null);
    }

    /// <summary>The news of p1's order declined, written in the session's transaction.</summary>
    private static void Tell(Harness h, DbSession s, string order) =>
        Outbox.Write(s, h.Clock.GetUtcNow(), "order_declined", $"order:{order}", new { order, status = "declined" }, "aliexpress-ww", "p1");

    /// <summary><see cref="Tell"/> in a transaction of its own, committed: the message's id.</summary>
    private static long Told(Harness h, string order) => h.Platform.Store.InSession(s =>
    {
        Tell(h, s, order);
        return s.Scalar<long>("SELECT MAX(id) FROM outbox_messages");
    });

    [Fact]
    public async Task On_PostgreSQL_a_message_committed_after_a_later_one_is_still_read_once_by_each_reader()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        await AskForDeclinedOrders(h);
        var store = h.Platform.Store;

        using var c = store.Open();
        List<long> Queued() => [.. c.Query<long>("SELECT message_id FROM postback_jobs ORDER BY message_id")];
        List<long> Noted() => [.. c.Query<long>("SELECT message_id FROM notifications ORDER BY message_id")];

        // The first transaction inserts its message (the smaller id) and commits last, as a payout export or another
        // node's batch may: the second commits meanwhile.
        long first, second;
        using (var open = store.Begin())
        {
            Tell(h, open, "o-first");
            first = open.Scalar<long>("SELECT MAX(id) FROM outbox_messages");
            second = Told(h, "o-second");
            Assert.True(first < second);
            // Neither reader passes the open transaction's message: the committed one waits behind it.
            h.Platform.Postbacks.Dispatch();
            while (h.Platform.News.Route() > 0) { }
            Assert.Empty(Queued());
            Assert.Empty(Noted());
            open.Commit();
        }

        // Then each reader reads both, in the order their transactions began, once.
        h.DispatchPostbacks();
        h.RouteNews();
        Assert.Equal([first, second], Queued());
        Assert.Equal([first, second], Noted());

        // The readers' order is the index's, even where the planner would rather sort (the settings): no sort of every
        // message past the cursor on every pass of a reader far behind.
        c.Execute("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");
        var plan = string.Join("\n", c.Query<string>("EXPLAIN " + Outbox.PastSql(StoreProvider.Postgres, "id, kind"), new { cursor = 0L, xact = 0L, batch = 100 }));
        Assert.Contains("outbox_messages_xact", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_PostgreSQL_after_a_logical_copy_from_a_server_further_ahead_no_message_waits_or_is_lost()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        await AskForDeclinedOrders(h);
        var store = h.Platform.Store;
        var read = new[] { Told(h, "o-a"), Told(h, "o-b") };
        h.DispatchPostbacks();
        var unread = Told(h, "o-c");

        // A logical copy (pg_dump and restore) from a server whose transaction ids had gone a billion further: the
        // messages and the reader's place keep that server's ids, and this one hands out smaller ones.
        store.InSession(s => s.Execute("""
            UPDATE outbox_messages SET xact = CAST(CAST(CAST(CAST(xact AS TEXT) AS BIGINT) + 1000000000 AS TEXT) AS xid8);
            UPDATE outbox_cursors SET last_xact = last_xact + 1000000000;
            """));
        store.Migrate(h.Clock); // a node starts on the copy
        var written = Told(h, "o-d");

        h.DispatchPostbacks();
        using var c = store.Open();
        Assert.Equal([.. read, unread, written], c.Query<long>("SELECT message_id FROM postback_jobs ORDER BY message_id"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void The_write_transactions_that_hold_the_outbox_back_are_named(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var store = h.Platform.Store;
        IReadOnlyList<Outbox.Holder> Holders() => store.Read(s => Outbox.HeldBackBy(s, TimeSpan.Zero));
        int pid;
        using (var open = store.Begin())
        {
            open.Execute("INSERT INTO touches (id, visitor_id, at, channel) VALUES ('held', 'v', 0, NULL)");
            if (provider == TestStores.Sqlite)
            {
                // One writer a file: nothing to wait for, nothing named.
                Assert.Empty(Holders());
                return;
            }
            pid = open.Scalar<int>("SELECT pg_backend_pid()");
            Thread.Sleep(20);
            // Other tests' transactions on the same server may be named too.
            var mine = Assert.Single(Holders(), x => x.Pid == pid);
            Assert.Equal("session", mine.Kind);
            Assert.True(mine.Seconds > 0);
            open.Commit();
        }
        Assert.DoesNotContain(Holders(), x => x.Pid == pid);
    }
}
