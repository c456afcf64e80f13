using System.Security.Cryptography;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Notifications;

public sealed record MailAttachment(string Name, string ContentType, byte[] Content);

/// <summary>A mail ready to queue: who it is for, what it says (rendered at queue time, in the recipient's language).</summary>
public sealed record OutgoingMail(string Kind, string To, string Language, MailDocument Document, string Footer, string? AccountId = null,
    string? PublisherId = null, bool Unsubscribable = false, IReadOnlyList<MailAttachment>? Attachments = null);

public sealed record MailView(long Id, string Kind, string To, string Subject, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt,
    string? LastError, string? PublisherId, string? AccountId);

public sealed record MailContent(MailView Mail, string Text, string Html, IReadOnlyList<string> Attachments);

/// <summary>
/// The mail queue: each mail is rendered and stored in the transaction of what it tells (a decision's news, a reset
/// asked for), so nothing acknowledged is lost; a sender (<see cref="MailSender"/>) delivers what is due. Without an
/// SMTP server the mail stays here, readable in the dashboard.
/// </summary>
public static class Mailbox
{
    /// <summary>Kinds whose mail carries a one-use secret link: the dashboard shows their subject, never their body, to anyone but the recipient.</summary>
    public static readonly IReadOnlySet<string> Secret = new HashSet<string>(StringComparer.Ordinal) { "password_reset", "email_change" };

    /// <summary>Queues a mail (once per outbox message, kind and address when it tells one); returns its id, or null when it was queued already.</summary>
    public static long? Add(DbSession s, OutgoingMail mail, DateTimeOffset now, long? messageId, string publicUrl)
    {
        var token = mail.Unsubscribable ? RandomNumberGenerator.GetHexString(32, lowercase: true) : null;
        var footer = token is null ? mail.Footer : string.Format(System.Globalization.CultureInfo.InvariantCulture, mail.Footer, UnsubscribeUrl(publicUrl, token));
        var at = Times.ToMicros(now);
        var id = s.Query<long>("""
            INSERT INTO mail_messages (message_id, kind, account_id, publisher_id, to_address, language, subject, text_body, html_body, unsubscribe,
                status, attempts, next_at, created_at)
            VALUES (@messageId, @Kind, @AccountId, @PublisherId, @To, @Language, @subject, @text, @html, @token, 'pending', 0, @at, @at)
            ON CONFLICT (message_id, kind, to_address) WHERE message_id IS NOT NULL DO NOTHING
            RETURNING id
            """, new
        {
            messageId, mail.Kind, mail.AccountId, mail.PublisherId, mail.To, mail.Language, subject = mail.Document.Subject,
            text = mail.Document.Text(footer), html = mail.Document.Html(footer, mail.Language), token, at,
        }).Select(x => (long?)x).FirstOrDefault();
        if (id is { } mailId)
        {
            s.ExecuteEach("INSERT INTO mail_attachments (mail_id, name, content_type, content) VALUES (@mailId, @Name, @ContentType, @Content)",
                (mail.Attachments ?? []).Select(a => new { mailId, a.Name, a.ContentType, a.Content }));
        }
        return id;
    }

    public static string UnsubscribeUrl(string publicUrl, string token) => $"{publicUrl.TrimEnd('/')}/unsubscribe?token={token}";

    private const string ViewColumns = "id, kind, to_address, subject, status, attempts, created_at, sent_at, last_error, publisher_id, account_id";

    /// <summary>Mail, newest first: all of it (<paramref name="publisherId"/> and <paramref name="accountId"/> null), a publisher's, or an account's.</summary>
    public static IReadOnlyList<MailView> List(Store store, string? publisherId, string? accountId, int limit = 50, int offset = 0) => store.Read(s =>
        (IReadOnlyList<MailView>)s.Query<ViewRow>($"""
            SELECT {ViewColumns} FROM mail_messages
            WHERE (@publisherId IS NULL OR publisher_id = @publisherId) AND (@accountId IS NULL OR account_id = @accountId)
            ORDER BY id DESC LIMIT @limit OFFSET @offset
            """, new { publisherId, accountId, limit, offset }).Select(Map).ToList());

    public static MailContent? Read(Store store, long id) => store.Read(s =>
    {
        var row = s.QuerySingleOrDefault<ViewRow>($"SELECT {ViewColumns}, text_body, html_body FROM mail_messages WHERE id = @id", new { id });
        if (row is null) return null;
        var names = s.Query<string>("SELECT name FROM mail_attachments WHERE mail_id = @id ORDER BY name", new { id });
        return new MailContent(Map(row), row.TextBody ?? "", row.HtmlBody ?? "", names);
    });

    public static MailAttachment? Attachment(Store store, long id, string name) => Attachments(store, id).FirstOrDefault(a => a.Name == name);

    /// <summary>A mail's attachments, by name.</summary>
    public static IReadOnlyList<MailAttachment> Attachments(Store store, long id) => store.Read(s => (IReadOnlyList<MailAttachment>)s.Query<AttachmentRow>(
        "SELECT name, content_type, content FROM mail_attachments WHERE mail_id = @id ORDER BY name", new { id }).Select(a => new MailAttachment(a.Name, a.ContentType, a.Content)).ToList());

    /// <summary>Counts by status (pending, sent, dead).</summary>
    public static IReadOnlyDictionary<string, long> Counts(Store store) => store.Read(s =>
        s.Query<CountRow>("SELECT status, COUNT(*) AS n FROM mail_messages GROUP BY status").ToDictionary(r => r.Status, r => r.N, StringComparer.Ordinal));

    private static MailView Map(ViewRow r) => new(r.Id, r.Kind, r.ToAddress, r.Subject, r.Status, r.Attempts, Times.FromMicros(r.CreatedAt),
        r.SentAt is { } sent ? Times.FromMicros(sent) : null, r.LastError, r.PublisherId, r.AccountId);

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class ViewRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string ToAddress { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public long CreatedAt { get; set; }
        public long? SentAt { get; set; }
        public string? LastError { get; set; }
        public string? PublisherId { get; set; }
        public string? AccountId { get; set; }
        public string? TextBody { get; set; }
        public string? HtmlBody { get; set; }
    }

    private sealed class AttachmentRow
    {
        public string Name { get; set; } = "";
        public string ContentType { get; set; } = "";
        public byte[] Content { get; set; } = [];
    }

    private sealed class CountRow
    {
        public string Status { get; set; } = "";
        public long N { get; set; }
    }
#pragma warning restore CA1812
}
