namespace LastClick.Data;

/// <summary>
/// SQLite: a writer that commits for waiting callers (the click and order group commits) turns off the WAL's
/// automatic checkpoint on its connection — that checkpoint would run inside a commit and stall every caller of the
/// batch — and this loop runs a passive checkpoint once a second on a connection of its own instead, which never
/// blocks a writer. Disposing stops it.
/// </summary>
public sealed class WalCheckpoints : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private WalCheckpoints(Store store) => _loop = Task.Run(() => RunAsync(store, _stopping.Token));

    /// <summary>Starts the loop for a SQLite store; null for other stores (PostgreSQL checkpoints by itself).</summary>
    public static WalCheckpoints? Start(Store store) => store.Provider == StoreProvider.Sqlite ? new WalCheckpoints(store) : null;

    /// <summary>For the writer's own session (<see cref="Store.Open"/> sets the default back for the next user of the connection).</summary>
    public static void TakeOver(DbSession session)
    {
        if (session.Provider == StoreProvider.Sqlite) session.Execute("PRAGMA wal_autocheckpoint=0");
    }

    private static async Task RunAsync(Store store, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                using var connection = store.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                command.ExecuteNonQuery();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
