using System.Globalization;
using System.Text;
using LastClick.Common;
using LastClick.Data;

namespace LastClick.Support;

/// <summary>Who wrote a message: the publisher's side or the operator's team.</summary>
public static class SupportSides
{
    public const string Publisher = "publisher", Operator = "operator";
}

/// <summary>What a thread is about (I3). A publisher opens the first six; claim and fraud threads are also made with a claim or a confirmed finding.</summary>
public static class SupportTopics
{
    public const string Payment = "payment", Tracking = "tracking", Claim = "claim", Order = "order", Moderation = "moderation", Other = "other", Fraud = "fraud";

    public static readonly IReadOnlyList<string> Opened = [Payment, Tracking, Claim, Order, Moderation, Other];
    public static readonly IReadOnlyList<string> All = [.. Opened, Fraud];
}

/// <summary>The thing of the publisher's a thread names: an order, a claim, a payout (the publisher's line of a run), a link or a finding.</summary>
public sealed record SupportAbout(string Kind, string Id)
{
    public const string Order = "order", Claim = "claim", Payout = "payout", Link = "link", Finding = "finding";
    public static readonly IReadOnlyList<string> Kinds = [Order, Claim, Payout, Link, Finding];
}

/// <summary>A file sent with a message, as uploaded.</summary>
public sealed record AttachmentUpload(string Name, string ContentType, byte[] Content);

public sealed record SupportAttachment(long Id, string Name, string ContentType, long Size);

public sealed record SupportMessage(long Id, string Side, string Author, string Body, string? Event, string? Reason, DateTimeOffset At,
    IReadOnlyList<SupportAttachment> Attachments);

/// <param name="Unread">The reader's side has not read the thread's last message (the other side's, or an event).</param>
public sealed record SupportThread(long Id, string PublisherId, string? ProgramId, string Topic, string Subject, string Status, SupportAbout? About,
    string? Assignee, DateTimeOffset OpenedAt, DateTimeOffset LastAt, string LastSide, long Messages, bool Unread);

public sealed record SupportThreadView(SupportThread Thread, IReadOnlyList<SupportMessage> Messages);

/// <summary>A new thread: its topic, subject and first message, and what it is about.</summary>
public sealed record SupportRequest(string Topic, string Subject, string Body, string? ProgramId = null, SupportAbout? About = null,
    IReadOnlyList<AttachmentUpload>? Attachments = null);

/// <summary>The operator's list filter: status (open, closed, or all when null), assignee ("none", or an account id), publisher, topic.</summary>
public sealed record SupportFilter(string? Status = null, string? Assignee = null, string? PublisherId = null, string? Topic = null, int Limit = 100, int Offset = 0);

/// <summary>The file of an attachment, to download.</summary>
public sealed record AttachmentFile(string Name, string ContentType, byte[] Content)
{
    /// <summary>The Content-Type it is served with: text says its encoding, as it was checked (UTF-8).</summary>
    public string MediaType => ContentType == "text/plain" ? "text/plain; charset=utf-8" : ContentType;
}

/// <summary>
/// Support threads (I3): a publisher opens a request about a topic, naming one of its things, and the operator's team
/// answers, assigns and closes it; either side's message reopens a closed thread. A claim and a confirmed fraud finding
/// have a thread of their own (<see cref="OpenOwn"/>), so their decisions and answers are read in one place. Attachments
/// are plain text or pictures, checked by their first bytes and bounded in size. Every message and change is audited in
/// its transaction, and tells the other side (outbox: <c>support_request</c> to the team, <c>support_reply</c> and
/// <c>support_closed</c> to the publisher).
/// </summary>
public sealed class SupportService(Store store, Programs.ProgramCatalog programs, TimeProvider clock)
{
    public const int MaxSubject = 200;
    public const int MaxBody = Limits.MaxTextLength;
    public const int MaxAttachments = 3;
    public const int MaxAttachmentBytes = 1024 * 1024;
    public const int MaxAttachmentName = 100;

    /// <summary>What an attachment may be: plain text (UTF-8) and the pictures every browser shows. SVG is not: it can hold script.</summary>
    public static readonly IReadOnlyList<string> ContentTypes = ["text/plain", "image/png", "image/jpeg", "image/gif", "image/webp"];

    public static string Actor(string publisherId) => $"publisher:{publisherId}";

    // ---- Writing ---------------------------------------------------------------------------------------------------

    /// <summary>A publisher opens a thread; what it names must be its own (anything else is "not found", as another publisher's id is).</summary>
    public SupportThread Open(string publisherId, SupportRequest request, string actor)
    {
        if (!SupportTopics.Opened.Contains(request.Topic)) throw ProblemException.Invalid("topic", $"one of {string.Join(", ", SupportTopics.Opened)}");
        return Create(publisherId, request, SupportSides.Publisher, actor);
    }

    /// <summary>The operator's team writes first, to a publisher (a question about its traffic, a payment to check).</summary>
    public SupportThread OpenToPublisher(string publisherId, SupportRequest request, string actor)
    {
        if (!SupportTopics.All.Contains(request.Topic)) throw ProblemException.Invalid("topic", $"one of {string.Join(", ", SupportTopics.All)}");
        return Create(publisherId, request, SupportSides.Operator, actor);
    }

    private SupportThread Create(string publisherId, SupportRequest request, string side, string actor)
    {
        var subject = Text(request.Subject, "subject", MaxSubject);
        var body = Text(request.Body, "body", MaxBody);
        var files = Check(request.Attachments);
        return store.InSession(s =>
        {
            if (s.Scalar<long>("SELECT COUNT(*) FROM publishers WHERE id = @publisherId", new { publisherId }) == 0)
            {
                throw new ProblemException(Problem.NotFound("publisher", $"no publisher '{publisherId}'"));
            }
            if (request.ProgramId is { } program) programs.Get(program, "program");
            if (request.About is { } about)
            {
                CheckAbout(s, publisherId, about);
                if (about.Kind is SupportAbout.Claim or SupportAbout.Finding && OwnThread(s, about) is { } existing)
                {
                    throw new ProblemException(Problem.Conflict("about", $"{about.Kind} {about.Id} has its thread #{existing}: write there"));
                }
            }
            var now = clock.GetUtcNow();
            var id = Insert(s, publisherId, request.ProgramId, request.Topic, subject, request.About, actor, side, now);
            var message = Write(s, id, side, actor, body, null, null, files, now);
            AuditLog.Append(s, now, actor, "support.opened", Subject(id), $"{request.Topic}: {subject}");
            var thread = Find(s, id, side)!;
            Tell(s, thread, message, body, side, now);
            return thread;
        });
    }

    /// <summary>A message in a thread; a publisher reaches only its own threads. A closed thread opens again.</summary>
    public SupportMessage Post(long threadId, string side, string? publisherId, string body, IReadOnlyList<AttachmentUpload>? attachments, string actor)
    {
        return store.InSession(s =>
        {
            // Another publisher's thread is not found, whatever the message says.
            var thread = Locked(s, threadId, publisherId);
            var text = Text(body, "body", MaxBody);
            var files = Check(attachments);
            var now = clock.GetUtcNow();
            var id = Say(s, thread, side, actor, text, files, now);
            // A publisher's answer to a finding is the finding's answer too (the fraud page shows the latest).
            if (side == SupportSides.Publisher && thread.About is { Kind: SupportAbout.Finding } finding)
            {
                s.Execute("UPDATE fraud_findings SET reply = @text, replied_at = @at WHERE id = @id AND publisher_id = @PublisherId",
                    new { text, at = Times.ToMicros(now), id = long.Parse(finding.Id, CultureInfo.InvariantCulture), thread.PublisherId });
            }
            AuditLog.Append(s, now, actor, "support.message", Subject(threadId), $"message {id}{(files.Count > 0 ? $", {files.Count} attachment(s)" : "")}");
            return Messages(s, threadId, id).Single();
        });
    }

    /// <summary>The operator's team closes or reopens a thread, or gives it to one of its accounts (or to nobody: "").</summary>
    public SupportThread Change(long threadId, string? status, string? assignee, string actor)
    {
        if (status is not (null or "open" or "closed")) throw ProblemException.Invalid("status", "open or closed");
        if (status is null && assignee is null) throw ProblemException.Invalid("status", "name a status or an assignee to change");
        return store.InSession(s =>
        {
            var thread = Locked(s, threadId, null);
            var now = clock.GetUtcNow();
            if (assignee is not null && assignee != (thread.Assignee ?? ""))
            {
                string? account = null;
                if (assignee.Length > 0)
                {
                    account = s.Query<string>("SELECT id FROM accounts WHERE (id = @assignee OR email = @assignee) AND role IN ('admin', 'moderator')", new { assignee })
                        .FirstOrDefault() ?? throw ProblemException.Invalid("assignee", $"no operator account '{assignee}'");
                }
                s.Execute("UPDATE support_threads SET assignee = @account WHERE id = @threadId", new { account, threadId });
                Write(s, threadId, SupportSides.Operator, actor, "", account is null ? "unassigned" : "assigned", account, [], now, quiet: true);
                AuditLog.Append(s, now, actor, "support.assigned", Subject(threadId), account ?? "nobody");
            }
            if (status is not null && status != thread.Status)
            {
                s.Execute("UPDATE support_threads SET status = @status WHERE id = @threadId", new { status, threadId });
                Write(s, threadId, SupportSides.Operator, actor, "", status == "closed" ? "closed" : "reopened", null, [], now);
                AuditLog.Append(s, now, actor, "support." + (status == "closed" ? "closed" : "reopened"), Subject(threadId), thread.Subject);
                if (status == "closed")
                {
                    Outbox.Write(s, now, "support_closed", Subject(threadId), new { thread = threadId, publisher = thread.PublisherId, subject = thread.Subject, eventTime = now },
                        thread.ProgramId, thread.PublisherId);
                }
            }
            return Find(s, threadId, SupportSides.Operator)!;
        });
    }

    /// <summary>
    /// The thread of a claim or a confirmed finding, made in the transaction that files or confirms it, with its first
    /// message; later decisions are added with <see cref="AddEvent"/>. The news of a claim or a finding is told by its own kind.
    /// </summary>
    public static long OpenOwn(DbSession s, string publisherId, string? programId, string topic, string subject, SupportAbout about, string side, string actor,
        string body, string? @event, string? reason, DateTimeOffset now)
    {
        var id = Insert(s, publisherId, programId, topic, subject, about, actor, side, now);
        Write(s, id, side, actor, body, @event, reason, [], now);
        return id;
    }

    /// <summary>A decision in a claim's or finding's own thread (accepted, declined), closing it when <paramref name="close"/>.</summary>
    public static void AddEvent(DbSession s, SupportAbout about, string actor, string body, string @event, string? reason, bool close, DateTimeOffset now)
    {
        if (OwnThread(s, about) is not { } threadId) return;
        Write(s, threadId, SupportSides.Operator, actor, body, @event, reason, [], now);
        if (close) s.Execute("UPDATE support_threads SET status = 'closed' WHERE id = @threadId", new { threadId });
    }

    /// <summary>A publisher's message in a claim's or finding's own thread (its answer; the thread is made when missing), told to the team.</summary>
    public static void AddAnswer(DbSession s, string publisherId, string? programId, string topic, string subject, SupportAbout about, string body, DateTimeOffset now)
    {
        var actor = Actor(publisherId);
        var threadId = OwnThread(s, about) ?? Insert(s, publisherId, programId, topic, subject, about, actor, SupportSides.Publisher, now);
        Say(s, Find(s, threadId, SupportSides.Publisher)!, SupportSides.Publisher, actor, body, [], now);
    }

    /// <summary>
    /// A message in a thread the caller has read (and locked): stored with its files, the thread opened again if it was
    /// closed (audited), the other side told. Returns the message's id.
    /// </summary>
    private static long Say(DbSession s, SupportThread thread, string side, string actor, string text, IReadOnlyList<AttachmentUpload> files, DateTimeOffset now)
    {
        var id = Write(s, thread.Id, side, actor, text, null, null, files, now);
        if (thread.Status == "closed")
        {
            s.Execute("UPDATE support_threads SET status = 'open' WHERE id = @Id", new { thread.Id });
            AuditLog.Append(s, now, actor, "support.reopened", Subject(thread.Id), "by a message");
        }
        Tell(s, thread, id, text, side, now);
        return id;
    }

    // ---- Reading ---------------------------------------------------------------------------------------------------

    /// <summary>A publisher's threads, latest activity first, unread ones marked.</summary>
    public IReadOnlyList<SupportThread> ForPublisher(string publisherId, int limit = 100, int offset = 0) => store.Read(s =>
        (IReadOnlyList<SupportThread>)s.Query<ThreadRow>(SelectThread + " WHERE publisher_id = @publisherId ORDER BY last_at DESC, id DESC LIMIT @limit OFFSET @offset",
            new { publisherId, limit, offset }).Select(r => ToThread(r, SupportSides.Publisher)).ToList());

    /// <summary>A thread as its side sees it, not marked read: a publisher's own only (null for any other), any for the team (null publisher).</summary>
    public SupportThread? Peek(long threadId, string? publisherId) => store.Read(s =>
        Find(s, threadId, publisherId is null ? SupportSides.Operator : SupportSides.Publisher) is { } t && (publisherId is null || t.PublisherId == publisherId) ? t : null);

    /// <summary>The operator's threads, latest activity first.</summary>
    public IReadOnlyList<SupportThread> List(SupportFilter filter)
    {
        if (filter.Status is not (null or "open" or "closed")) throw ProblemException.Invalid("status", "open or closed (or leave it out for all)");
        if (filter.Topic is { } topic && !SupportTopics.All.Contains(topic)) throw ProblemException.Invalid("topic", $"one of {string.Join(", ", SupportTopics.All)}");
        return store.Read(s => (IReadOnlyList<SupportThread>)s.Query<ThreadRow>(SelectThread + """
             WHERE (@Status IS NULL OR status = @Status) AND (@PublisherId IS NULL OR publisher_id = @PublisherId) AND (@Topic IS NULL OR topic = @Topic)
               AND (@Assignee IS NULL OR (@Assignee = 'none' AND assignee IS NULL) OR assignee = @Assignee)
             ORDER BY last_at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """, filter).Select(r => ToThread(r, SupportSides.Operator)).ToList());
    }

    /// <summary>Threads whose last message the side has not read: a publisher's own, or all of them for the team.</summary>
    public long Unread(string side, string? publisherId) => store.Read(s => side == SupportSides.Publisher
        ? s.Scalar<long>("SELECT COUNT(*) FROM support_threads WHERE publisher_id = @publisherId AND last_message_id > publisher_read_id", new { publisherId })
        : s.Scalar<long>("SELECT COUNT(*) FROM support_threads WHERE last_message_id > operator_read_id AND status = 'open'"));

    /// <summary>
    /// A thread with its messages, read by a side (marked read for it up to what was read); a publisher finds only its
    /// own, and not the team's assignments.
    /// </summary>
    public SupportThreadView? Read(long threadId, string side, string? publisherId)
    {
        var read = store.Read<(SupportThreadView View, long LastMessageId)?>(s =>
        {
            if (s.QuerySingleOrDefault<ThreadRow>(SelectThread + " WHERE id = @threadId", new { threadId }) is not { } row
                || publisherId is not null && row.PublisherId != publisherId) return null;
            var messages = Messages(s, threadId, null);
            if (side == SupportSides.Publisher) messages.RemoveAll(m => m.Event is "assigned" or "unassigned");
            return (View: new SupportThreadView(ToThread(row, side), messages), row.LastMessageId);
        });
        if (read is not { } r) return null;
        if (r.View.Thread.Unread)
        {
            store.InSession(s => s.Execute(side == SupportSides.Publisher
                ? "UPDATE support_threads SET publisher_read_id = @LastMessageId WHERE id = @threadId AND publisher_read_id < @LastMessageId"
                : "UPDATE support_threads SET operator_read_id = @LastMessageId WHERE id = @threadId AND operator_read_id < @LastMessageId", new { r.LastMessageId, threadId }));
        }
        return r.View;
    }

    /// <summary>A thread's own attachment; a publisher reaches only its own threads'.</summary>
    public AttachmentFile? Attachment(long threadId, long attachmentId, string? publisherId) => store.Read(s =>
        s.QuerySingleOrDefault<FileRow>("""
            SELECT a.name, a.content_type, a.content FROM support_attachments a JOIN support_threads t ON t.id = a.thread_id
            WHERE a.id = @attachmentId AND a.thread_id = @threadId AND (@publisherId IS NULL OR t.publisher_id = @publisherId)
            """, new { attachmentId, threadId, publisherId }) is { } f ? new AttachmentFile(f.Name, f.ContentType, f.Content) : null);

    /// <summary>
    /// The threads the claims or findings of <paramref name="ids"/> have, by id: one query over a publisher's threads,
    /// or one indexed lookup per id for the operator's lists (at most a page of them).
    /// </summary>
    public IReadOnlyDictionary<string, long> ThreadsOf(string kind, IEnumerable<long> ids, string? publisherId)
    {
        var wanted = ids.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0) return new Dictionary<string, long>();
        return store.Read(s => publisherId is not null
            ? s.Query<OwnRow>("SELECT about_id, id FROM support_threads WHERE publisher_id = @publisherId AND about_kind = @kind AND topic IN ('claim', 'fraud')",
                    new { publisherId, kind })
                .Where(r => wanted.Contains(r.AboutId)).GroupBy(r => r.AboutId).ToDictionary(g => g.Key, g => g.Min(r => r.Id), StringComparer.Ordinal)
            : wanted.Select(id => (id, thread: OwnThread(s, new SupportAbout(kind, id)))).Where(x => x.thread is not null)
                .ToDictionary(x => x.id, x => x.thread!.Value, StringComparer.Ordinal));
    }

    // ---- Checks ------------------------------------------------------------------------------------------------------

    private static string Text(string? text, string field, int max)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0) throw ProblemException.Invalid(field, "is required");
        if (trimmed.Length > max) throw ProblemException.Invalid(field, $"at most {max.ToString("N0", CultureInfo.InvariantCulture)} characters");
        return trimmed;
    }

    /// <summary>At most <see cref="MaxAttachments"/> files of the allowed types, each what its first bytes say and at most 1 MB.</summary>
    public static IReadOnlyList<AttachmentUpload> Check(IReadOnlyList<AttachmentUpload>? files)
    {
        if (files is null || files.Count == 0) return [];
        if (files.Count > MaxAttachments) throw ProblemException.Invalid("attachments", $"at most {MaxAttachments} files");
        var checkedFiles = new List<AttachmentUpload>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            var field = $"attachments[{i}]";
            var name = Path.GetFileName((f.Name ?? "").Replace('\\', '/')).Trim();
            if (name.Length == 0 || name.Length > MaxAttachmentName || name.Any(char.IsControl)) throw ProblemException.Invalid($"{field}.name", $"a file name of 1 to {MaxAttachmentName} characters");
            if (f.Content.Length == 0) throw ProblemException.Invalid($"{field}.data", "is empty");
            if (f.Content.Length > MaxAttachmentBytes) throw ProblemException.Invalid($"{field}.data", $"at most {MaxAttachmentBytes / 1024} KB ({f.Content.Length / 1024} KB sent)");
            var sniffed = Sniff(f.Content);
            var declared = (f.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
            if (sniffed is null) throw ProblemException.Invalid($"{field}.data", $"plain UTF-8 text or a PNG, JPEG, GIF or WebP picture ({string.Join(", ", ContentTypes)})");
            if (declared.Length > 0 && declared != "application/octet-stream" && declared != sniffed)
            {
                throw ProblemException.Invalid($"{field}.contentType", $"says {declared} but the file is {sniffed}");
            }
            checkedFiles.Add(new AttachmentUpload(name, sniffed, f.Content));
        }
        return checkedFiles;
    }

    /// <summary>A file's type from its first bytes, or null when it is none of <see cref="ContentTypes"/>.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (content.StartsWith("GIF87a"u8) || content.StartsWith("GIF89a"u8)) return "image/gif";
        if (content.Length >= 12 && content.StartsWith("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        // Text: valid UTF-8 with no control character but tab and line ends (a NUL or an escape says it is something else).
        try
        {
            var text = new UTF8Encoding(false, true).GetString(content);
            return text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')) ? null : "text/plain";
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static void CheckAbout(DbSession s, string publisherId, SupportAbout about)
    {
        if (!SupportAbout.Kinds.Contains(about.Kind)) throw ProblemException.Invalid("about.kind", $"one of {string.Join(", ", SupportAbout.Kinds)}");
        if (string.IsNullOrWhiteSpace(about.Id) || about.Id.Length > Limits.MaxIdLength) throw ProblemException.Invalid("about.id", "is required");
        var numeric = long.TryParse(about.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var number);
        var owned = about.Kind switch
        {
            SupportAbout.Order => s.Scalar<long>("SELECT COUNT(*) FROM orders WHERE id = @Id AND publisher_id = @publisherId", new { about.Id, publisherId }),
            SupportAbout.Claim => numeric ? s.Scalar<long>("SELECT COUNT(*) FROM claims WHERE id = @number AND publisher_id = @publisherId", new { number, publisherId }) : 0,
            SupportAbout.Payout => s.Scalar<long>("SELECT COUNT(*) FROM payouts WHERE run_id = @Id AND publisher_id = @publisherId", new { about.Id, publisherId }),
            SupportAbout.Link => s.Scalar<long>("SELECT COUNT(*) FROM links WHERE code = @Id AND publisher_id = @publisherId", new { about.Id, publisherId }),
            _ => numeric ? s.Scalar<long>("SELECT COUNT(*) FROM fraud_findings WHERE id = @number AND publisher_id = @publisherId AND status = 'confirmed'",
                new { number, publisherId }) : 0,
        };
        if (owned == 0) throw new ProblemException(Problem.NotFound("about.id", $"no {about.Kind} '{about.Id}' of this publisher"));
    }

    // ---- Rows ----------------------------------------------------------------------------------------------------------

    private static long Insert(DbSession s, string publisherId, string? programId, string topic, string subject, SupportAbout? about, string actor, string side,
        DateTimeOffset now) => s.Scalar<long>("""
        INSERT INTO support_threads (publisher_id, program_id, topic, subject, status, about_kind, about_id, opened_by, opened_at, last_at, last_side)
        VALUES (@publisherId, @programId, @topic, @subject, 'open', @kind, @id, @actor, @at, @at, @side) RETURNING id
        """, new { publisherId, programId, topic, subject, kind = about?.Kind, id = about?.Id, actor, at = Times.ToMicros(now), side });

    /// <summary>
    /// Writes a message and its files and moves the thread's last activity; the writer's side has read it. A quiet one
    /// (an assignment: news to nobody, the team's own) is counted but moves nothing, so it makes nothing unread.
    /// </summary>
    private static long Write(DbSession s, long threadId, string side, string author, string body, string? @event, string? reason, IReadOnlyList<AttachmentUpload> files,
        DateTimeOffset now, bool quiet = false)
    {
        var at = Times.ToMicros(now);
        var id = s.Scalar<long>("""
            INSERT INTO support_messages (thread_id, side, author, body, event, reason, at) VALUES (@threadId, @side, @author, @body, @event, @reason, @at) RETURNING id
            """, new { threadId, side, author, body, @event, reason, at });
        foreach (var f in files)
        {
            s.Execute("""
                INSERT INTO support_attachments (message_id, thread_id, name, content_type, size, content) VALUES (@id, @threadId, @Name, @ContentType, @size, @Content)
                """, new { id, threadId, f.Name, f.ContentType, size = (long)f.Content.Length, f.Content });
        }
        s.Execute(quiet ? "UPDATE support_threads SET messages = messages + 1 WHERE id = @threadId"
            : side == SupportSides.Publisher
                ? "UPDATE support_threads SET last_at = @at, last_side = @side, last_message_id = @id, messages = messages + 1, publisher_read_id = @id WHERE id = @threadId"
                : "UPDATE support_threads SET last_at = @at, last_side = @side, last_message_id = @id, messages = messages + 1, operator_read_id = @id WHERE id = @threadId",
            new { at, side, id, threadId });
        return id;
    }

    /// <summary>The other side is told: the team of a publisher's message, the publisher of the team's.</summary>
    private static void Tell(DbSession s, SupportThread thread, long message, string text, string side, DateTimeOffset now)
    {
        var excerpt = text.Length > 300 ? text[..300] + "…" : text;
        Outbox.Write(s, now, side == SupportSides.Publisher ? "support_request" : "support_reply", Subject(thread.Id),
            new { thread = thread.Id, message, publisher = thread.PublisherId, topic = thread.Topic, subject = thread.Subject, excerpt, eventTime = now },
            thread.ProgramId, thread.PublisherId);
    }

    private static long? OwnThread(DbSession s, SupportAbout about) => s.Query<long>(
        "SELECT id FROM support_threads WHERE about_kind = @Kind AND about_id = @Id AND topic IN ('claim', 'fraud') ORDER BY id LIMIT 1", about).Cast<long?>().FirstOrDefault();

    private static SupportThread Locked(DbSession s, long threadId, string? publisherId)
    {
        if (s.Provider == StoreProvider.Postgres) s.Query<long>("SELECT id FROM support_threads WHERE id = @threadId FOR UPDATE", new { threadId });
        return Find(s, threadId, SupportSides.Operator) is { } t && (publisherId is null || t.PublisherId == publisherId) ? t
            : throw new ProblemException(Problem.NotFound("id", $"no support thread #{threadId}"));
    }

    private static SupportThread? Find(DbSession s, long threadId, string side) =>
        s.QuerySingleOrDefault<ThreadRow>(SelectThread + " WHERE id = @threadId", new { threadId }) is { } r ? ToThread(r, side) : null;

    private static List<SupportMessage> Messages(DbSession s, long threadId, long? only)
    {
        var files = s.Query<AttachmentRow>(
                "SELECT id, message_id, name, content_type, size FROM support_attachments WHERE thread_id = @threadId AND (@only IS NULL OR message_id = @only) ORDER BY id",
                new { threadId, only })
            .ToLookup(a => a.MessageId, a => new SupportAttachment(a.Id, a.Name, a.ContentType, a.Size));
        return s.Query<MessageRow>("SELECT id, side, author, body, event, reason, at FROM support_messages WHERE thread_id = @threadId AND (@only IS NULL OR id = @only) ORDER BY id",
                new { threadId, only })
            .Select(m => new SupportMessage(m.Id, m.Side, m.Author, m.Body, m.Event, m.Reason, Times.FromMicros(m.At), [.. files[m.Id]])).ToList();
    }

    public static string Subject(long threadId) => $"support:{threadId}";

    private const string SelectThread = """
        SELECT id, publisher_id, program_id, topic, subject, status, about_kind, about_id, assignee, opened_at, last_at, last_side, last_message_id, messages,
               publisher_read_id, operator_read_id FROM support_threads
        """;

    private static SupportThread ToThread(ThreadRow r, string side) => new(r.Id, r.PublisherId, r.ProgramId, r.Topic, r.Subject, r.Status,
        r.AboutKind is { } kind ? new SupportAbout(kind, r.AboutId ?? "") : null, r.Assignee, Times.FromMicros(r.OpenedAt), Times.FromMicros(r.LastAt), r.LastSide,
        r.Messages, r.LastMessageId > (side == SupportSides.Publisher ? r.PublisherReadId : r.OperatorReadId));

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class ThreadRow
    {
        public long Id { get; set; }
        public string PublisherId { get; set; } = "";
        public string? ProgramId { get; set; }
        public string Topic { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Status { get; set; } = "";
        public string? AboutKind { get; set; }
        public string? AboutId { get; set; }
        public string? Assignee { get; set; }
        public long OpenedAt { get; set; }
        public long LastAt { get; set; }
        public string LastSide { get; set; } = "";
        public long LastMessageId { get; set; }
        public long Messages { get; set; }
        public long PublisherReadId { get; set; }
        public long OperatorReadId { get; set; }
    }

    private sealed class MessageRow
    {
        public long Id { get; set; }
        public string Side { get; set; } = "";
        public string Author { get; set; } = "";
        public string Body { get; set; } = "";
        public string? Event { get; set; }
        public string? Reason { get; set; }
        public long At { get; set; }
    }

    private sealed class AttachmentRow
    {
        public long Id { get; set; }
        public long MessageId { get; set; }
        public string Name { get; set; } = "";
        public string ContentType { get; set; } = "";
        public long Size { get; set; }
    }

    private sealed class OwnRow
    {
        public string AboutId { get; set; } = "";
        public long Id { get; set; }
    }

    private sealed class FileRow
    {
        public string Name { get; set; } = "";
        public string ContentType { get; set; } = "";
        public byte[] Content { get; set; } = [];
    }
#pragma warning restore CA1812
}
