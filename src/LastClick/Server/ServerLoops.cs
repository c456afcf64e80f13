using LastClick.Data;
using LastClick.Tracking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// What runs beside the requests: on PostgreSQL, hearing other nodes' link and program changes (LISTEN/NOTIFY); once a
/// minute, moving orders on by the clock (hold periods ending: confirmed → payable, C1–C3); once a day, storing the
/// Affiliate Ranking (E5) that the Top-N acceptance (E2) reads, looking for broken links (F3) and running the traffic
/// analytics over the last days (A6, E4); once a month, ranking the
/// previous month's best sellers (G4); once an hour, dropping raw clicks past retention.
/// </summary>
internal sealed partial class ServerLoops(Platform platform, LinkCache links, ILogger<ServerLoops> log, Microsoft.Extensions.Configuration.IConfiguration configuration)
    : BackgroundService
{
    private DateTimeOffset _retainedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = platform.Store is PostgresStore postgres
            ? links.ListenAsync(postgres, e => Log.ListenFailed(log, LinkService.ChangeChannel, e), stoppingToken)
            : Task.CompletedTask;
        var programsListening = platform.Store is PostgresStore pg ? ListenForPrograms(pg, stoppingToken) : Task.CompletedTask;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), platform.Clock);
        try
        {
            do
            {
                try
                {
                    var moved = platform.Orders.Advance();
                    if (moved > 0) Log.Advanced(log, moved);
                    Publishers.Ranking.RecomputeIfDue(platform.Store, platform.Programs, platform.Clock.GetUtcNow(), TimeSpan.FromDays(1));
                    Products.BestSellerJob.RunIfDue(platform.Store, platform.Clock.GetUtcNow());
                    Products.BrokenLinks.RunIfDue(platform.Store, platform.Clock.GetUtcNow());
                    platform.Fraud.RunIfDue(platform.Clock.GetUtcNow());
                    platform.Payouts.RunIfDue(platform.Clock.GetUtcNow());
                    DropOldClicks();
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
        await programsListening.ConfigureAwait(false);
    }

    /// <summary>
    /// Once an hour: on PostgreSQL the coming days' click partitions are made; raw clicks older than
    /// Retention:ClickDays (400 by default; 0 keeps them) are dropped; the rollups keep them counted.
    /// </summary>
    private void DropOldClicks()
    {
        var now = platform.Clock.GetUtcNow();
        if (now - _retainedAt < TimeSpan.FromHours(1)) return;
        _retainedAt = now;
        var made = ClickPartitions.Ensure(platform.Store, now);
        if (made > 0) Log.PartitionsMade(log, made);
        var days = configuration.GetValue("Retention:ClickDays", Reports.Retention.DefaultClickDays);
        if (days <= 0) return; // 0: raw clicks are kept for ever
        var dropped = Reports.Retention.DropClicks(platform.Store, now, days);
        var firstKept = Reports.Retention.FirstKeptDay(now, days);
        if (dropped > 0) Log.ClicksDropped(log, dropped, firstKept);
    }

    /// <summary>An admin's program edit on another node is loaded here as soon as its NOTIFY arrives (and all of them on every reconnect).</summary>
    private Task ListenForPrograms(PostgresStore store, CancellationToken cancel) =>
        store.ListenUntilCancelledAsync(Programs.ProgramEditor.ChangeChannel, id => platform.ProgramEditor.Load(id), () => platform.ProgramEditor.Load(),
            e => Log.ListenFailed(log, Programs.ProgramEditor.ChangeChannel, e), cancel);
}
