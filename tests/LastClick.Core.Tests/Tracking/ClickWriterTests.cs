using Dapper;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>Group-committed clicks (F2, issue 3's durable redirect): a completed write is a stored click.</summary>
public sealed class ClickWriterTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task F2_clicks_from_many_writers_are_committed_in_groups_and_each_is_stored_when_its_write_completes(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        const int writers = 4, perWriter = 300;
        var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var id = $"w{w}-{i}";
                var cls = await writer.WriteAsync(new Click(id, "aliexpress-ww", "p1", $"v{w}-{i}", T("2026-02-01T10:00:00Z").AddSeconds(i),
                    "77.88.8.8", "Mozilla/5.0 Firefox/128.0", null));
                Assert.Equal("RU", cls.Country);
                if (i % 50 == 0)
                {
                    // Read back at once through a connection of its own: completion means committed.
                    using var c = h.Platform.Store.Open();
                    Assert.Equal(1L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = @id", new { id }));
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await writer.DisposeAsync();

        using var read = h.Platform.Store.Open();
        Assert.Equal((long)writers * perWriter, read.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks"));
        var (batches, clicks) = writer.Written;
        Assert.Equal(writers * perWriter, clicks);
        Assert.InRange(batches, 1, clicks - 1); // some batches held more than one click
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(new Click("late", "aliexpress-ww", "p1", "v", T("2026-02-01T10:00:00Z"), null, null, null)));
    }

    [Fact]
    public async Task F2_a_click_answered_on_the_writer_thread_is_committed_before_the_answer_runs_and_others_are_answered_in_the_pool()
    {
        using var h = Harness.Sqlite().Publisher();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);

        // The redirect's way: the code after the write runs on the writer's own thread (not a pool thread), after the
        // commit. The file's write lock is held while the write is handed over and awaited, so the answer cannot land
        // before the await has taken hold: one that did would be scheduled to the pool by the runtime, whatever the
        // writer does (the twelfth session's flake).
        for (var i = 0; i < 3; i++)
        {
            var (pooled, stored) = await WhileLocked(h, () => AfterWrite(h, writer, $"inline{i}", answerOnWriter: true));
            Assert.False(pooled);
            Assert.Equal(1L, stored);
        }
        // Everyone else's: queued to the thread pool, so a long continuation cannot hold up the next batch.
        var (inPool, storedToo) = await WhileLocked(h, () => AfterWrite(h, writer, "pooled", answerOnWriter: false));
        Assert.True(inPool);
        Assert.Equal(1L, storedToo);
    }

    // Runs start while another connection holds the store's write lock, so that it stops at its await of the write
    // (it has no other), then lets the lock go.
    private static async Task<T> WhileLocked<T>(Harness h, Func<Task<T>> start)
    {
        using var hold = h.Platform.Store.Open();
        hold.Execute("BEGIN IMMEDIATE");
        Task<T> waiting;
        try
        {
            waiting = start();
            Assert.False(waiting.IsCompleted);
        }
        finally
        {
            // Whatever failed: a pooled connection would keep the transaction, and the lock, for the next test.
            hold.Execute("COMMIT");
        }
        return await waiting;
    }

    // Whether the code after the write ran on a pool thread, and whether the click was stored by then.
    private static async Task<(bool Pooled, long Stored)> AfterWrite(Harness h, ClickWriter writer, string id, bool answerOnWriter)
    {
        var write = writer.WriteAsync(new Click(id, "aliexpress-ww", "p1", $"v-{id}", T("2026-02-01T10:00:00Z"), "77.88.8.8", "Mozilla/5.0 Firefox/128.0", null),
            answerOnWriter);
        await write.ConfigureAwait(false);
        var pooled = Thread.CurrentThread.IsThreadPoolThread;
        using var c = h.Platform.Store.Open();
        return (pooled, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task F2_a_click_sent_twice_is_stored_once()
    {
        using var h = Harness.Sqlite().Publisher();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        var click = new Click("same", "aliexpress-ww", "p1", "v1", T("2026-02-01T10:00:00Z"), "81.2.69.142", "curl/8.5.0", null);
        var first = await writer.WriteAsync(click);
        await writer.WriteAsync(click);

        Assert.Equal(InvalidReasons.Bot, first.InvalidReason);
        using var c = h.Platform.Store.Open();
        Assert.Equal(1L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = 'same'"));
    }
}
