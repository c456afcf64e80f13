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
    [Fact]
    public async Task On_PostgreSQL_a_message_committed_after_a_later_one_is_still_read_once_by_each_reader()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        h.Publisher();
        h.Platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
        await h.Platform.Postbacks.SaveAsync("p1", "http://127.0.0.1:9/pb?o={order_id}&s={status}", "GET", ["declined"], null);
        var store = h.Platform.Store;
        void Tell(DbSession s, string order) =>
            Outbox.Write(s, h.Clock.GetUtcNow(), "order_declined", $"order:{order}", new { order, status = "declined" }, "aliexpress-ww", "p1");

        using var c = store.Open();
        List<long> Queued() => [.. c.Query<long>("SELECT message_id FROM postback_jobs ORDER BY message_id")];
        List<long> Noted() => [.. c.Query<long>("SELECT message_id FROM notifications ORDER BY message_id")];

        // The first transaction inserts its message (the smaller id) and commits last, as a payout export or another
        // node's batch may: the second commits meanwhile.
        long first, second;
        using (var open = store.Begin())
        {
            Tell(open, "o-first");
            first = open.Scalar<long>("SELECT MAX(id) FROM outbox_messages");
            second = store.InSession(s =>
            {
                Tell(s, "o-second");
                return s.Scalar<long>("SELECT MAX(id) FROM outbox_messages");
            });
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
    }
}
