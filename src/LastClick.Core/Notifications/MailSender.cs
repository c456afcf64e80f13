using LastClick.Common;
using LastClick.Data;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LastClick.Notifications;

/// <summary>The SMTP server mail goes through (settings <c>Smtp:Host</c>, <c>Port</c>, <c>User</c>, <c>Password</c>, <c>From</c>, <c>StartTls</c>).</summary>
public sealed record SmtpSettings(string Host, int Port, string? User, string? Password, string From, bool StartTls)
{
    /// <summary>From configuration values; null when no host is set (mail then stays in the queue, readable in the dashboard).</summary>
    public static SmtpSettings? Read(Func<string, string?> setting)
    {
        var host = setting("Smtp:Host");
        if (string.IsNullOrWhiteSpace(host)) return null;
        var portText = setting("Smtp:Port");
        var port = string.IsNullOrWhiteSpace(portText) ? 587
            : int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p
            : throw ProblemException.Invalid("Smtp:Port", "must be a port number (1–65535)");
        var from = setting("Smtp:From");
        if (string.IsNullOrWhiteSpace(from) || !MailboxAddress.TryParse(from, out _)) throw ProblemException.Invalid("Smtp:From", "must be the sender's address, e.g. \"Affiliate program <affiliates@example.com>\"");
        var startTls = setting("Smtp:StartTls") is not { Length: > 0 } tls || (bool.TryParse(tls, out var t) ? t : throw ProblemException.Invalid("Smtp:StartTls", "true or false"));
        return new SmtpSettings(host.Trim(), port, NullIfEmpty(setting("Smtp:User")), NullIfEmpty(setting("Smtp:Password")), from.Trim(), startTls);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>
/// Sends queued mail over SMTP with MailKit: claims due mail with a lease (SKIP LOCKED on PostgreSQL, so nodes share the
/// work and a crash mid-send sends again later — the Message-Id stays the same, so a receiver can drop the repeat),
/// one connection per batch, results in one transaction. A recipient the server refuses for good is given up at once;
/// anything else is retried with backoff for 72 hours.
/// </summary>
public sealed class MailSender(Store store, TimeProvider clock)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(72);

    /// <summary>Where the dashboard answers (the unsubscribe links point there).</summary>
    public string PublicUrl { get; set; } = "http://localhost:8080";

    /// <summary>The first retry's delay; each next one doubles (capped at six hours), ±20% jitter.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sends up to <paramref name="batch"/> due mails; returns how many were claimed.</summary>
    public async Task<int> SendDueAsync(SmtpSettings smtp, int batch = 50, CancellationToken cancel = default)
    {
        var now = clock.GetUtcNow();
        var claimed = store.InSession(s => s.Query<DueRow>($"""
            UPDATE mail_messages SET next_at = @lease
            WHERE id IN (SELECT id FROM mail_messages WHERE status = 'pending' AND next_at <= @now ORDER BY next_at, id LIMIT @batch
                         {(s.Provider == StoreProvider.Postgres ? "FOR UPDATE SKIP LOCKED" : "")})
            RETURNING id, to_address, subject, text_body, html_body, unsubscribe, attempts, created_at
            """, new { now = Times.ToMicros(now), lease = Times.ToMicros(now + Lease), batch }));
        if (claimed.Count == 0) return 0;
        var results = new List<(DueRow Mail, string? Error, bool Final)>();
        var from = MailboxAddress.Parse(smtp.From);
        using var client = new SmtpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            client.Timeout = 15_000;
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, timeout.Token).ConfigureAwait(false);
            if (smtp.User is not null) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
            or AuthenticationException or SslHandshakeException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            var error = $"cannot use the SMTP server {smtp.Host}:{smtp.Port}: {e.Message}";
            store.InSession(s =>
            {
                foreach (var mail in claimed) Record(s, mail, error, final: false);
            });
            return claimed.Count;
        }
        foreach (var mail in claimed)
        {
            try
            {
                using var message = Build(mail, from);
                await client.SendAsync(message, cancel).ConfigureAwait(false);
                results.Add((mail, null, false));
            }
            catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
            {
                results.Add((mail, $"refused for good: {(int)e.StatusCode} {e.Message}", true));
            }
            catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or ServiceNotConnectedException)
            {
                results.Add((mail, e.Message, false));
                if (!client.IsConnected) break; // the rest stay leased and are sent again when the lease ends
            }
        }
        await client.DisconnectAsync(quit: true, CancellationToken.None).ConfigureAwait(false);
        store.InSession(s =>
        {
            foreach (var (mail, error, final) in results) Record(s, mail, error, final);
        });
        return claimed.Count;
    }

    private MimeMessage Build(DueRow mail, MailboxAddress from)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(mail.ToAddress));
        message.Subject = mail.Subject;
        message.Date = Times.FromMicros(mail.CreatedAt);
        // The same id on every attempt: a mail sent twice (a crash between sending and recording) is recognizably one.
        message.MessageId = $"lastclick.mail.{mail.Id}@{from.Domain}";
        if (mail.Unsubscribe is { } token)
        {
            // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to this URL.
            message.Headers.Add("List-Unsubscribe", $"<{Mailbox.UnsubscribeUrl(PublicUrl, token)}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody };
        foreach (var a in Mailbox.Attachments(store, mail.Id))
        {
            body.Attachments.Add(a.Name, a.Content, ContentType.Parse(a.ContentType));
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    private void Record(DbSession s, DueRow mail, string? error, bool final)
    {
        var now = clock.GetUtcNow();
        var attempts = mail.Attempts + 1;
        var dead = error is not null && (final || now - Times.FromMicros(mail.CreatedAt) >= GiveUpAfter);
        var next = error is null || dead ? now : now + PostbackService.Backoff(attempts, RetryBase, Random.Shared.NextDouble());
        s.Execute("""
            UPDATE mail_messages SET status = @status, attempts = @attempts, next_at = @next, sent_at = @sent, last_error = @error WHERE id = @Id
            """, new
        {
            mail.Id, status = error is null ? "sent" : dead ? "dead" : "pending", attempts, next = Times.ToMicros(next),
            sent = error is null ? Times.ToMicros(now) : (long?)null, error,
        });
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class DueRow
    {
        public long Id { get; set; }
        public string ToAddress { get; set; } = "";
        public string Subject { get; set; } = "";
        public string TextBody { get; set; } = "";
        public string HtmlBody { get; set; } = "";
        public string? Unsubscribe { get; set; }
        public int Attempts { get; set; }
        public long CreatedAt { get; set; }
    }
#pragma warning restore CA1812
}
