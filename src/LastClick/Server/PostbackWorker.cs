using LastClick.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// Delivers publisher postbacks from the outbox, one worker per node: every second, queue what is new and send what is
/// due. Nodes sharing PostgreSQL share the work (jobs are claimed with SKIP LOCKED and a lease).
/// </summary>
internal sealed partial class PostbackWorker(Platform platform, ILogger<PostbackWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = PostbackService.CreateClient(platform.Postbacks.Policy);
        await WorkerLoop.RunAsync(platform.Clock, TimeSpan.FromSeconds(1), async cancel =>
        {
            while (platform.Postbacks.Dispatch() > 0) { }
            while (await platform.Postbacks.DeliverDueAsync(http, cancel: cancel).ConfigureAwait(false) > 0) { }
        }, e => Failed(log, e), stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Postback delivery round failed")]
    private static partial void Failed(ILogger logger, Exception e);
}
