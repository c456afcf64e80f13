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

        // The redirect's way: the continuation runs on the writer's own thread (not a pool thread), after the commit.
        // (A write answered before the caller's await took hold runs on the caller's own thread: such rounds show
        // nothing. Checking IsCompleted first was not enough: the answer can land between the check and the await.)
        var waited = 0;
        for (var i = 0; i < 20; i++)
        {
            var (pooled, stored, onCaller) = await Answer(h, writer, $"inline{i}", answerOnWriter: true);
            if (!onCaller)
            {
                waited++;
                Assert.False(pooled);
            }
            Assert.Equal(1L, stored);
        }
        Assert.NotEqual(0, waited);
        // Everyone else's: queued to the thread pool, so a long continuation cannot hold up the next batch.
        var (inPool, storedToo, _) = await Answer(h, writer, "pooled", answerOnWriter: false);
        Assert.True(inPool);
        Assert.Equal(1L, storedToo);
    }

    // Where the code after the write ran (a pool thread or not), whether the click was stored by then, and whether it
    // ran on the caller's own thread (the write was answered before the await took hold).
    private static async Task<(bool Pooled, long Stored, bool OnCaller)> Answer(Harness h, ClickWriter writer, string id, bool answerOnWriter)
    {
        await Task.Yield();
        var caller = Environment.CurrentManagedThreadId;
        var write = writer.WriteAsync(new Click(id, "aliexpress-ww", "p1", $"v-{id}", T("2026-02-01T10:00:00Z"), "77.88.8.8", "Mozilla/5.0 Firefox/128.0", null),
            answerOnWriter);
        await write.ConfigureAwait(false);
        var onCaller = Environment.CurrentManagedThreadId == caller;
        var pooled = Thread.CurrentThread.IsThreadPoolThread;
        using var c = h.Platform.Store.Open();
        return (pooled, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = @id", new { id }), onCaller);
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
