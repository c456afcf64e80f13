using LastClick.Data;
using LastClick.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

/// <summary>
/// The news that reaches people, one worker per node: every second, route what is new in the outbox to the
/// notification centre and the mail queue, and — when an SMTP server is configured — send the mail that is due (nodes
/// sharing PostgreSQL share it: claimed with SKIP LOCKED and a lease). Once an hour, the weekly broken-links digests
/// that are due. Without SMTP, mail stays queued and is read in the dashboard.
/// </summary>
internal sealed partial class MailWorker(Platform platform, SmtpSettings? smtp, GroupCommit commits, ILogger<MailWorker> log) : BackgroundService
{
    private DateTimeOffset _digestsAt = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        WorkerLoop.RunAsync(platform.Clock, TimeSpan.FromSeconds(1), async cancel =>
        {
            await platform.News.RouteAllAsync(commits).ConfigureAwait(false);
            var now = platform.Clock.GetUtcNow();
            if (now - _digestsAt >= TimeSpan.FromHours(1))
            {
                _digestsAt = now;
                platform.News.DigestIfDue();
            }
            if (smtp is not null)
            {
                while (await platform.Mail.SendDueAsync(smtp, cancel: cancel).ConfigureAwait(false) > 0) { }
            }
        }, e => Failed(log, e), stoppingToken);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Mail round failed")]
    private static partial void Failed(ILogger logger, Exception e);
}
