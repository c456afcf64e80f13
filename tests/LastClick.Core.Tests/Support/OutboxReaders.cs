using LastClick.Data;

namespace LastClick.Tests.Support;

/// <summary>The outbox's readers run as their workers run them, until they have read every message committed.</summary>
public static class OutboxReaders
{
    /// <summary>
    /// Runs <paramref name="read"/> (one pass of the reader whose cursor is <paramref name="reader"/>) until that cursor
    /// is past every message committed; answers the sum of what the passes answered. On PostgreSQL a reader takes only
    /// the messages of transactions older than every one still running on the server (Data/Outbox.cs), and tests of
    /// other classes, run at the same time, hold some open: it waits for them, at most 60 s, as the worker would.
    /// </summary>
    public static int ReadAll(Store store, string reader, Func<int> read)
    {
        var done = 0;
        for (var tries = 0; tries < 600; tries++)
        {
            done += read();
            var behind = store.Read(s => s.Scalar<long>(s.Provider == StoreProvider.Postgres
                ? """
                  SELECT COUNT(*) FROM outbox_messages
                  WHERE (xact, id) > (SELECT CAST(CAST(COALESCE(MAX(last_xact), 0) AS TEXT) AS xid8), COALESCE(MAX(last_id), 0) FROM outbox_cursors WHERE name = @reader)
                  """
                : "SELECT COUNT(*) FROM outbox_messages WHERE id > (SELECT COALESCE(MAX(last_id), 0) FROM outbox_cursors WHERE name = @reader)",
                new { reader }));
            if (behind == 0) return done;
            Thread.Sleep(100);
        }
        throw new TimeoutException($"the outbox's {reader} reader stayed behind for 60 s");
    }

    /// <summary>Runs <paramref name="read"/> until what it answers is <paramref name="done"/> (PostgreSQL: as <see cref="ReadAll"/>, at most 60 s).</summary>
    public static T Until<T>(Func<T> read, Func<T, bool> done)
    {
        for (var tries = 0; tries < 600; tries++)
        {
            var answer = read();
            if (done(answer)) return answer;
            Thread.Sleep(100);
        }
        throw new TimeoutException("the outbox's reader did not get what it waited for in 60 s");
    }
}
