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
        Assert.True(gate.TryEnter(TimeSpan.FromSeconds(10)));
        Thread Queue(string name)
        {
            var thread = new Thread(() =>
            {
                Assert.True(gate.TryEnter(TimeSpan.FromSeconds(10)));
                lock (order) order.Add(name);
                gate.Exit();
            });
            thread.Start();
            return thread;
        }
        var b = Queue("b");
        WaitUntil(() => gate.Waiting == 1);
        var c = Queue("c");
        WaitUntil(() => gate.Waiting == 2);

        gate.Exit();
        Assert.True(gate.TryEnter(TimeSpan.FromSeconds(10)));
        lock (order) order.Add("a again");
        gate.Exit();
        b.Join();
        c.Join();
        Assert.Equal(["b", "c", "a again"], order);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public void A_writer_that_waits_too_long_gives_up_its_place_and_the_line_goes_on()
    {
        var gate = new WriteGate();
        Assert.True(gate.TryEnter(TimeSpan.FromSeconds(10)));
        var gaveUp = false;
        var late = new Thread(() => gaveUp = !gate.TryEnter(TimeSpan.FromMilliseconds(50)));
        late.Start();
        late.Join();
        Assert.True(gaveUp);
        Assert.Equal(0, gate.Waiting);
        var next = false;
        var after = new Thread(() =>
        {
            next = gate.TryEnter(TimeSpan.FromSeconds(10));
            gate.Exit();
        });
        after.Start();
        WaitUntil(() => gate.Waiting == 1);
        gate.Exit();
        after.Join();
        Assert.True(next);
        Assert.Throws<InvalidOperationException>(gate.Exit);
    }

    [Fact]
    public void Write_sessions_on_one_SQLite_file_take_turns_and_one_ended_without_a_commit_lets_go_too()
    {
        using var temporary = TestStores.Create(TestStores.Sqlite)!;
        var store = temporary.Store;
        // A second store object on the same file queues at the same gate (the pools are per file too).
        using var other = new SqliteStore(((SqliteStore)store).Path);
        Assert.Same(store.Gate, other.Gate);

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
