using System.Net;
using LastClick.Access;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>Sign-in cookies, lockout, rate limits, roles and the HTTPS rule of the dashboard.</summary>
public sealed class WebSecurityTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private WebHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync("--RateLimits:SignInPerMinute", "10");
        _host.Operator(AccountRoles.Admin, "admin@program.example", Password);
        _host.Operator(AccountRoles.Moderator, "mod@program.example", Password);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_sign_in_cookie_is_a_Host_prefixed_Secure_HttpOnly_SameSite_cookie()
    {
        using var session = _host.NewSession();
        var token = await session.TokenAsync("/signin");
        using var response = await session.SendAsync(HttpMethod.Post, "/signin",
            [new("email", "Admin@Program.example"), new("password", Password), new("__RequestVerificationToken", token)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/o", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-lastclick=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", cookie, StringComparison.Ordinal);
        Assert.Contains("; path=/", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("domain=", cookie, StringComparison.Ordinal);
        using var antiforgery = await session.GetAsync("/o/moderation");
        Assert.Equal(HttpStatusCode.OK, antiforgery.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_read_alike_and_the_fifth_failure_locks_the_account()
    {
        using var session = _host.NewSession();
        async Task<string> Attempt(string email, string password)
        {
            using var r = await session.PostFormAsync("/signin", [new("email", email), new("password", password)]);
            return r.StatusCode == HttpStatusCode.Redirect ? "signed in" : System.Net.WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync());
        }

        var unknown = await Attempt("nobody@program.example", "whatever password");
        Assert.Contains("The email or the password is wrong.", unknown, StringComparison.Ordinal);
        for (var i = 1; i < Accounts.LockoutAfter; i++) Assert.Contains("The email or the password is wrong.", await Attempt("mod@program.example", "wrong password!"), StringComparison.Ordinal);
        Assert.Contains("locked for 15 minutes", await Attempt("mod@program.example", "wrong password!"), StringComparison.Ordinal);
        Assert.Contains("locked", await Attempt("mod@program.example", Password), StringComparison.Ordinal);
        Assert.Equal("signed in", await Attempt("admin@program.example", Password));
    }

    [Fact]
    public async Task Sign_in_posts_are_rate_limited_per_address()
    {
        using var session = _host.NewSession();
        var token = await session.TokenAsync("/signin");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var r = await session.SendAsync(HttpMethod.Post, "/signin", [new("email", $"x{i}@program.example"), new("password", "x"), new("__RequestVerificationToken", token)]);
            statuses.Add(r.StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        using var page = await session.GetAsync("/signin"); // reading the page is not limited
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Pages_need_the_right_role_and_only_an_admin_changes_a_program()
    {
        using var anonymous = _host.NewSession();
        using var toSignIn = await anonymous.GetAsync("/o/moderation");
        Assert.Equal(HttpStatusCode.Redirect, toSignIn.StatusCode);
        // Relative: the loopback request counts as secure, but this server speaks plain HTTP.
        Assert.Equal("/signin?ReturnUrl=%2Fo%2Fmoderation", toSignIn.Headers.Location!.OriginalString);

        using var moderator = _host.NewSession();
        await moderator.SignInAsync("mod@program.example", Password);
        using var publisherPage = await moderator.GetAsync("/p/links");
        Assert.StartsWith("/denied?", publisherPage.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var (json, _) = _host.Platform.ProgramEditor.Current("aliexpress-ww");
        using var edit = await moderator.PostFormAsync("/o/programs/aliexpress-ww",
            [new("definition", json.Replace("\"cookieWindowDays\": 3", "\"cookieWindowDays\": 30", StringComparison.Ordinal)), new("baseVersion", "0")]);
        Assert.StartsWith("/denied?", edit.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Empty(_host.Platform.ProgramEditor.History("aliexpress-ww"));

        using var admin = _host.NewSession();
        await admin.SignInAsync("admin@program.example", Password);
        using var saved = await admin.PostFormAsync("/o/programs/aliexpress-ww",
            [new("definition", json.Replace("\"cookieWindowDays\": 3", "\"cookieWindowDays\": 30", StringComparison.Ordinal)), new("baseVersion", "0")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(30, _host.Platform.Programs.Get("aliexpress-ww").CookieWindowDays);
        // Where links may lead is not edited here (an added host would be an open redirect for every publisher).
        using var hosts = await admin.PostFormAsync("/o/programs/aliexpress-ww",
            [new("definition", _host.Platform.ProgramEditor.Current("aliexpress-ww").Json.Replace("\"allowedHosts\": [", "\"allowedHosts\": [\"evil.example\", ", StringComparison.Ordinal)), new("baseVersion", "1")]);
        Assert.Equal(HttpStatusCode.BadRequest, hosts.StatusCode);
        Assert.Contains("data-field=\"allowedHosts\"", await hosts.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var wrong = await admin.PostFormAsync("/o/programs/aliexpress-ww",
            [new("definition", json.Replace("\"cookieWindowDays\": 3", "\"cookieWindowDays\": \"many\"", StringComparison.Ordinal)), new("baseVersion", "1")]);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("data-field=\"cookieWindowDays\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_password_ends_the_other_signed_in_sessions()
    {
        using var session = _host.NewSession();
        await session.SignInAsync("admin@program.example", Password);
        using (var before = await session.GetAsync("/o/audit")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var account = _host.Platform.Accounts.FindByEmail("admin@program.example")!;
        _host.Platform.Accounts.SetPassword(account.Id, _host.Passwords.Hash("another long password"), "admin@program.example");

        using var after = await session.GetAsync("/o/audit");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/signin", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_on_its_page_keeps_this_session_and_ends_the_others()
    {
        using var here = _host.NewSession();
        using var elsewhere = _host.NewSession();
        await here.SignInAsync("mod@program.example", Password);
        await elsewhere.SignInAsync("mod@program.example", Password);

        using var wrong = await here.PostFormAsync("/account/password", [new("current", "not it at all"), new("password", "a brand new password")]);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        using var changed = await here.PostFormAsync("/account/password", [new("current", Password), new("password", "a brand new password")]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        using (var stays = await here.GetAsync("/o/moderation")) Assert.Equal(HttpStatusCode.OK, stays.StatusCode);
        using (var ended = await elsewhere.GetAsync("/o/moderation")) Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.True(_host.Passwords.Verify(_host.Platform, _host.Platform.Accounts.FindByEmail("mod@program.example")!, "a brand new password"));

        // Guessing the current password from a signed-in session meets the sign-in lockout.
        for (var i = 0; i < Accounts.LockoutAfter; i++)
        {
            using var guess = await here.PostFormAsync("/account/password", [new("current", $"guess number {i}"), new("password", "yet another password")]);
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }
        using var locked = await here.PostFormAsync("/account/password", [new("current", "a brand new password"), new("password", "yet another password")]);
        Assert.Contains("locked", System.Net.WebUtility.HtmlDecode(await locked.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payout_details_change_only_with_the_current_password()
    {
        var p = _host.Platform;
        var id = p.Applications.Apply(new LastClick.Publishers.PublisherProfile("Pat", "pat@p.example", "DE", [new("site", "https://p.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], _host.Passwords.Hash(Password), p.Accounts);
        using var session = _host.NewSession();
        await session.SignInAsync("pat@p.example", Password);
        List<KeyValuePair<string, string>> form =
        [
            new("Form.ContactName", "Pat"), new("Form.Country", "DE"), new("Form.ChannelKinds", "site"), new("Form.ChannelUrls", "https://p.example/"),
            new("Form.Niche", "n"), new("Form.MainTrafficSource", "content"), new("Form.TargetGeos", "DE"),
            new("Form.PayoutMethod", "sepa"), new("Form.AccountHolder", "Pat"), new("Form.Iban", "DE89 3704 0044 0532 0130 00"),
        ];

        using var refused = await session.PostFormAsync("/p/profile", form);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("data-field=\"currentPassword\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(p.Applications.Find(id)!.Payout);

        using var saved = await session.PostFormAsync("/p/profile", [.. form, new("Form.CurrentPassword", Password)]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("DE89370400440532013000", p.Applications.Find(id)!.Payout!.Iban);
        // The rest of the profile changes without it.
        using var niche = await session.PostFormAsync("/p/profile", [.. form.Select(f => f.Key == "Form.Niche" ? new(f.Key, "gadgets") : f)]);
        Assert.Equal(HttpStatusCode.Redirect, niche.StatusCode);
        Assert.Equal("gadgets", p.Applications.Find(id)!.Profile!.Niche);
    }

    [Fact]
    public async Task A_key_made_on_its_page_is_shown_once_works_and_is_revoked_there()
    {
        var p = _host.Platform;
        p.Applications.Apply(new LastClick.Publishers.PublisherProfile("Kim", "kim@k.example", "DE", [new("site", "https://k.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], _host.Passwords.Hash(Password), p.Accounts);
        using var session = _host.NewSession();
        await session.SignInAsync("kim@k.example", Password);

        using var created = await session.PostFormAsync("/p/keys?handler=create", [new("label", "reports")], tokenFrom: "/p/keys");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        using var shown = await session.GetAsync("/p/keys");
        var key = System.Text.RegularExpressions.Regex.Match(await shown.Content.ReadAsStringAsync(), "id=\"key-value\" readonly value=\"(lc_[^\"]+)\"").Groups[1].Value;
        Assert.NotNull(p.Keys.Verify(key));
        using (var again = await session.GetAsync("/p/keys")) Assert.DoesNotContain(key, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var revoked = await session.PostFormAsync("/p/keys?handler=revoke", [new("prefix", key[3..15])], tokenFrom: "/p/keys");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Null(p.Keys.Verify(key));
    }

    [Fact]
    public async Task Off_loopback_the_dashboard_needs_HTTPS_while_the_redirect_and_the_api_keep_answering()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Host = "lastclick.example";
        using var session = _host.NewSession();
        using var page = await session.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("HTTPS", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var health = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        health.Headers.Host = "lastclick.example";
        using var ok = await session.Http.SendAsync(health);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Pages_forbid_framing_and_inline_scripts()
    {
        using var session = _host.NewSession();
        using var page = await session.GetAsync("/signin");
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
