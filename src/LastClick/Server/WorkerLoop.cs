namespace LastClick.Server;

/// <summary>A background worker's loop: a round now, then one each period until the host stops; a failed round is reported and the next one tried.</summary>
internal static class WorkerLoop
{
    public static async Task RunAsync(TimeProvider clock, TimeSpan period, Func<CancellationToken, Task> round, Action<Exception> failed, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(period, clock);
        try
        {
            do
            {
                try
                {
                    await round(stopping).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // a failed round is reported and tried again next period
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed(e);
                }
#pragma warning restore CA1031
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
