using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Notifications;
using LastClick.Products;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Notifications;

/// <summary>E6: the news that reaches people — the notification centre and the mail queue fed from the outbox, on both stores.</summary>
public sealed class NewsTests : IClassFixture<PostgresAvailability>
{
    public static TheoryData<string> Stores => TestStores.Providers;

    private static PublisherProfile Profile(string email, params string[] geos) => new(
        "Lena Fischer", email, "DE", [new Channel("site", "https://gadgets.example/")], "phone accessories", "content", ["content"], geos);

    private static string Apply(Harness h, string email = "lena@gadgets.example", params string[] geos) =>
        h.Platform.Applications.Apply(Profile(email, geos.Length == 0 ? ["DE"] : geos), null, ["aliexpress-ww"], "hash", h.Platform.Accounts);

    private static Account Operator(Harness h) => h.Platform.Accounts.Create("mod@program.example", "Mo", "hash", AccountRoles.Moderator, null, "test");

    /// <summary>Routes everything in the outbox, as the worker does.</summary>
    private static void Route(Harness h) => h.RouteNews();

    private static MailContent MailTo(Harness h, string to, string kind) =>
        Mailbox.Read(h.Platform.Store, Mailbox.List(h.Platform.Store, null, null, 500).Single(m => m.To == to && m.Kind == kind).Id)!;

    [Theory]
    [MemberData(nameof(Stores))]
    public void E6_the_acceptance_email_carries_the_best_sellers_of_the_publishers_markets_the_banned_keywords_its_feed_link_and_the_non_paying_stores(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        // February's best seller in Germany (and one in France, which is not this publisher's market).
        h.Publisher("p0");
        h.Platform.Catalog.Push([
            CatalogService.Canonical(new Product("1005001", "Phones", "Sound Store", 99m, "EUR", 5, true, null, false, null, null, ["DE"], [],
                "https://www.aliexpress.com/item/1005001.html", [new ProductText("en", "Bluetooth headphones X2", null)])),
        ], []);
        foreach (var (order, country, product) in new[] { ("o1", "DE", "1005001"), ("o2", "FR", "2002") })
        {
            h.Click($"c-{order}", $"v-{order}", "2026-02-03T10:00:00Z", "p0");
            h.Order(order, "2026-02-03T11:00:00Z", "EUR", country, $"v-{order}", "aliexpress-ww", [Build.Line("l1", "Phones", 99m, 1, productId: product)]);
            h.Event($"e-{order}", "goods_received", "2026-02-04T10:00:00Z", order);
        }
        h.Clock.Set(Build.T("2026-03-01T00:05:00Z"));
        BestSellerJob.Run(h.Platform.Store, "2026-02", h.Clock.GetUtcNow(), "test");
        h.Platform.Keywords.Add(["aliexpress coupon", "ali express"], "admin");
        NonPayingStores.Set(h.Platform.ProgramEditor, "aliexpress-ww", ["Never Pays Store"], null, "admin", h.Clock.GetUtcNow());
        h.Platform.ProgramEditor.Load();

        var id = Apply(h);
        h.Platform.Applications.Decide(id, "aliexpress-ww", true, null, "Welcome aboard", "mod@program.example");
        Route(h);

        var mail = MailTo(h, "lena@gadgets.example", "application_decided");
        Assert.Equal("Welcome to AliExpress Global (EU): your application is accepted", mail.Mail.Subject);
        Assert.Equal("pending", mail.Mail.Status);
        var text = mail.Text;
        Assert.Contains("Hello Lena Fischer,", text, StringComparison.Ordinal);
        Assert.Contains("A note from the program: Welcome aboard", text, StringComparison.Ordinal);
        // 1. best sellers of its market (DE), not of the others
        Assert.Contains("Best-selling products in your markets (DE)", text, StringComparison.Ordinal);
        Assert.Contains("- 1. Bluetooth headphones X2 (1 orders)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("2002", text, StringComparison.Ordinal);
        // 2. banned keywords, 3. its feed generator link, 4. the non-paying stores
        Assert.Contains("- aliexpress coupon", text, StringComparison.Ordinal);
        Assert.Contains("- ali express", text, StringComparison.Ordinal);
        Assert.Contains("Open the feed generator: http://localhost:8080/p/feeds?program=aliexpress-ww", text, StringComparison.Ordinal);
        Assert.Contains("- Never Pays Store", text, StringComparison.Ordinal);
        // The HTML part says the same, encoded.
        Assert.Contains("<li>Never Pays Store</li>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("<a style=\"color:#0b5cad\" href=\"http://localhost:8080/p/feeds?program=aliexpress-ww\">", mail.Html, StringComparison.Ordinal);

        // The publisher's notification centre has the decision; the operators' the application.
        var lena = h.Platform.Accounts.FindByEmail("lena@gadgets.example")!;
        var mine = h.Platform.News.List(lena);
        Assert.Equal(("application_decided", "/p", true), (mine[0].Kind, mine[0].Link, mine[0].Unread));
        Assert.Equal(1, h.Platform.News.Unread(lena));
        h.Platform.News.MarkRead(lena, mine[0].Id);
        Assert.Equal(0, h.Platform.News.Unread(lena));
        var team = h.Platform.News.List(Operator(h));
        Assert.Equal(("publisher_applied", "/o/moderation"), (team.Single().Kind, team.Single().Link));
        Assert.Contains(id, team.Single().Title, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task E6_news_routed_in_the_orders_group_commit_is_committed_when_answered_and_a_router_that_read_before_another_wrote_leaves_one_copy(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var lena = Apply(h);
        h.Platform.Applications.Decide(lena, "aliexpress-ww", false, DecisionReasons.NoVisibleChannel, "Your site has no content yet.", "mod@program.example");
        var team = Operator(h);

        // A router reads and composes; another routes the same messages before the first one writes.
        var late = OutboxReaders.Until(() => h.Platform.News.Next(200), r => r.Count == 2);
        Route(h);
        h.Platform.Store.InSession(late.Write);
        Assert.Single(Mailbox.List(h.Platform.Store, null, null));
        Assert.Single(h.Platform.News.List(h.Platform.Accounts.FindByEmail("lena@gadgets.example")!));
        Assert.Single(h.Platform.News.List(team));

        // The worker's way (SQLite: a piece of the orders' batch): what it routed is there once it is answered, while
        // the group commit still runs.
        var max = Apply(h, "max@phones.example");
        h.Platform.Applications.Decide(max, "aliexpress-ww", false, DecisionReasons.NoVisibleChannel, "No site yet.", "mod@program.example");
        await using var commits = new GroupCommit(h.Platform.Store);
        var (calls, routed) = (0, 0);
        OutboxReaders.ReadAll(h.Platform.Store, "news", () =>
        {
            var n = h.Platform.News.RouteAllAsync(commits, batch: 1).GetAwaiter().GetResult();
            (calls, routed) = (calls + 1, routed + n);
            return n;
        });
        Assert.Equal(2, routed);
        if (provider == TestStores.Sqlite) Assert.Equal(1, calls); // rounds of one message until one read none
        Assert.Equal(["lena@gadgets.example", "max@phones.example"], Mailbox.List(h.Platform.Store, null, null).Select(m => m.To).Order(StringComparer.Ordinal));
        Assert.Single(h.Platform.News.List(h.Platform.Accounts.FindByEmail("max@phones.example")!));
        Assert.Equal(2, h.Platform.News.List(team).Count);
        Assert.Equal(0, await h.Platform.News.RouteAllAsync(commits));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void E6_a_rejection_mail_gives_the_reason_and_the_moderators_message_and_each_message_is_routed_once(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var id = Apply(h);
        h.Platform.Applications.Decide(id, "aliexpress-ww", false, DecisionReasons.NoVisibleChannel, "Your site has no content yet.", "mod@program.example");
        Route(h);
        Route(h);
        Assert.Equal(0, h.Platform.News.Route());

        var mail = MailTo(h, "lena@gadgets.example", "application_decided");
        Assert.Equal("Your application to AliExpress Global (EU)", mail.Mail.Subject);
        Assert.Contains("Reason: no visible channel", mail.Text, StringComparison.Ordinal);
        Assert.Contains("From the moderator: Your site has no content yet.", mail.Text, StringComparison.Ordinal);
        Assert.Single(Mailbox.List(h.Platform.Store, null, null));
        var lena = h.Platform.Accounts.FindByEmail("lena@gadgets.example")!;
        Assert.Single(h.Platform.News.List(lena));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void E6_a_payout_mail_carries_the_statement_and_order_news_is_mailed_only_when_the_publisher_chose_it(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        h.Platform.Accounts.Create("p1@example.com", "Pat", "hash", AccountRoles.Publisher, "p1", "test");
        Assert.False(h.Platform.News.Preferences("p1")["order_created"]);
        h.Click();
        h.Order("o1", lines: [Build.Line(price: 300m)]);
        Route(h);
        Assert.Empty(Mailbox.List(h.Platform.Store, "p1", null)); // order news: not chosen by default

        h.Platform.News.SetPreferences("p1", new Dictionary<string, bool> { ["order_confirmed"] = true }, "p1@example.com");
        Assert.Equal("email.order_nonsense",
            Assert.Throws<ProblemException>(() => h.Platform.News.SetPreferences("p1", new Dictionary<string, bool> { ["order_nonsense"] = true }, "x")).Problem.Field);
        h.Event("e1", "goods_received", "2026-02-04T00:00:00Z");
        var lines = h.Payout("2026-03-06T00:00:00Z");
        Assert.Contains(lines, l => l.PublisherId == "p1");
        Route(h);

        var kinds = Mailbox.List(h.Platform.Store, "p1", null).Select(m => m.Kind).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("payout_exported", kinds);
        Assert.DoesNotContain("order_created", kinds);
        var payout = MailTo(h, "p1@example.com", "payout_exported");
        Assert.StartsWith("Payment sent: USD ", payout.Mail.Subject, StringComparison.Ordinal);
        var pdf = Mailbox.Attachment(h.Platform.Store, payout.Mail.Id, Assert.Single(payout.Attachments))!;
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf.Content, 0, 4));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void F3_broken_links_are_news_and_a_weekly_digest_with_a_one_click_unsubscribe(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        h.Platform.Accounts.Create("p1@example.com", "Pat", "hash", AccountRoles.Publisher, "p1", "test");
        h.Platform.Catalog.Push([
            CatalogService.Canonical(new Product("100", "Lamps", null, 10m, "EUR", 0, true, null, false, null, null, ["DE"], [],
                "https://www.aliexpress.com/item/100.html", [new ProductText("en", "Desk lamp", null)])),
        ], []);
        var link = h.Platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/100.html");
        BrokenLinks.Run(h.Platform.Store, h.Clock.GetUtcNow(), "test");
        BrokenLinks.Run(h.Platform.Store, h.Clock.GetUtcNow().AddDays(1), "test"); // the same finding again: no new news
        Route(h);
        var pat = h.Platform.Accounts.FindByEmail("p1@example.com")!;
        Assert.Equal("broken_links_found", Assert.Single(h.Platform.News.List(pat)).Kind);

        Assert.Equal(1, h.Platform.News.DigestIfDue());
        Assert.Equal(0, h.Platform.News.DigestIfDue()); // weekly
        var digest = MailTo(h, "p1@example.com", NewsService.DigestKind);
        Assert.Equal("1 of your links point to products that are gone or out of stock", digest.Mail.Subject);
        Assert.Contains($"/go/{link.Code} (out of stock)", digest.Text, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(digest.Text, "unsubscribe\\?token=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(token);

        Assert.Null(h.Platform.News.Unsubscribe("0000"));
        Assert.Equal(NewsService.DigestKind, h.Platform.News.Unsubscribe(token));
        Assert.False(h.Platform.News.Preferences("p1")[NewsService.DigestKind]);
        h.Clock.Set(h.Clock.GetUtcNow().AddDays(8));
        Assert.Equal(0, h.Platform.News.DigestIfDue()); // unsubscribed
        Assert.Single(Mailbox.List(h.Platform.Store, "p1", null), m => m.Kind == NewsService.DigestKind);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_reset_link_works_once_for_an_hour_and_asking_says_nothing_about_the_account(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var account = h.Platform.Accounts.Create("ann@example.com", "Ann", "old-hash", AccountRoles.Admin, null, "test");
        h.Platform.AccountMail.RequestReset("nobody@example.com"); // no account: nothing, and no error
        Assert.Empty(Mailbox.List(h.Platform.Store, null, null));
        Assert.Equal("email", Assert.Throws<ProblemException>(() => h.Platform.AccountMail.RequestReset("not an email")).Problem.Field);

        h.Platform.AccountMail.RequestReset("ANN@example.com");
        var mail = MailTo(h, "ann@example.com", AccountMail.Reset);
        var token = System.Text.RegularExpressions.Regex.Match(mail.Text, "/account/reset\\?token=([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.Equal(account.Id, h.Platform.AccountMail.ResetAccount(token));
        Assert.Null(h.Platform.AccountMail.ResetAccount(token + "x"));

        // An hour later the link is dead; a new one works, once, and spends every other.
        h.Clock.Set(h.Clock.GetUtcNow().AddHours(1));
        Assert.False(h.Platform.AccountMail.ResetPassword(token, "new-hash", h.Platform.Accounts));
        h.Platform.AccountMail.RequestReset("ann@example.com");
        h.Platform.AccountMail.RequestReset("ann@example.com");
        var tokens = Mailbox.List(h.Platform.Store, null, account.Id).Where(m => m.Kind == AccountMail.Reset).Take(2)
            .Select(m => System.Text.RegularExpressions.Regex.Match(Mailbox.Read(h.Platform.Store, m.Id)!.Text, "token=([A-Za-z0-9_-]+)").Groups[1].Value).ToList();
        var stamp = h.Platform.Accounts.Find(account.Id)!.Stamp;
        Assert.True(h.Platform.AccountMail.ResetPassword(tokens[0], "new-hash", h.Platform.Accounts));
        Assert.False(h.Platform.AccountMail.ResetPassword(tokens[0], "newer-hash", h.Platform.Accounts));
        Assert.False(h.Platform.AccountMail.ResetPassword(tokens[1], "newer-hash", h.Platform.Accounts));
        var after = h.Platform.Accounts.Find(account.Id)!;
        Assert.Equal("new-hash", after.PasswordHash);
        Assert.NotEqual(stamp, after.Stamp); // every session ends

        // At most three reset mails an hour for one account: two were asked for this hour, one more is sent.
        for (var i = 0; i < 5; i++) h.Platform.AccountMail.RequestReset("ann@example.com");
        Assert.Equal(AccountMail.ResetsPerHour, Mailbox.List(h.Platform.Store, null, account.Id).Count(m => m.Kind == AccountMail.Reset && m.CreatedAt == h.Clock.GetUtcNow()));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_new_email_takes_effect_only_when_the_new_address_confirms_it_and_the_old_one_is_told(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var account = h.Platform.Accounts.Create("ann@example.com", "Ann", "hash", AccountRoles.Admin, null, "test");
        h.Platform.Accounts.Create("bob@example.com", "Bob", "hash", AccountRoles.Admin, null, "test");
        Assert.Equal("email", Assert.Throws<ProblemException>(() => h.Platform.AccountMail.RequestEmailChange(account.Id, "bob@example.com")).Problem.Field);
        Assert.Equal("email", Assert.Throws<ProblemException>(() => h.Platform.AccountMail.RequestEmailChange(account.Id, "nope")).Problem.Field);

        h.Platform.AccountMail.RequestEmailChange(account.Id, "Ann.New@example.com");
        Assert.Equal("ann@example.com", h.Platform.Accounts.Find(account.Id)!.Email);
        Assert.Contains("ann.new@example.com", MailTo(h, "ann@example.com", "email_change_notice").Text, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(MailTo(h, "ann.new@example.com", AccountMail.EmailChange).Text, "token=([A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.Equal("ann.new@example.com", h.Platform.AccountMail.PendingEmail(token));
        Assert.Equal("ann.new@example.com", h.Platform.AccountMail.ConfirmEmailChange(token));
        Assert.Null(h.Platform.AccountMail.ConfirmEmailChange(token));
        Assert.Equal("ann.new@example.com", h.Platform.Accounts.Find(account.Id)!.Email);
        Assert.Null(h.Platform.Accounts.FindByEmail("ann@example.com"));
    }

    [Fact]
    public void Every_mail_language_has_every_text_and_the_html_part_is_encoded()
    {
        Assert.Empty(MailText.Missing());
        var doc = new MailDocument("<b>", [new MailParagraph("a <script>"), new MailLink("x", "javascript:alert(1)"), new MailList(["<i>"])]);
        var html = doc.Html("footer & co", "en");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.Ordinal);
        Assert.Contains("&lt;i&gt;", html, StringComparison.Ordinal);
        Assert.Contains("footer &amp; co", html, StringComparison.Ordinal);
        Assert.Equal("a <script>\n\nx: javascript:alert(1)\n\n- <i>\n\n-- \nfooter\n", doc.Text("footer"));
    }
}
