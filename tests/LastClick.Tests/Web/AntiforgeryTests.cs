using System.Net;
using Dapper;
using LastClick.Access;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>
/// Every state-changing form of the dashboard (each POST handler of each page, found from the compiled pages) is refused
/// without its antiforgery token and changes nothing; the same post with the token does change the store.
/// </summary>
public sealed class AntiforgeryTests : IAsyncLifetime
{
    private const string Password = "a long enough password";
    private WebHost _host = null!;
    private string _publisher = "";
    private string _link = "";
    private string _orderId = "";

    public async Task InitializeAsync()
    {
        // Many sign-ins from one address: the per-address limits (tested on their own) are raised here.
        _host = await WebHost.StartAsync("--RateLimits:SignInPerMinute", "1000", "--RateLimits:ApplicationsPerHour", "1000", "--Outbound:AllowNetworks", "127.0.0.0/8");
        var p = _host.Platform;
        _host.Operator(AccountRoles.Admin, "admin@program.example", Password);
        _publisher = p.Applications.Apply(new PublisherProfile("Pat", "pat@p.example", "DE", [new Channel("site", "https://p.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], _host.Passwords.Hash(Password), p.Accounts);
        p.Applications.Decide(_publisher, "aliexpress-ww", true, null, null, "mod");
        _link = p.Links.Create(_publisher, "aliexpress-ww", "https://www.aliexpress.com/item/1.html").Code;
        _orderId = "none";
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string NewApplicant() => _host.Platform.Applications.Apply(
        new PublisherProfile("Quinn", $"q{Guid.NewGuid():N}@q.example", "FR", [new Channel("site", "https://q.example/")], "n", "coupon", ["coupon"], ["FR"]),
        null, ["aliexpress-ww", "aliexpress-cis"], "hash", _host.Platform.Accounts);

    private string Today() => _host.Platform.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private string NewFeed() => _host.Platform.Feeds.Create(_publisher, new LastClick.Products.FeedRequest("aliexpress-ww", "DE", "en", LastClick.Products.FeedFormat.Csv,
        new LastClick.Products.FeedFilter())).Code;

    private string NewKeyword()
    {
        var keyword = $"kw{Guid.NewGuid():N}";
        _host.Platform.Keywords.Add([keyword], "test");
        return keyword;
    }

    /// <summary>An order the marketplace reported and nobody is credited with, claimed by the publisher.</summary>
    private long NewClaim()
    {
        var p = _host.Platform;
        var id = $"m-{Guid.NewGuid():N}";
        p.Orders.Ingest(new LastClick.Commissions.Order(id, p.Clock.GetUtcNow().AddHours(-1), LastClick.Common.Currency.Of("USD"), "DE",
            [new LastClick.Commissions.OrderLine("l1", "x", "Toys", null, 10m, 1, true, null, false, null, null)], "nobody"), "aliexpress-ww");
        return p.Claims.File(_publisher, new LastClick.Claims.ClaimRequest("aliexpress-ww", id, DateOnly.FromDateTime(p.Clock.GetUtcNow().UtcDateTime), 10m, "USD", "c")).Id;
    }

    /// <summary>A finding of the publisher's: open for the operator to decide, or confirmed for the publisher to answer.</summary>
    private long NewFinding(bool confirmed)
    {
        using var c = _host.Platform.Store.Open();
        return c.Query<long>("""
            INSERT INTO fraud_findings (rule, program_id, publisher_id, sub1, day, score, summary, evidence, status, found_at)
            VALUES ('pop_referrer', 'aliexpress-ww', @publisher, @sub1, '2026-01-01', 80, 's', '{"figures":{},"orders":[],"clicks":[]}', @status, 0)
            RETURNING id
            """, new { publisher = _publisher, sub1 = Guid.NewGuid().ToString("N"), status = confirmed ? "confirmed" : "open" }).Single();
    }

    /// <summary>Form fields any of the forms may need, valid; each handler binds the ones it reads.</summary>
    /// <summary>A dead delivery of the signed-in publisher's postbacks (or of the operator's webhooks), to send again.</summary>
    private string NewDelivery(bool publisher)
    {
        using var c = _host.Platform.Store.Open();
        var message = c.Query<long>("SELECT COALESCE(MAX(id), 0) FROM outbox_messages").Single();
        return c.Query<long>("""
            INSERT INTO postback_jobs (message_id, publisher_id, program_id, status, attempts, next_at, created_at)
            VALUES (@message, @publisher, @program, 'dead', 1, 0, 0) RETURNING id
            """, new { message, publisher = publisher ? _publisher : LastClick.Notifications.PostbackService.Operator, program = $"gone-{Guid.NewGuid():N}" }).Single().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A support request of the publisher's, to write in or assign.</summary>
    private string NewThread() => _host.Platform.Support.Open(_publisher, new LastClick.Support.SupportRequest("other", "A question", "Hello"), "pat@p.example")
        .Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private int _runs;
    private DateTimeOffset? _firstRun;

    /// <summary>A payout run of one new publisher (a bonus paid by wire), at the stage the handler acts on.</summary>
    private (string Run, string Publisher) NewRun(string handler)
    {
        var p = _host.Platform;
        var publisher = NewApplicant();
        p.Payouts.SetDetails(publisher, LastClick.Payouts.PayoutDetailsRules.ReplayWire(publisher), "test");
        p.Payouts.Adjust("aliexpress-ww", publisher, "USD", 20m, "bonus", null, null, "test");
        // Each run an instant of its own (a run is one per program and second), an hour back and counting up.
        _firstRun ??= p.Clock.GetUtcNow().AddHours(-1);
        var run = p.Payouts.Plan("aliexpress-ww", _firstRun.Value.AddSeconds(++_runs), "test").Id;
        if (handler is "export" or "settle" or "return") p.Payouts.Approve(run, "test");
        if (handler is "settle" or "return") p.Payouts.Export(run, "test");
        return (run, publisher);
    }

    /// <summary>A one-use token mailed to an account (a reset for the admin, whose password it sets to the same; an address change for a new account).</summary>
    private string NewAccountToken(string purpose)
    {
        var p = _host.Platform;
        var token = Guid.NewGuid().ToString("N");
        var account = purpose == LastClick.Notifications.AccountMail.Reset
            ? p.Accounts.FindByEmail("admin@program.example")!.Id
            : p.Accounts.Create($"o{Guid.NewGuid():N}@program.example", "Other", "hash", "moderator", null, "test").Id;
        using var c = p.Store.Open();
        c.Execute("""
            INSERT INTO account_tokens (token_hash, account_id, purpose, new_email, created_at, expires_at, used_at)
            VALUES (@hash, @account, @purpose, @email, 0, @expires, NULL)
            """, new
        {
            hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), account, purpose,
            email = $"n{Guid.NewGuid():N}@program.example", expires = LastClick.Common.Times.ToMicros(p.Clock.GetUtcNow().AddHours(1)),
        });
        return token;
    }

    private List<KeyValuePair<string, string>> Fields(bool publisher, string handler = "", string route = "")
    {
        var (run, paid) = handler is "approve" or "export" or "settle" or "return" ? NewRun(handler) : ("none", NewApplicant());
        var (json, version) = _host.Platform.ProgramEditor.Current("aliexpress-ww");
        var key = _host.Platform.Keys.Create(KeyRole.Publisher, _publisher);
        return
        [
            new("Form.Programs", "aliexpress-ww"), new("Form.ContactName", "New Person"), new("Form.Email", $"n{Guid.NewGuid():N}@n.example"),
            new("Form.Password", Password), new("Form.Country", "DE"), new("Form.ChannelKinds", "site"), new("Form.ChannelUrls", "https://n.example/"),
            new("Form.Niche", "n"), new("Form.MainTrafficSource", "content"), new("Form.TargetGeos", "DE"),
            new("Form.Program", "aliexpress-ww"), new("Form.Destination", "https://www.aliexpress.com/item/9.html"),
            new("publisher", paid), new("program", "aliexpress-cis"), new("decision", "approve"), new("message", "ok"),
            new("definition", json.Replace("\"cookieWindowDays\": 3", $"\"cookieWindowDays\": {4 + version}", StringComparison.Ordinal)), new("baseVersion", $"{version}"),
            new("label", "x"), new("prefix", key[3..15]), new("destination", $"https://www.aliexpress.com/item/{Guid.NewGuid():N}.html"),
            new("email", route == "/account/email" ? $"a{Guid.NewGuid():N}@program.example" : "admin@program.example"), new("password", Password), new("current", Password),
            // Issue 6's forms: a feed, a claim, the lists; each post gets things of its own to revoke, remove or decide.
            new("Form.Market", "DE"), new("Form.Language", "en"), new("Form.Format", "xml"), new("feed", NewFeed()),
            new("Form.OrderId", $"o-{Guid.NewGuid():N}"), new("Form.OrderDate", Today()), new("Form.Amount", "10.00"), new("Form.Currency", "USD"),
            new("Form.Comment", "tracked on my site"), new("keywords", $"kw{Guid.NewGuid():N}"), new("keyword", NewKeyword()),
            new("stores", $"Store {Guid.NewGuid():N}"), new("note", "n"), new("claim", $"{NewClaim()}"), new("reason", "other"),
            // Issue 13's forms: a finding to confirm, dismiss or (the publisher's, confirmed) answer.
            new("finding", $"{NewFinding(confirmed: publisher)}"),
            // Issue 14's forms: a run at the stage the handler needs, an adjustment.
            new("run", run), new("amount", "10.00"), new("currency", "USD"),
            // Issue 15's: a postback to a closed port on loopback (admitted by Outbound:AllowNetworks), a delivery to send again.
            new("url", "http://127.0.0.1:9/pb"), new("method", "GET"), new("events", publisher ? "created" : "order_attributed"), new("delivery", NewDelivery(publisher)),
            // The notification centre's email choices; the links a mail carries (a reset, an address change).
            new("kinds", "payout_exported"),
            // Issue 18's support threads: a request about the publisher's link, a message, an assignment.
            new("topic", "tracking"), new("subject", "Clicks"), new("body", "Where are my clicks?"), new("aboutKind", "link"), new("aboutId", _link),
            new("assignee", "admin@program.example"),
            // Issue 17's language switcher: a signed-in account keeps its choice (a new one on every post).
            new("language", NextLanguage()), new("back", "/p"),
            new("token", route switch { "/account/reset" => NewAccountToken(LastClick.Notifications.AccountMail.Reset), "/account/email/confirm" => NewAccountToken(LastClick.Notifications.AccountMail.EmailChange), _ => "none" }),
        ];
    }

    private int _language;

    private string NextLanguage() => LastClick.Common.Languages.All[++_language % LastClick.Common.Languages.All.Count].Code;

    /// <summary>Everything a form could change, in one string: row counts, the audit trail's end, links, profiles, rankings.</summary>
    private string Fingerprint()
    {
        using var c = _host.Platform.Store.Open();
        return string.Join("|", c.Query<string>("""
            SELECT (SELECT COUNT(*) FROM accounts) || '/' || (SELECT COUNT(*) FROM publishers) || '/' || (SELECT COUNT(*) FROM applications)
                || '/' || (SELECT COUNT(*) FROM links) || '/' || (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL) || '/' || (SELECT COUNT(*) FROM program_versions)
                || '/' || COALESCE((SELECT MAX(seq) FROM audit_log), 0) || '/' || (SELECT COUNT(*) FROM applications WHERE status = 'pending')
                || '/' || COALESCE((SELECT GROUP_CONCAT(destination) FROM links), '') || '/' || COALESCE((SELECT GROUP_CONCAT(COALESCE(profile, '')) FROM publishers), '')
                || '/' || (SELECT COUNT(*) FROM feeds WHERE revoked_at IS NULL) || '/' || (SELECT COUNT(*) FROM banned_keywords)
                || '/' || (SELECT COUNT(*) FROM claims WHERE status = 'open')
                || '/' || COALESCE((SELECT GROUP_CONCAT(COALESCE(language, '')) FROM accounts), '')
            """));
    }

    [Fact]
    public async Task Every_form_post_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var posts = DashboardPages.All().SelectMany(p => p.Handlers().Where(h => h.Verb == HttpMethod.Post).Select(h => (p.Route, Handler: h.Name))).ToList();
        Assert.True(posts.Count >= 12, $"only {posts.Count} post handlers found");

        var failures = new List<string>();
        foreach (var (route, handler) in posts)
        {
            var path = DashboardPages.Fill(route, parameter => parameter switch
            {
                "code" => _link,
                "orderId" => _orderId,
                "id" when route.StartsWith("/o/programs", StringComparison.Ordinal) || route.StartsWith("/programs", StringComparison.Ordinal) => "aliexpress-ww",
                "id" when route.StartsWith("/o/orders", StringComparison.Ordinal) => _orderId,
                "id" when route.Contains("/support/", StringComparison.Ordinal) => NewThread(),
                "id" => _publisher,
                var other => throw new Xunit.Sdk.XunitException($"{route}: route parameter '{other}' unknown to {nameof(AntiforgeryTests)}"),
            }) + (handler.Length > 0 ? $"?handler={handler}" : "");
            // One-click unsubscribe (RFC 8058) is posted by mail clients, which carry no antiforgery token: the token in
            // its URL is the secret (MailTests).
            if (route == "/unsubscribe") continue;
            using var session = _host.NewSession();
            if (DashboardPages.IsPublisherRoute(route) || route.StartsWith("/notifications", StringComparison.Ordinal) || route == "/language") await session.SignInAsync("pat@p.example", Password);
            else if (route.StartsWith("/o", StringComparison.Ordinal) || route.StartsWith("/account", StringComparison.Ordinal) || route == "/signout") await session.SignInAsync("admin@program.example", Password);
            var fields = Fields(DashboardPages.IsPublisherRoute(route), handler, route);

            var before = Fingerprint();
            using var refused = await session.SendAsync(HttpMethod.Post, path, fields);
            if (refused.StatusCode != HttpStatusCode.BadRequest) failures.Add($"POST {path} without a token: {(int)refused.StatusCode}");
            if (Fingerprint() != before) failures.Add($"POST {path} without a token changed the store");

            // With the token the same form does its work (so the refusal above was the token's).
            if (route is "/signin" or "/signout") continue;
            using var accepted = await session.PostFormAsync(path, fields);
            if (Fingerprint() == before) failures.Add($"POST {path} with its token changed nothing ({(int)accepted.StatusCode})");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
