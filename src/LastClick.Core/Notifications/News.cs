using System.Globalization;
using System.Text.Json;
using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Payouts;
using LastClick.Products;
using LastClick.Programs;
using LastClick.Publishers;

namespace LastClick.Notifications;

/// <summary>One item of the notification centre: what happened, in words, and where to look.</summary>
public sealed record NotificationView(long Id, string Kind, string Title, string Link, DateTimeOffset At, bool Unread);

/// <summary>A news kind a publisher may also receive by email, and whether it does when it never chose.</summary>
public sealed record EmailChoice(string Kind, bool Default);

/// <summary>
/// The news that reaches people (E6): a reader of the outbox (its own cursor, moved in the transaction that writes what it
/// read) puts each message in the notification centre of its audience — the publisher it is about, or the operator's
/// team — and queues the mail it calls for: the acceptance email with the seed's four lists, the rejection with its
/// reason, the payout with its statement, and what a publisher chose to receive. A weekly digest lists broken links.
/// </summary>
public sealed class NewsService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    public const string OperatorsAudience = "operators";
    public const string DigestKind = "broken_links_digest";
    public static readonly TimeSpan DigestEvery = TimeSpan.FromDays(7);

    public static string PublisherAudience(string publisherId) => $"publisher:{publisherId}";

    /// <summary>Where the dashboard answers: the links in mails and notifications point there.</summary>
    public string PublicUrl { get; set; } = "http://localhost:8080";

    /// <summary>What a publisher's notification centre shows.</summary>
    public static readonly IReadOnlySet<string> PublisherKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "application_decided", "order_declined", "order_adjusted", "claim_decided", "fraud_confirmed", "payout_exported", "payout_returned",
        "payout_details_changed", "broken_links_found", "support_reply", "support_closed",
    };

    /// <summary>What the operator's team's notification centre shows.</summary>
    public static readonly IReadOnlySet<string> OperatorKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "publisher_applied", "claim_filed", "payout_planned", "payout_returned", "support_request",
    };

    /// <summary>Mail a publisher always receives: the answer to its application, and a change of where its money goes.</summary>
    public static readonly IReadOnlySet<string> AlwaysMailed = new HashSet<string>(StringComparer.Ordinal) { "application_decided", "payout_details_changed" };

    /// <summary>The news a publisher chooses to receive by email too.</summary>
    public static readonly IReadOnlyList<EmailChoice> EmailChoices =
    [
        new("payout_exported", true), new("payout_returned", true), new("claim_decided", true), new("fraud_confirmed", true), new("support_reply", true), new(DigestKind, true),
        new("order_declined", false), new("order_adjusted", false), new("order_created", false), new("order_confirmed", false), new("order_paid", false),
    ];

    // ---- Routing: outbox → notification centre and mail ----------------------------------------------------------------

    /// <summary>
    /// Routes the messages past the cursor: notifications and mail are written with the cursor's move in one transaction
    /// (a message is routed exactly once; mail is composed from what was committed). Returns how many were read.
    /// </summary>
    public int Route(int batch = 200)
    {
        var routing = Next(batch);
        if (routing.Count > 0) store.InSession(routing.Write);
        return routing.Count;
    }

    /// <summary>
    /// What a node that takes orders runs: rounds of <paramref name="batch"/> messages until one reads fewer (it has
    /// caught up, so a steady flow of orders cannot hold the worker here while the mail due waits). On SQLite a round's
    /// writes are a piece of the orders' group commit (in the batch's transaction, under its savepoint), so the router
    /// never holds the file's one write lock between two of the orders' batches. In a transaction of its own the writer
    /// waited for it: for the router's pool thread to be scheduled and to commit, on every round (decision 0016). On
    /// PostgreSQL each round keeps a transaction of its own, as <see cref="Route(int)"/>: its advisory lock would otherwise
    /// be held for a whole batch. Returns how many messages were read.
    /// </summary>
    public async Task<int> RouteAllAsync(GroupCommit commits, int batch = 200)
    {
        ArgumentNullException.ThrowIfNull(commits);
        var read = 0;
        int round;
        do
        {
            var routing = Next(batch);
            if (routing.Count > 0) await commits.RunBesideAsync(s => { routing.Write(s); return 0; }).ConfigureAwait(false);
            round = routing.Count;
            read += round;
        }
        while (round == batch);
        return read;
    }

    /// <summary>What the messages past the cursor call for (read and composed outside the write), and its write.</summary>
    internal Routing Next(int batch)
    {
        var messages = store.Read(s => Outbox.Past<MessageRow>(s, CursorName, "id, kind, program_id, publisher_id, subject, payload, at", batch));
        if (messages.Count == 0) return new Routing(messages, [], default, PublicUrl);
        var routed = messages.Select(m => Quiet(m) ? (Message: m, Audiences: new List<string>(), Mails: new List<OutgoingMail>()) : (Message: m, Audiences: Audiences(m), Mails: Compose(m))).ToList();
        return new Routing(messages, routed, clock.GetUtcNow(), PublicUrl);
    }

    internal sealed class Routing(List<MessageRow> messages, List<(MessageRow Message, List<string> Audiences, List<OutgoingMail> Mails)> routed,
        DateTimeOffset now, string publicUrl)
    {
        public int Count => messages.Count;

        /// <summary>The notifications, the mail and the cursor's move; messages another router wrote meanwhile are skipped.</summary>
        public void Write(DbSession s)
        {
            if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142039)");
            var current = Outbox.Cursor(s, CursorName);
            foreach (var (m, audiences, mails) in routed.Where(r => r.Message.Position > current))
            {
                foreach (var audience in audiences)
                {
                    s.Execute("INSERT INTO notifications (message_id, audience, at) VALUES (@Id, @audience, @At) ON CONFLICT (message_id, audience) DO NOTHING",
                        new { m.Id, audience, m.At });
                }
                foreach (var mail in mails) Mailbox.Add(s, mail, now, m.Id, publicUrl);
            }
            Outbox.MoveCursor(s, CursorName, messages[^1].Position);
        }
    }

    /// <summary>News nobody needs told: a publisher's first payout details (only a change of them is a warning sign).</summary>
    private static bool Quiet(MessageRow m) =>
        m.Kind == "payout_details_changed" && m.Payload.Contains("\"first\":true", StringComparison.Ordinal);

    private const string CursorName = "news";

    private static List<string> Audiences(MessageRow m)
    {
        var audiences = new List<string>(2);
        if (m.PublisherId is not null && PublisherKinds.Contains(m.Kind)) audiences.Add(PublisherAudience(m.PublisherId));
        if (OperatorKinds.Contains(m.Kind)) audiences.Add(OperatorsAudience);
        return audiences;
    }

    /// <summary>The mail a message calls for: to each account of its publisher, when the kind is always mailed or the publisher chose it.</summary>
    private List<OutgoingMail> Compose(MessageRow m)
    {
        if (m.PublisherId is not { } publisherId) return [];
        if (!AlwaysMailed.Contains(m.Kind) && !(EmailChoices.FirstOrDefault(c => c.Kind == m.Kind) is { } choice && Wants(publisherId, choice))) return [];
        var recipients = Recipients(publisherId);
        if (recipients.Count == 0) return [];
        using var payload = JsonDocument.Parse(m.Payload);
        var p = payload.RootElement;
        var mails = new List<OutgoingMail>();
        foreach (var (accountId, email, name, chosen) in recipients)
        {
            var language = LanguageOf(chosen, m.ProgramId);
            if (Document(m, p, publisherId, name, language) is not { } document) continue;
            var attachments = m.Kind == "payout_exported" ? StatementFor(Str(p, "run"), publisherId) : null;
            mails.Add(new OutgoingMail(m.Kind, email, language, document, Footer(language, m.ProgramId), accountId, publisherId, Attachments: attachments));
        }
        return mails;
    }

    private string Footer(string language, string? programId) =>
        MailText.Get(language, "footer", programId is not null && programs.All.FirstOrDefault(x => x.Id == programId) is { } program ? program.Name : "LastClick");

    private MailDocument? Document(MessageRow m, JsonElement p, string publisherId, string name, string lang)
    {
        string T(string key, params object?[] args) => MailText.Get(lang, key, args);
        var program = m.ProgramId is not null ? programs.All.FirstOrDefault(x => x.Id == m.ProgramId) : null;
        var programName = program?.Name ?? m.ProgramId ?? "";
        List<MailBlock> blocks = [new MailParagraph(T("hello", name))];
        switch (m.Kind)
        {
            case "application_decided" when Str(p, "status") == "approved" && program is not null:
                blocks.AddRange(Acceptance(lang, program, publisherId, Str(p, "message")));
                return new MailDocument(T("accepted.subject", programName), blocks);
            case "application_decided":
                blocks.Add(new MailParagraph(T("rejected.intro", programName)));
                blocks.Add(new MailParagraph(T("rejected.reason", Label(lang, Str(p, "reason")))));
                if (Str(p, "message") is { Length: > 0 } why) blocks.Add(new MailParagraph(T("rejected.message", why)));
                blocks.Add(new MailLink(T("rejected.again"), Url("/p/profile")));
                return new MailDocument(T("rejected.subject", programName), blocks);
            case "payout_exported":
                blocks.Add(new MailParagraph(T("payout.intro", Str(p, "currency"), Str(p, "amount"), programName, Str(p, "reference"))));
                blocks.Add(new MailLink(T("payout.link"), Url("/p/payouts")));
                return new MailDocument(T("payout.subject", Str(p, "currency"), Str(p, "amount")), blocks);
            case "payout_returned":
                blocks.Add(new MailParagraph(T("returned.intro", Str(p, "currency"), Str(p, "amount"), Str(p, "reason"))));
                blocks.Add(new MailLink(T("returned.check"), Url("/p/profile")));
                return new MailDocument(T("returned.subject", Str(p, "currency"), Str(p, "amount")), blocks);
            case "payout_details_changed":
                blocks.Add(new MailParagraph(T("details.intro")));
                blocks.Add(new MailParagraph(T("details.notyou")));
                blocks.Add(new MailLink(T("details.link"), Url("/p/profile")));
                return new MailDocument(T("details.subject"), blocks);
            case "claim_decided":
                var status = Str(p, "status");
                blocks.Add(new MailParagraph(T("claim.intro", Num(p, "claim"), Str(p, "orderId"), status)));
                if (Str(p, "reason") is { Length: > 0 } reason) blocks.Add(new MailParagraph(T("claim.reason", Label(lang, reason))));
                if (Str(p, "note") is { Length: > 0 } note) blocks.Add(new MailParagraph(T("claim.note", note)));
                blocks.Add(new MailLink(T("claim.link"), Url("/p/claims")));
                return new MailDocument(T("claim.subject", Str(p, "orderId"), status), blocks);
            case "support_reply":
                blocks.Add(new MailParagraph(T("support.intro", Num(p, "thread"), Str(p, "subject"))));
                blocks.Add(new MailParagraph(Str(p, "excerpt")));
                blocks.Add(new MailLink(T("support.link"), Url($"/p/support/{Num(p, "thread")}")));
                return new MailDocument(T("support.subject", Str(p, "subject"), Num(p, "thread")), blocks);
            case "fraud_confirmed":
                blocks.Add(new MailParagraph(T("fraud.intro", Label(lang, Str(p, "reason")), Num(p, "declined"), Num(p, "deducted"))));
                blocks.Add(new MailLink(T("fraud.link"), Url("/p/fraud")));
                return new MailDocument(T("fraud.subject"), blocks);
            case var k when k.StartsWith("order_", StringComparison.Ordinal):
                var orderId = Str(p, "orderId");
                blocks.Add(new MailParagraph(T("order.intro", orderId, programName, Str(p, "status"), Str(p, "currency"), Str(p, "commission"))));
                if (Str(p, "reason") is { Length: > 0 } why2) blocks.Add(new MailParagraph(T("order.reason", Label(lang, why2))));
                blocks.Add(new MailLink(T("order.link"), Url($"/p/commissions/{Uri.EscapeDataString(orderId)}")));
                return new MailDocument(T("order.subject", orderId, Str(p, "status")), blocks);
            default:
                return null;
        }
    }

    /// <summary>E6, as the seed lists it: the best sellers of the publisher's markets, the banned keywords, its feed generator link, the non-paying stores.</summary>
    private List<MailBlock> Acceptance(string lang, ProgramDefinition program, string publisherId, string? message)
    {
        string T(string key, params object?[] args) => MailText.Get(lang, key, args);
        var blocks = new List<MailBlock> { new MailParagraph(T("accepted.intro", program.Name)) };
        if (message is { Length: > 0 }) blocks.Add(new MailParagraph(T("accepted.message", message)));
        var geos = store.Read(s => Applications.Find(s, publisherId))?.Profile?.TargetGeos ?? [];
        var markets = BestSellerJob.Markets.Where(x => geos.Contains(x, StringComparer.OrdinalIgnoreCase) || x == "GB" && geos.Contains("UK", StringComparer.OrdinalIgnoreCase)).ToList();
        if (markets.Count == 0) markets = [.. BestSellerJob.Markets];
        blocks.Add(new MailHeading(T("accepted.bestsellers", string.Join(", ", markets))));
        var any = false;
        foreach (var market in markets)
        {
            var list = BestSellerJob.List(store, market).Take(10).ToList();
            if (list.Count == 0) continue;
            any = true;
            blocks.Add(new MailParagraph(T("accepted.bestsellers.market", market)));
            blocks.Add(new MailList(list.Select(b => T("accepted.bestsellers.item", b.Rank, b.Title ?? b.ProductId, b.Orders)).ToList()));
        }
        if (!any) blocks.Add(new MailParagraph(T("accepted.bestsellers.none")));
        blocks.Add(new MailLink(T("accepted.bestsellers.all"), Url("/p/bestsellers")));

        blocks.Add(new MailHeading(T("accepted.keywords")));
        var keywords = new BannedKeywords(store, clock).All().Select(k => k.Keyword).ToList();
        if (keywords.Count == 0) blocks.Add(new MailParagraph(T("accepted.keywords.none")));
        else
        {
            blocks.Add(new MailParagraph(T("accepted.keywords.intro")));
            blocks.Add(new MailList(keywords));
        }

        blocks.Add(new MailHeading(T("accepted.feeds")));
        blocks.Add(new MailParagraph(T("accepted.feeds.intro")));
        blocks.Add(new MailLink(T("accepted.feeds.link"), Url($"/p/feeds?program={Uri.EscapeDataString(program.Id)}")));

        blocks.Add(new MailHeading(T("accepted.stores")));
        var stores = program.NonPayingStores.At(clock.GetUtcNow())?.Items.Order(StringComparer.Ordinal).ToList() ?? [];
        if (stores.Count == 0) blocks.Add(new MailParagraph(T("accepted.stores.none")));
        else
        {
            blocks.Add(new MailParagraph(T("accepted.stores.intro")));
            blocks.Add(new MailList(stores));
        }
        blocks.Add(new MailLink(T("accepted.lists"), Url("/p/lists")));
        return blocks;
    }

    private List<MailAttachment>? StatementFor(string runId, string publisherId)
    {
        var statement = Statements.For(store, programs, runId, publisherId);
        return statement is null ? null : [new MailAttachment($"statement-{runId}.pdf", "application/pdf", Statements.Pdf(statement))];
    }

    private List<(string AccountId, string Email, string Name, string? Language)> Recipients(string publisherId) => store.Read(s =>
        s.Query<RecipientRow>("SELECT id, email, name, language FROM accounts WHERE publisher_id = @publisherId AND role = 'publisher' ORDER BY id", new { publisherId })
            .Select(r => (r.Id, r.Email, r.Name, Languages.Of(r.Language))).ToList());

    private string Url(string path) => PublicUrl.TrimEnd('/') + path;

    /// <summary>
    /// A code's label in a language, as the dashboard shows it (the server sets this to its resources); words made from
    /// the code when none is set.
    /// </summary>
    public Func<string, string, string?>? Labels { get; set; }

    private string Label(string language, string code) => Labels?.Invoke(language, code) ?? code.Replace('_', ' ');

    /// <summary>The language a publisher's mail is written in: its account's choice, else its program's first language, else English.</summary>
    private string LanguageOf(string? chosen, string? programId) =>
        chosen ?? (programId is not null && programs.All.FirstOrDefault(x => x.Id == programId) is { Languages: [var first, ..] } ? Languages.Of(first) : null)
            ?? MailText.DefaultLanguage;

    private static string Str(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.String => v.GetString() ?? "", JsonValueKind.Null => "", _ => v.GetRawText() } : "";

    private static string Num(JsonElement p, string name) => Str(p, name);

    // ---- Email choices ----------------------------------------------------------------------------------------------

    public IReadOnlyDictionary<string, bool> Preferences(string publisherId) => store.Read(s =>
    {
        var chosen = s.Query<PreferenceRow>("SELECT kind, email FROM notification_preferences WHERE publisher_id = @publisherId", new { publisherId })
            .ToDictionary(r => r.Kind, r => r.Email, StringComparer.Ordinal);
        return (IReadOnlyDictionary<string, bool>)EmailChoices.ToDictionary(c => c.Kind, c => chosen.TryGetValue(c.Kind, out var e) ? e : c.Default, StringComparer.Ordinal);
    });

    private bool Wants(string publisherId, EmailChoice choice) => Preferences(publisherId)[choice.Kind];

    /// <summary>Sets which news also comes by email; kinds not named keep their choice. An unknown kind is a 400 naming it.</summary>
    public void SetPreferences(string publisherId, IReadOnlyDictionary<string, bool> email, string actor)
    {
        if (email.Keys.FirstOrDefault(k => EmailChoices.All(c => c.Kind != k)) is { } unknown)
        {
            throw ProblemException.Invalid($"email.{unknown}", $"unknown kind (one of {string.Join(", ", EmailChoices.Select(c => c.Kind))})");
        }
        store.InSession(s =>
        {
            s.ExecuteEach("""
                INSERT INTO notification_preferences (publisher_id, kind, email) VALUES (@publisherId, @Key, @Value)
                ON CONFLICT (publisher_id, kind) DO UPDATE SET email = excluded.email
                """, email.Select(e => new { publisherId, e.Key, e.Value }));
            AuditLog.Append(s, clock.GetUtcNow(), actor, "notifications.preferences_changed", $"publisher:{publisherId}",
                string.Join(", ", email.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={(e.Value ? "on" : "off")}")));
        });
    }

    /// <summary>
    /// One-click unsubscribe (RFC 8058) from the mail that carries <paramref name="token"/>: turns that kind's email off for
    /// its publisher. Returns the kind, or null for an unknown token.
    /// </summary>
    public string? Unsubscribe(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return null;
        var mail = store.Read(s => s.QuerySingleOrDefault<UnsubscribeRow>(
            "SELECT publisher_id, kind FROM mail_messages WHERE unsubscribe = @token", new { token }));
        if (mail?.PublisherId is null) return null;
        SetPreferences(mail.PublisherId, new Dictionary<string, bool> { [mail.Kind] = false }, "unsubscribe link");
        return mail.Kind;
    }

    // ---- The notification centre --------------------------------------------------------------------------------------

    public static string AudienceOf(Account account) =>
        account.Role == AccountRoles.Publisher && account.PublisherId is { } p ? PublisherAudience(p) : OperatorsAudience;

    public long Unread(Account account) => store.Read(s => s.Scalar<long>("""
        SELECT COUNT(*) FROM notifications
        WHERE audience = @audience AND id > COALESCE((SELECT last_read_id FROM notification_reads WHERE account_id = @Id), 0)
        """, new { audience = AudienceOf(account), account.Id }));

    /// <summary>The newest notifications of an account's audience, unread ones marked.</summary>
    public IReadOnlyList<NotificationView> List(Account account, int limit = 50, long? before = null, string? language = null) => store.Read(s =>
    {
        var read = s.Query<long>("SELECT last_read_id FROM notification_reads WHERE account_id = @Id", new { account.Id }).FirstOrDefault();
        return (IReadOnlyList<NotificationView>)s.Query<NotificationRow>("""
            SELECT n.id, m.kind, m.program_id, m.payload, n.at FROM notifications n JOIN outbox_messages m ON m.id = n.message_id
            WHERE n.audience = @audience AND (@before IS NULL OR n.id < @before) ORDER BY n.id DESC LIMIT @limit
            """, new { audience = AudienceOf(account), before, limit }).Select(r =>
        {
            var (title, link) = Describe(r.Kind, r.ProgramId, r.Payload, Languages.Of(language) ?? account.Language ?? MailText.DefaultLanguage, account.Role != AccountRoles.Publisher);
            return new NotificationView(r.Id, r.Kind, title, link, Times.FromMicros(r.At), r.Id > read);
        }).ToList();
    });

    /// <summary>Marks everything up to <paramref name="upTo"/> read for the account.</summary>
    public void MarkRead(Account account, long upTo) => store.InSession(s => s.Execute("""
        INSERT INTO notification_reads (account_id, last_read_id) VALUES (@Id, @upTo)
        ON CONFLICT (account_id) DO UPDATE SET last_read_id = excluded.last_read_id WHERE notification_reads.last_read_id < excluded.last_read_id
        """, new { account.Id, upTo }));

    /// <summary>A notification's line and the dashboard page it is about.</summary>
    public (string Title, string Link) Describe(string kind, string? programId, string payloadJson, string lang, bool operators = false)
    {
        using var doc = JsonDocument.Parse(payloadJson);
        var p = doc.RootElement;
        string T(string key, params object?[] args) => MailText.Get(lang, key, args);
        var program = programId is not null && programs.All.FirstOrDefault(x => x.Id == programId) is { } d ? d.Name : programId ?? "";
        return kind switch
        {
            "application_decided" when Str(p, "status") == "approved" => (T("accepted.subject", program), "/p"),
            "application_decided" => ($"{T("rejected.subject", program)}: {Label(lang, Str(p, "reason"))}", "/p/profile"),
            "payout_exported" => (T("payout.subject", Str(p, "currency"), Str(p, "amount")), "/p/payouts"),
            "payout_returned" => (T("returned.subject", Str(p, "currency"), Str(p, "amount")) + (operators ? $" ({Str(p, "publisher")})" : ""),
                operators ? "/o/payouts" : "/p/payouts"),
            "payout_details_changed" => (T("details.subject"), "/p/profile"),
            "claim_decided" => (T("claim.subject", Str(p, "orderId"), Str(p, "status")), "/p/claims"),
            "fraud_confirmed" => (T("fraud.subject"), "/p/fraud"),
            "broken_links_found" => (T("digest.subject", Str(p, "count")), "/p/links"),
            "support_reply" => (T("support.subject", Str(p, "subject"), Num(p, "thread")), $"/p/support/{Num(p, "thread")}"),
            "support_closed" => (T("support.closed", Num(p, "thread"), Str(p, "subject")), $"/p/support/{Num(p, "thread")}"),
            "support_request" => (T("centre.support", Str(p, "publisher"), Num(p, "thread"), Str(p, "subject")), $"/o/support/{Num(p, "thread")}"),
            var k when k.StartsWith("order_", StringComparison.Ordinal) =>
                (T("order.subject", Str(p, "orderId"), Str(p, "status")), $"/p/commissions/{Uri.EscapeDataString(Str(p, "orderId"))}"),
            "publisher_applied" => (T("centre.applied", Str(p, "publisher"), program, Str(p, "status")), "/o/moderation"),
            "claim_filed" => (T("centre.claim", Str(p, "claim"), Str(p, "orderId"), Str(p, "publisher")), "/o/claims"),
            "payout_planned" => (T("centre.planned", Str(p, "run"), program, Str(p, "toPay")), "/o/payouts"),
            _ => (kind.Replace('_', ' '), "/"),
        };
    }

    // ---- The weekly broken-links digest ------------------------------------------------------------------------------

    /// <summary>
    /// Queues the digest for each publisher with broken links who wants it and got none in the last week; returns how
    /// many were queued. One transaction per publisher: the digest and its date together.
    /// </summary>
    public int DigestIfDue(int maxLinks = 25)
    {
        var now = clock.GetUtcNow();
        var publishers = store.Read(s => s.Query<string>("""
            SELECT DISTINCT b.publisher_id FROM broken_links b
            LEFT JOIN mail_digests d ON d.publisher_id = b.publisher_id AND d.kind = @DigestKind
            WHERE d.sent_at IS NULL OR d.sent_at <= @due ORDER BY b.publisher_id
            """, new { DigestKind, due = Times.ToMicros(now - DigestEvery) }));
        var queued = 0;
        foreach (var publisherId in publishers)
        {
            // A publisher who chose not to get it is passed over for a week too (its date is written all the same).
            var links = Preferences(publisherId)[DigestKind] ? BrokenLinks.ForPublisher(store, publisherId) : [];
            var mails = links.Count == 0 ? [] : Recipients(publisherId).Select(r =>
            {
                var lang = LanguageOf(r.Language, null);
                string T(string key, params object?[] args) => MailText.Get(lang, key, args);
                List<MailBlock> blocks = [new MailParagraph(T("hello", r.Name)), new MailParagraph(T("digest.intro"))];
                blocks.Add(new MailList(links.Take(maxLinks).Select(b => b.Suggestions.Count == 0
                    ? T("digest.item.none", Url($"/go/{b.LinkCode}"), Label(lang, b.Reason))
                    : T("digest.item", Url($"/go/{b.LinkCode}"), Label(lang, b.Reason), string.Join(", ", b.Suggestions.Select(x => x.Title)))).ToList()));
                if (links.Count > maxLinks) blocks.Add(new MailParagraph(T("digest.more", links.Count - maxLinks)));
                blocks.Add(new MailLink(T("digest.link"), Url("/p/links")));
                return new OutgoingMail(DigestKind, r.Email, lang, new MailDocument(T("digest.subject", links.Count), blocks),
                    T("footer.digest", "LastClick", "{0}"), r.AccountId, publisherId, Unsubscribable: true);
            }).ToList();
            var sent = store.InSession(s =>
            {
                if (s.Provider == StoreProvider.Postgres) s.Execute("SELECT pg_advisory_xact_lock(7142040)");
                var last = s.Query<long>("SELECT sent_at FROM mail_digests WHERE publisher_id = @publisherId AND kind = @DigestKind", new { publisherId, DigestKind })
                    .Select(x => (long?)x).FirstOrDefault();
                if (last is { } l && now - Times.FromMicros(l) < DigestEvery) return false;
                foreach (var mail in mails) Mailbox.Add(s, mail, now, null, PublicUrl);
                s.Execute("""
                    INSERT INTO mail_digests (publisher_id, kind, sent_at) VALUES (@publisherId, @DigestKind, @at)
                    ON CONFLICT (publisher_id, kind) DO UPDATE SET sent_at = excluded.sent_at
                    """, new { publisherId, DigestKind, at = Times.ToMicros(now) });
                return mails.Count > 0;
            });
            if (sent) queued++;
        }
        return queued;
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    internal sealed class MessageRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string? ProgramId { get; set; }
        public string? PublisherId { get; set; }
        public string Subject { get; set; } = "";
        public string Payload { get; set; } = "{}";
        public long At { get; set; }
        public long Xact { get; set; }
        public Outbox.Position Position => new(Xact, Id);
    }

    private sealed class RecipientRow
    {
        public string Id { get; set; } = "";
        public string Email { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Language { get; set; }
    }

    private sealed class PreferenceRow
    {
        public string Kind { get; set; } = "";
        public bool Email { get; set; }
    }

    private sealed class UnsubscribeRow
    {
        public string? PublisherId { get; set; }
        public string Kind { get; set; } = "";
    }

    private sealed class NotificationRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string? ProgramId { get; set; }
        public string Payload { get; set; } = "{}";
        public long At { get; set; }
    }
#pragma warning restore CA1812
}
