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
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), platform.Clock);
        try
        {
            do
            {
                try
                {
                    while (platform.Postbacks.Dispatch() > 0) { }
                    while (await platform.Postbacks.DeliverDueAsync(http, cancel: stoppingToken).ConfigureAwait(false) > 0) { }
                }
#pragma warning disable CA1031 // a failed round is logged and tried again next second
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Failed(log, e);
                }
#pragma warning restore CA1031
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Postback delivery round failed")]
    private static partial void Failed(ILogger logger, Exception e);
}
