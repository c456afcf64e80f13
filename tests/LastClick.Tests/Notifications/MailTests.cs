using System.Net;
using System.Text.RegularExpressions;
using LastClick.Access;
using LastClick.Notifications;
using LastClick.Products;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Notifications;

/// <summary>E6 end to end: the app's mail delivered to a real SMTP server on loopback and read back; without SMTP, read in the dashboard.</summary>
public sealed partial class MailTests
{
    private const string Password = "correct horse battery";

    private static PublisherProfile Profile(string email) => new(
        "Lena Fischer", email, "DE", [new Channel("site", "https://gadgets.example/")], "phone accessories", "content", ["content"], ["DE", "PL"]);

    private static string Apply(WebHost host, string email) =>
        host.Platform.Applications.Apply(Profile(email), null, ["aliexpress-ww"], host.Passwords.Hash(Password), host.Platform.Accounts);

    [GeneratedRegex("https?://[^\\s]+/account/reset\\?token=[A-Za-z0-9_-]+")]
    private static partial Regex ResetLink();

    [Fact]
    public async Task E6_the_acceptance_email_reaches_an_smtp_server_with_its_four_lists_in_text_and_html()
    {
        using var smtp = await SmtpServer.StartAsync();
        await using var host = await WebHost.StartAsync(smtp.Settings);
        host.Platform.Keywords.Add(["aliexpress coupon"], "admin");
        NonPayingStores.Set(host.Platform.ProgramEditor, "aliexpress-ww", ["Never Pays Store"], null, "admin", host.Platform.Clock.GetUtcNow());
        host.Platform.ProgramEditor.Load();
        var id = Apply(host, "lena@gadgets.example");
        host.Platform.Applications.Decide(id, "aliexpress-ww", true, null, null, "mod@program.example");

        var mail = await smtp.WaitForAsync(m => m.Subject?.StartsWith("Welcome to", StringComparison.Ordinal) == true);
        Assert.Equal("lena@gadgets.example", mail.To.Mailboxes.Single().Address);
        Assert.Equal("affiliates@lastclick.test", mail.From.Mailboxes.Single().Address);
        Assert.Matches("^lastclick\\.mail\\.[0-9]+@lastclick\\.test$", mail.MessageId);
        var text = mail.TextBody;
        Assert.Contains("Best-selling products in your markets (PL, DE)", text, StringComparison.Ordinal);
        Assert.Contains("- aliexpress coupon", text, StringComparison.Ordinal);
        Assert.Contains($"{host.BaseUrl}/p/feeds?program=aliexpress-ww", text, StringComparison.Ordinal);
        Assert.Contains("- Never Pays Store", text, StringComparison.Ordinal);
        Assert.Contains("<li>Never Pays Store</li>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<li>aliexpress coupon</li>", mail.HtmlBody, StringComparison.Ordinal);

        // Recorded as sent, once.
        for (var i = 0; i < 50 && Mailbox.List(host.Platform.Store, null, null).Single().Status != "sent"; i++) await Task.Delay(100);
        var sent = Mailbox.List(host.Platform.Store, null, null).Single();
        Assert.Equal(("sent", 1), (sent.Status, sent.Attempts));
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_through_the_link_the_mail_carries_and_the_link_works_once()
    {
        using var smtp = await SmtpServer.StartAsync();
        await using var host = await WebHost.StartAsync(smtp.Settings);
        host.Operator(AccountRoles.Admin, "ann@program.example", "the old password here");

        using var browser = host.NewSession();
        using (var asked = await browser.PostFormAsync("/account/forgot", [new("email", "ann@program.example")]))
        {
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            Assert.Contains("a link to choose a new password is on its way", await asked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // An unknown address answers the same, and sends nothing.
        using (var unknown = await browser.PostFormAsync("/account/forgot", [new("email", "nobody@program.example")]))
        {
            Assert.Contains("a link to choose a new password is on its way", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var bad = await browser.PostFormAsync("/account/forgot", [new("email", "not-an-address")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        var mail = await smtp.WaitForAsync(m => m.Subject == "Reset your LastClick password");
        var link = new Uri(ResetLink().Match(mail.TextBody ?? "").Value);
        Assert.Equal(new Uri(host.BaseUrl).Authority, link.Authority);
        using (var form = await browser.GetAsync(link.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        }
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"]!;
        using (var set = await browser.PostFormAsync("/account/reset", [new("token", token), new("password", "a brand new password")], link.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        }
        await browser.SignInAsync("ann@program.example", "a brand new password");

        // Spent: the page says so, and a second use changes nothing.
        using var again = host.NewSession();
        using (var dead = await again.GetAsync(link.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.NotFound, dead.StatusCode);
        }
        using (var reuse = await again.PostFormAsync("/account/reset", [new("token", token), new("password", "yet another password")], "/account/forgot"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        }
        await again.SignInAsync("ann@program.example", "a brand new password");
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task Without_smtp_mail_stays_queued_and_the_publisher_reads_it_in_its_notifications_where_no_one_else_can()
    {
        await using var host = await WebHost.StartAsync();
        var id = Apply(host, "lena@gadgets.example");
        host.Platform.Applications.Decide(id, "aliexpress-ww", false, DecisionReasons.NoVisibleChannel, "Your site has no content yet.", "mod@program.example");
        var other = Apply(host, "omar@coupons.example");
        for (var i = 0; i < 100 && Mailbox.List(host.Platform.Store, id, null).Count == 0; i++) await Task.Delay(100);
        var mail = Assert.Single(Mailbox.List(host.Platform.Store, id, null));
        Assert.Equal("pending", mail.Status);

        using var lena = host.NewSession();
        await lena.SignInAsync("lena@gadgets.example", Password);
        using (var page = await lena.GetAsync("/p/profile"))
        {
            Assert.Matches("href=\"/notifications\"[^>]*>Notifications<span class=\"count\"[^>]*> 1</span>", await page.Content.ReadAsStringAsync());
        }
        using (var list = await lena.GetAsync("/notifications"))
        {
            var html = await list.Content.ReadAsStringAsync();
            Assert.Contains("Your application to AliExpress Global (EU): No visible channel", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/notifications/mail/{mail.Id}\"", html, StringComparison.Ordinal);
            Assert.Contains("Waiting to be sent", html, StringComparison.Ordinal);
        }
        using (var page = await lena.GetAsync("/p/profile"))
        {
            Assert.DoesNotContain("class=\"count\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal); // read now
        }
        using (var read = await lena.GetAsync($"/notifications/mail/{mail.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Contains("From the moderator: Your site has no content yet.", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var omar = host.NewSession();
        await omar.SignInAsync("omar@coupons.example", Password);
        using (var theirs = await omar.GetAsync($"/notifications/mail/{mail.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        Assert.NotEqual(id, other);

        // The admin reads every mail at /o/mail.
        host.Operator(AccountRoles.Admin, "ann@program.example");
        using var ann = host.NewSession();
        await ann.SignInAsync("ann@program.example", Password);
        using (var all = await ann.GetAsync("/o/mail"))
        {
            var html = await all.Content.ReadAsStringAsync();
            Assert.Contains("No SMTP server is configured", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/notifications/mail/{mail.Id}\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_digest_carries_a_one_click_unsubscribe_that_mail_clients_post_without_a_form_token()
    {
        using var smtp = await SmtpServer.StartAsync();
        await using var host = await WebHost.StartAsync(smtp.Settings);
        var id = Apply(host, "lena@gadgets.example");
        var lena = host.Platform.Accounts.FindByEmail("lena@gadgets.example")!;
        host.Platform.Store.InSession(s => Mailbox.Add(s, new OutgoingMail(NewsService.DigestKind, lena.Email, "en",
            new MailDocument("Broken links", [new MailParagraph("Two links are broken.")]), "To stop receiving this digest: {0}", lena.Id, id, Unsubscribable: true),
            host.Platform.Clock.GetUtcNow(), null, host.BaseUrl));

        var mail = await smtp.WaitForAsync(m => m.Subject == "Broken links");
        var header = mail.Headers["List-Unsubscribe"] ?? "";
        Assert.Matches("^<http://127\\.0\\.0\\.1:[0-9]+/unsubscribe\\?token=[0-9a-f]{32}>$", header);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Contains(header.Trim('<', '>'), mail.TextBody, StringComparison.Ordinal);
        var url = new Uri(header.Trim('<', '>'));

        using var client = new HttpClient();
        using (var wrong = await client.PostAsync($"{host.BaseUrl}/unsubscribe?token=0123", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        }
        Assert.True(host.Platform.News.Preferences(id)[NewsService.DigestKind]);
        using (var done = await client.PostAsync(url, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")])))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }
        Assert.False(host.Platform.News.Preferences(id)[NewsService.DigestKind]);
    }
}
