using LastClick.Common;

namespace LastClick.Tests.Data;

/// <summary>The read-ahead that feeds and the catalog import read through (Common.ReadAhead).</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public void Items_come_in_order_and_a_failure_of_the_source_reaches_the_consumer_even_a_cancellation_of_its_own()
    {
        Assert.Equal(Enumerable.Range(0, 1000), ReadAhead.Of(Enumerable.Range(0, 1000), 8));

        static IEnumerable<int> Failing(Exception e)
        {
            yield return 1;
            throw e;
        }
        Assert.Throws<InvalidOperationException>(() => ReadAhead.Of(Failing(new InvalidOperationException("bad row")), 8).ToList());
        // A source's own cancellation (a PostgreSQL read cancelled by its server, say) is a failure: the consumer must not
        // take a short sequence for the whole one.
        Assert.Throws<OperationCanceledException>(() => ReadAhead.Of(Failing(new OperationCanceledException()), 8).ToList());
    }

    [Fact]
    public void A_consumer_that_stops_early_stops_the_reader_and_hears_of_no_failure()
    {
        var read = 0;
        IEnumerable<int> Endless()
        {
            for (var i = 0; ; i++)
            {
                Interlocked.Increment(ref read);
                yield return i;
            }
        }
        Assert.Equal([0, 1, 2], ReadAhead.Of(Endless(), 4).Take(3));
        // The reader has stopped (Take disposed the sequence, which waits for it): at most the queue's worth and one more.
        var after = Volatile.Read(ref read);
        Assert.InRange(after, 3, 3 + 4 + 1);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref read));
    }
}
