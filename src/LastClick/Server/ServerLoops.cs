using LastClick.Data;
using LastClick.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// What runs beside the requests: on PostgreSQL, hearing other nodes' link changes (LISTEN/NOTIFY); and once a
/// minute, moving orders on by the clock (hold periods ending: confirmed → payable, C1–C3).
/// </summary>
internal sealed partial class ServerLoops(Platform platform, LinkCache links, ILogger<ServerLoops> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = platform.Store is PostgresStore postgres
            ? links.ListenAsync(postgres, e => Log.ListenFailed(log, e), stoppingToken)
            : Task.CompletedTask;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), platform.Clock);
        try
        {
            do
            {
                try
                {
                    var moved = platform.Orders.Advance();
                    if (moved > 0) Log.Advanced(log, moved);
                }
#pragma warning disable CA1031 // a failed round is logged and tried again next minute
                catch (Exception e)
                {
                    Log.AdvanceFailed(log, e);
                }
#pragma warning restore CA1031
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        await listening.ConfigureAwait(false);
    }
}
