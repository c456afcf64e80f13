using LastClick.Common;
using LastClick.Data;
using LastClick.Support;
using LastClick.Tests.Support;

namespace LastClick.Tests.SupportThreads;

/// <summary>Support threads (I3): both sides write, read markers per side, news to the other side, files checked, tenants kept apart.</summary>
public sealed class SupportThreadTests : IClassFixture<PostgresAvailability>
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    private static long Count(Harness h, string sql) => h.Platform.Store.Read(s => s.Scalar<long>(sql));

    private static List<string> Kinds(Harness h) => h.Platform.Store.Read(s => Outbox.Read(s).Where(m => m.Kind.StartsWith("support_", StringComparison.Ordinal)).Select(m => m.Kind).ToList());

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void I3_a_request_and_its_answer_are_unread_for_the_other_side_until_read_and_each_side_is_told(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        var link = h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html");
        var support = h.Platform.Support;

        var thread = support.Open("p1", new SupportRequest("tracking", "Clicks missing", "My clicks of yesterday are not counted.", "aliexpress-ww",
            new SupportAbout("link", link.Code), [new AttachmentUpload("shot.png", "image/png", Png), new AttachmentUpload("log.txt", "", "click 1\nclick 2"u8.ToArray())]), "anna@p1.example");

        Assert.Equal(("open", "tracking", SupportSides.Publisher, 1L, false), (thread.Status, thread.Topic, thread.LastSide, thread.Messages, thread.Unread));
        Assert.Equal(1L, support.Unread(SupportSides.Operator, null));
        Assert.Equal(0L, support.Unread(SupportSides.Publisher, "p1"));
        var first = support.Read(thread.Id, SupportSides.Operator, null)!.Messages.Single();
        Assert.Equal(["shot.png:image/png", "log.txt:text/plain"], first.Attachments.Select(a => $"{a.Name}:{a.ContentType}"));
        Assert.Equal(Png, support.Attachment(thread.Id, first.Attachments[0].Id, "p1")!.Content);
        Assert.Equal(0L, support.Unread(SupportSides.Operator, null));

        h.Clock.Advance(TimeSpan.FromHours(1));
        support.Post(thread.Id, SupportSides.Operator, null, "They are there now: the link was paused.", null, "ops@program.example");
        Assert.True(support.ForPublisher("p1").Single().Unread);
        Assert.Equal(1L, support.Unread(SupportSides.Publisher, "p1"));
        var read = support.Read(thread.Id, SupportSides.Publisher, "p1")!;
        Assert.Equal([SupportSides.Publisher, SupportSides.Operator], read.Messages.Select(m => m.Side));
        Assert.Equal(0L, support.Unread(SupportSides.Publisher, "p1"));

        // Closing tells the publisher; its next message opens the thread again and tells the team.
        var closed = support.Change(thread.Id, "closed", null, "ops@program.example");
        Assert.Equal("closed", closed.Status);
        support.Post(thread.Id, SupportSides.Publisher, "p1", "Thanks, and what about today?", null, "anna@p1.example");
        Assert.Equal("open", support.ForPublisher("p1").Single().Status);
        Assert.Equal(["support_request", "support_reply", "support_closed", "support_request"], Kinds(h));
        var actions = h.Platform.Store.Read(s => AuditLog.Recent(s, 20, SupportService.Subject(thread.Id)).Select(e => e.Action).Reverse().ToList());
        Assert.Equal(["support.opened", "support.message", "support.closed", "support.reopened", "support.message"], actions);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void I3_an_assignment_is_the_teams_own_and_never_news_to_the_publisher(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        var ops = h.Platform.Accounts.Create("ops@program.example", "Olga", "hash", "moderator", null, "test");
        var support = h.Platform.Support;
        var thread = support.Open("p1", new SupportRequest("payment", "Where is my payout?", "It did not arrive."), "p1");
        support.Read(thread.Id, SupportSides.Operator, null);

        var assigned = support.Change(thread.Id, null, "ops@program.example", "admin@program.example");

        Assert.Equal(ops.Id, assigned.Assignee);
        Assert.False(assigned.Unread);
        Assert.Equal(0L, support.Unread(SupportSides.Publisher, "p1"));
        Assert.DoesNotContain(support.Read(thread.Id, SupportSides.Publisher, "p1")!.Messages, m => m.Event is "assigned");
        Assert.Contains(support.Read(thread.Id, SupportSides.Operator, null)!.Messages, m => m.Event == "assigned" && m.Reason == ops.Id);
        Assert.Equal(thread.Id, support.List(new SupportFilter(Assignee: ops.Id)).Single().Id);
        Assert.Empty(support.List(new SupportFilter(Assignee: "none")));
        Assert.Equal("assignee", Assert.Throws<ProblemException>(() => support.Change(thread.Id, null, "p1", "admin@program.example")).Problem.Field);
        Assert.Equal("status", Assert.Throws<ProblemException>(() => support.Change(thread.Id, "pending", null, "admin@program.example")).Problem.Field);
        Assert.Equal(["support_request"], Kinds(h));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void I3_another_publishers_thread_file_and_things_are_not_found_and_nothing_changes(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        var link = h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html");
        var support = h.Platform.Support;
        var thread = support.Open("p1", new SupportRequest("other", "Hello", "A question", Attachments: [new AttachmentUpload("a.txt", "text/plain", "x"u8.ToArray())]), "p1");
        var file = support.Read(thread.Id, SupportSides.Publisher, "p1")!.Messages[0].Attachments[0].Id;
        var before = Count(h, "SELECT COUNT(*) FROM support_messages") + Count(h, "SELECT COUNT(*) FROM outbox_messages") * 1000;

        Assert.Null(support.Read(thread.Id, SupportSides.Publisher, "p2"));
        Assert.Null(support.Peek(thread.Id, "p2"));
        Assert.Null(support.Attachment(thread.Id, file, "p2"));
        Assert.Empty(support.ForPublisher("p2"));
        var post = Assert.Throws<ProblemException>(() => support.Post(thread.Id, SupportSides.Publisher, "p2", "", null, "p2"));
        Assert.Equal(("not_found", "id"), (post.Problem.Type, post.Problem.Field));
        foreach (var about in new[] { new SupportAbout("link", link.Code), new SupportAbout("order", "o1"), new SupportAbout("claim", "1"), new SupportAbout("payout", "run"),
                     new SupportAbout("finding", "1") })
        {
            var e = Assert.Throws<ProblemException>(() => support.Open("p2", new SupportRequest("other", "Hi", "Look", About: about), "p2"));
            Assert.Equal(("not_found", "about.id"), (e.Problem.Type, e.Problem.Field));
        }
        Assert.Equal(before, Count(h, "SELECT COUNT(*) FROM support_messages") + Count(h, "SELECT COUNT(*) FROM outbox_messages") * 1000);
    }

    [Fact]
    public void I3_files_are_what_their_first_bytes_say_within_the_bounds_or_refused_naming_the_file()
    {
        Assert.Equal("image/png", SupportService.Sniff(Png));
        Assert.Equal("image/jpeg", SupportService.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        Assert.Equal("image/gif", SupportService.Sniff("GIF89a\x01\x00"u8));
        Assert.Equal("image/webp", SupportService.Sniff("RIFF\x10\x00\x00\x00WEBPVP8 "u8));
        Assert.Equal("text/plain", SupportService.Sniff("Bestellung 42: 12,50 € — «ok»\r\n\tzweite Zeile"u8));
        Assert.Null(SupportService.Sniff("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"u8.ToArray().Concat(new byte[] { 0 }).ToArray()));
        Assert.Null(SupportService.Sniff([0x4D, 0x5A, 0x90, 0x00, 0x03])); // a Windows program
        Assert.Null(SupportService.Sniff([0xC3, 0x28])); // not UTF-8

        static string Refused(params AttachmentUpload[] files) => Assert.Throws<ProblemException>(() => SupportService.Check(files)).Problem.Field;
        Assert.Equal("attachments[0].data", Refused(new AttachmentUpload("big.png", "image/png", [.. Png, .. new byte[SupportService.MaxAttachmentBytes]])));
        Assert.Equal("attachments[1].contentType", Refused(new AttachmentUpload("a.txt", "text/plain", "a"u8.ToArray()), new AttachmentUpload("b.png", "image/jpeg", Png)));
        Assert.Equal("attachments[0].data", Refused(new AttachmentUpload("x.svg", "image/svg+xml", [0x00, 0x3C, 0x73, 0x76, 0x67])));
        Assert.Equal("attachments[0].data", Refused(new AttachmentUpload("empty.txt", "text/plain", [])));
        Assert.Equal("attachments[0].name", Refused(new AttachmentUpload("", "text/plain", "a"u8.ToArray())));
        Assert.Equal("attachments", Refused([.. Enumerable.Range(0, 4).Select(i => new AttachmentUpload($"{i}.txt", "text/plain", "a"u8.ToArray()))]));
        // A path in the name keeps only the file's own name; the type is the sniffed one.
        var kept = SupportService.Check([new AttachmentUpload("C:\\Users\\anna\\shot.png", "application/octet-stream", Png)]).Single();
        Assert.Equal(("shot.png", "image/png"), (kept.Name, kept.ContentType));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void I3_a_confirmed_finding_has_its_thread_and_the_publishers_answer_is_in_it_and_on_the_finding(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        var id = h.Platform.Store.InSession(s => s.Scalar<long>("""
            INSERT INTO fraud_findings (rule, program_id, publisher_id, sub1, day, score, summary, evidence, status, found_at)
            VALUES ('ctit_fast', 'aliexpress-ww', 'p1', '', '2026-01-01', 90, 's', '{"figures":{},"orders":[],"clicks":[]}', 'open', 0) RETURNING id
            """));
        h.Platform.Fraud.Confirm(id, "ops@program.example", null, "installs within a second of the click");
        var about = new SupportAbout("finding", $"{id}");
        var threadId = h.Platform.Support.ThreadsOf("finding", [id], "p1")[$"{id}"];
        Assert.Equal(threadId, h.Platform.Support.ThreadsOf("finding", [id], null)[$"{id}"]);

        h.Platform.Fraud.Reply("p1", id, "These are real customers of my coupon page.");
        h.Platform.Support.Post(threadId, SupportSides.Publisher, "p1", "Here is the analytics export.", null, "p1");

        var view = h.Platform.Support.Read(threadId, SupportSides.Operator, null)!;
        Assert.Equal(("fraud", about), (view.Thread.Topic, view.Thread.About));
        Assert.Equal(["confirmed:installs within a second of the click", ":These are real customers of my coupon page.", ":Here is the analytics export."],
            view.Messages.Select(m => $"{m.Event}:{m.Body}"));
        Assert.Equal("Here is the analytics export.", h.Platform.Fraud.Find(id)!.Reply);
        // The finding has one thread: a second one about it is refused, pointing to it.
        var e = Assert.Throws<ProblemException>(() => h.Platform.Support.Open("p1", new SupportRequest("other", "Again", "x", About: about), "p1"));
        Assert.Equal(("conflict", "about"), (e.Problem.Type, e.Problem.Field));
        Assert.Contains($"#{threadId}", e.Problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void I3_the_migration_makes_threads_of_the_claims_and_finding_answers_already_stored_read_on_both_sides(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        h.Platform.Store.InSession(s =>
        {
            s.Execute("""
                INSERT INTO claims (publisher_id, program_id, order_id, order_date, amount_minor, currency, comment, status, reason, note, filed_at, decided_by, decided_at)
                VALUES ('p1', 'aliexpress-ww', 'o-open', '2026-01-01', 1000, 'USD', 'bought via my page', 'open', NULL, NULL, 10, NULL, NULL),
                       ('p1', 'aliexpress-ww', 'o-done', '2026-01-01', 2000, 'USD', 'this one too', 'declined', 'no_evidence', 'no click found', 20, 'ops', 30)
                """);
            s.Execute("""
                INSERT INTO fraud_findings (rule, program_id, publisher_id, sub1, day, score, summary, evidence, status, found_at, decided_by, decided_at, decision_reason, reply, replied_at)
                VALUES ('ctit_fast', 'aliexpress-ww', 'p1', '', '2026-01-01', 90, 's', '{}', 'confirmed', 5, 'ops', 40, 'invalid_traffic', 'they are real', 50)
                """);
            s.Execute("DROP TABLE support_attachments; DROP TABLE support_messages; DROP TABLE support_threads; DELETE FROM schema_migrations WHERE version = 18;");
        });

        h.Platform.Store.Migrate(h.Clock);

        var threads = h.Platform.Support.ForPublisher("p1");
        Assert.Equal(["claim:open:Missing order o-open", "claim:closed:Missing order o-done", "fraud:open:Traffic finding #1"],
            threads.OrderBy(t => t.Id).Select(t => $"{t.Topic}:{t.Status}:{t.Subject}"));
        Assert.All(threads, t => Assert.False(t.Unread));
        Assert.Equal(0L, h.Platform.Support.Unread(SupportSides.Operator, null));
        var declined = h.Platform.Support.Read(threads.Single(t => t.Subject.EndsWith("o-done", StringComparison.Ordinal)).Id, SupportSides.Operator, null)!;
        Assert.Equal([":this one too:", "declined:no click found:no_evidence"], declined.Messages.Select(m => $"{m.Event}:{m.Body}:{m.Reason}"));
        var finding = h.Platform.Support.Read(threads.Single(t => t.Topic == "fraud").Id, SupportSides.Operator, null)!;
        Assert.Equal(["operator:confirmed", "publisher:they are real"], finding.Messages.Select(m => $"{m.Side}:{m.Event ?? m.Body}"));
    }
}
