using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace LastClick.Common;

/// <summary>
/// A sequence enumerated on a thread of its own, at most <c>capacity</c> elements ahead of the consumer, in order: the
/// catalog import reads its file while chunks are parsed, and a feed reads the store while the previous items are
/// written. The reader blocks on a full queue, so it gets a dedicated thread rather than one of the pool's (which
/// do the parsing). Stopping early stops the reader; its failure is thrown to the consumer.
/// </summary>
public static class ReadAhead
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int capacity)
    {
        using var queue = new BlockingCollection<T>(capacity);
        using var stop = new CancellationTokenSource();
        Exception? failed = null;
        var reader = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var item in source) queue.Add(item, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // the consumer stopped early (a cancellation of the source's own is its failure, handed on below)
            }
#pragma warning disable CA1031 // handed to the consumer, which rethrows it
            catch (Exception e)
            {
                failed = e;
            }
#pragma warning restore CA1031
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var item in queue.GetConsumingEnumerable()) yield return item;
            if (failed is not null) ExceptionDispatchInfo.Throw(failed);
        }
        finally
        {
            stop.Cancel();
            reader.GetAwaiter().GetResult();
        }
    }
}
