using LastClick.Data;
using LastClick.Tests.Support;

namespace LastClick.Tests.Data;

/// <summary>
/// SQLite's write lock handed to this process's writers in the order they asked (the redirect's clicks and the
/// marketplace's orders share one file: F2, C1). Without the queue a writer that lets go and asks again wins over one
/// sleeping in SQLite's busy handler, every time.
/// </summary>
public sealed class WriteGateTests
{
    private static void WaitUntil(Func<bool> condition)
    {
        var until = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < until, "timed out waiting for the writers to queue");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void Writers_get_the_lock_in_the_order_they_asked_even_against_the_one_that_just_let_go()
    {
        var gate = new WriteGate();
        var order = new List<string>();
        var held = gate.TryEnter(TimeSpan.FromSeconds(10));
        Assert.NotNull(held);
        Thread Queue(string name)
        {
            // Recorded, not asserted, on the thread: the test thread checks the order.
            var thread = new Thread(() =>
            {
                var token = gate.TryEnter(TimeSpan.FromSeconds(10));
                lock (order) order.Add(token is null ? name + " timed out" : name);
                if (token is not null) gate.Exit(token);
            });
            thread.Start();
            return thread;
        }
        var b = Queue("b");
        WaitUntil(() => gate.Waiting == 1);
        var c = Queue("c");
        WaitUntil(() => gate.Waiting == 2);

        Assert.True(gate.Exit(held));
        var again = gate.TryEnter(TimeSpan.FromSeconds(10));
        Assert.NotNull(again);
        lock (order) order.Add("a again");
        gate.Exit(again);
        b.Join();
        c.Join();
        Assert.Equal(["b", "c", "a again"], order);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public void A_writer_that_waits_too_long_gives_up_its_place_and_only_the_holder_lets_go()
    {
        var gate = new WriteGate();
        var held = gate.TryEnter(TimeSpan.FromSeconds(10))!;
        object? late = new object();
        var thread = new Thread(() => late = gate.TryEnter(TimeSpan.FromMilliseconds(50)));
        thread.Start();
        thread.Join();
        Assert.Null(late);
        Assert.Equal(0, gate.Waiting);

        object? next = null;
        var after = new Thread(() => next = gate.TryEnter(TimeSpan.FromSeconds(10)));
        after.Start();
        WaitUntil(() => gate.Waiting == 1);
        Assert.True(gate.Exit(held));
        after.Join();
        Assert.NotNull(next);
        // A second release of the hold that ended frees nobody else's: the next writer still has it.
        Assert.False(gate.Exit(held));
        Assert.Null(gate.TryEnter(TimeSpan.Zero));
        Assert.True(gate.Exit(next!));
    }

    [Fact]
    public void Write_sessions_on_one_SQLite_file_take_turns_and_one_ended_without_a_commit_lets_go_too()
    {
        using var temporary = TestStores.Create(TestStores.Sqlite)!;
        var store = temporary.Store;
        // A second store object on the same file queues at the same gate (the pools are per file too).
        var path = ((SqliteStore)store).Path;
        using var other = new SqliteStore(Path.GetRelativePath(Environment.CurrentDirectory, path));
        Assert.Same(store.Gate, other.Gate); // the same file spelt another way
        using (var elsewhere = new SqliteStore(path + "-another")) Assert.NotSame(store.Gate, elsewhere.Gate);
        foreach (var file in new[] { "", "-wal", "-shm" }) File.Delete(path + "-another" + file);

        var order = new List<string>();
        var first = store.Begin();
        var waiting = new Thread(() =>
        {
            using var session = other.Begin();
            lock (order) order.Add("waiting writer");
            session.Commit();
        });
        waiting.Start();
        WaitUntil(() => store.Gate!.Waiting == 1);
        // Reads never queue.
        Assert.Equal(1L, store.Read(s => s.Scalar<long>("SELECT 1")));

        first.Commit();
        using (var again = store.Begin())
        {
            lock (order) order.Add("the writer that let go");
            again.Commit();
        }
        waiting.Join();
        first.Dispose();
        Assert.Equal(["waiting writer", "the writer that let go"], order);

        // Disposed without a commit (a failed call): rolled back, and the next writer goes.
        store.Begin().Dispose();
        Assert.Equal(1, store.InSession(s => 1));
        Assert.Equal(0, store.Gate!.Waiting);
    }
}
