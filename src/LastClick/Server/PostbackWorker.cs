using LastClick.Data;
using LastClick.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// Delivers publisher postbacks from the outbox, one worker per node: every second, queue what is new and send what is
/// due. Nodes sharing PostgreSQL share the work (jobs are claimed with SKIP LOCKED and a lease).
/// </summary>
internal sealed partial class PostbackWorker(Platform platform, GroupCommit commits, ILogger<PostbackWorker> log) : BackgroundService
{
    /// <summary>How old a write transaction is before the worker warns that it holds the outbox back (PostgreSQL).</summary>
    private static readonly TimeSpan HoldWarning = TimeSpan.FromMinutes(1);

    private DateTimeOffset _holdersAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = PostbackService.CreateClient(platform.Postbacks.Policy);
        await WorkerLoop.RunAsync(platform.Clock, TimeSpan.FromSeconds(1), async cancel =>
        {
            await platform.Postbacks.DispatchAllAsync(commits).ConfigureAwait(false);
            await platform.Postbacks.DeliverAllAsync(http, commits, cancel: cancel).ConfigureAwait(false);
            WarnOfHolders();
        }, e => Failed(log, e), stoppingToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Once a minute on PostgreSQL: the outbox's readers take no message newer than the oldest write transaction running
    /// on the server (decision 0013), so one left open stops every postback and mail. Each such transaction is named.
    /// </summary>
    private void WarnOfHolders()
    {
        var now = platform.Clock.GetUtcNow();
        if (platform.Store.Provider != StoreProvider.Postgres || now - _holdersAt < HoldWarning) return;
        _holdersAt = now;
        foreach (var h in platform.Store.Read(s => Outbox.HeldBackBy(s, HoldWarning)))
        {
            HeldBack(log, h.Kind, h.Pid, h.State, h.Database, h.Seconds, h.Query);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Postback delivery round failed")]
    private static partial void Failed(ILogger logger, Exception e);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning,
        Message = "Postbacks and mail wait for a write transaction on the PostgreSQL server: {Kind} {Pid} ({State}) in database {Database}, open {Seconds:F0} s: {Query}")]
    private static partial void HeldBack(ILogger logger, string kind, int? pid, string state, string? database, double seconds, string? query);
}
