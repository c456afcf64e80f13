using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using LastClick.Access;
using LastClick.Tests.Support;
using Microsoft.Playwright;

namespace LastClick.Tests.Web;

/// <summary>
/// H2 in real Chromium: the publisher's and the operator's main pages, in each of the five languages the browser asks
/// for, on a desktop and on a phone. Every page says its language in <c>lang</c>, shows the menu in it, never a raw key
/// or a snake_case code, and never makes the page scroll sideways (wide tables scroll inside their frame). With
/// <c>LASTCLICK_SCREENSHOTS</c> set to a folder, it also writes the screenshots of docs/screenshots.
/// </summary>
[Collection(ChromiumTests.Name)]
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed partial class LanguageBrowserTests(Chromium chromium) : IAsyncLifetime
#pragma warning restore CA1001
{
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    private static readonly string[] PublisherPages = ["/p", "/p/links", "/p/feeds", "/p/commissions", "/p/reports", "/p/balance", "/p/payouts", "/p/programs", "/p/best-sellers", "/p/quality", "/p/keys", "/programs", "/programs/aliexpress-ww", "/programs/aliexpress-cis"];
    private static readonly string[] OperatorPages = ["/o", "/o/moderation", "/o/publishers", "/o/orders", "/o/reports", "/o/payouts", "/o/claims", "/o/ranking", "/o/quality", "/o/programs", "/o/lists"];

    private static readonly ResourceManager Text = new("LastClick.Resources.Web.Text", typeof(LastClick.Web.Text).Assembly);

    private WebHost _host = null!;
    private LastClick.Server.Demo.Setup _demo = null!;

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        _demo = LastClick.Server.Demo.Seed(_host.Platform, _host.Passwords);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string, bool> Cases()
    {
        var cases = new TheoryData<string, string, bool>();
        foreach (var (locale, language) in new[] { ("en-GB", "en"), ("fr-FR", "fr"), ("pt-PT", "pt"), ("es-ES", "es"), ("ru-RU", "ru") })
        {
            cases.Add(locale, language, false);
            cases.Add(locale, language, true);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task H2_the_main_journeys_speak_the_browsers_language_on_desktop_and_phone(string locale, string language, bool phone)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        var problems = new List<string>();
        foreach (var (role, pages, menu) in new[] { (AccountRoles.Publisher, PublisherPages, "Commissions"), (AccountRoles.Admin, OperatorPages, "Moderation") })
        {
            await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = _host.BaseUrl, UserAgent = Browser, Locale = locale,
                ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
                IsMobile = phone, HasTouch = phone,
            });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(15_000);
            var (_, email, password) = _demo.Accounts.Single(a => a.Role == role);
            await BrowserTests.SignIn(page, email, password);

            foreach (var path in pages)
            {
                var answer = await page.GotoAsync(path);
                if (answer?.Status != 200) { problems.Add($"{path}: {answer?.Status}"); continue; }
                var where = $"{role} {path} ({locale}, {(phone ? "phone" : "desktop")})";
                if (await page.GetAttributeAsync("html", "lang") != language) problems.Add($"{where}: lang is {await page.GetAttributeAsync("html", "lang")}");

                var body = await page.InnerTextAsync("body");
                if (RawKey().Match(body) is { Success: true } raw) problems.Add($"{where}: shows the raw key '{raw.Value}'");
                if (Unfilled().Match(body) is { Success: true } place) problems.Add($"{where}: shows an unfilled place '{place.Value}'");
                // Addresses are the publishers' own (a channel may be t.me/some_name): only the words around them count.
                if (Snake().Match(Address().Replace(body, " ")) is { Success: true } snake) problems.Add($"{where}: shows the code '{snake.Value}'");
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                if (overflow > 1) problems.Add($"{where}: the page is {overflow} px wider than the screen");

                // The menu in the page's language: hidden behind one button on a phone, there at once on a desktop.
                var expected = Text.GetString(menu, culture)!;
                var item = page.Locator($"header nav a[href='{(role == AccountRoles.Publisher ? "/p/commissions" : "/o/moderation")}']");
                if (phone)
                {
                    if (await item.IsVisibleAsync()) problems.Add($"{where}: the menu is open on a phone");
                    await page.ClickAsync("button[data-menu]");
                }
                if (!await item.IsVisibleAsync()) problems.Add($"{where}: the menu item is not visible");
                else if ((await item.InnerTextAsync()).Trim() != expected) problems.Add($"{where}: the menu says '{(await item.InnerTextAsync()).Trim()}', not '{expected}'");

                if (Environment.GetEnvironmentVariable("LASTCLICK_SCREENSHOTS") is { Length: > 0 } folder && language is "en" or "fr")
                {
                    Directory.CreateDirectory(folder);
                    var name = $"{(phone ? "phone-" : "")}{role}{path.Replace('/', '-')}-{language}.png";
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = !phone });
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task H2_the_switcher_keeps_the_accounts_choice_over_the_browsers_language()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, UserAgent = Browser, Locale = "en-GB" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var (_, email, password) = _demo.Accounts.Single(a => a.Role == AccountRoles.Publisher);
        await BrowserTests.SignIn(page, email, password);
        await page.GotoAsync("/p/balance");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));

        // Picking a language changes the page at once and comes back to it.
        await page.SelectOptionAsync("header select[name=language]", "ru");
        await page.WaitForFunctionAsync("() => document.documentElement.lang === 'ru'");
        Assert.EndsWith("/p/balance", page.Url, StringComparison.Ordinal);
        Assert.Equal(Text.GetString("Balance", CultureInfo.GetCultureInfo("ru")), (await page.InnerTextAsync("h1")).Trim());
        Assert.Equal("ru", _host.Platform.Accounts.FindByEmail(email)!.Language);

        // The account's choice wins over another browser's language, in a new session too.
        await using var other = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, UserAgent = Browser, Locale = "fr-FR" });
        var second = await other.NewPageAsync();
        await second.GotoAsync("/signin");
        Assert.Equal("fr", await second.GetAttributeAsync("html", "lang"));
        await second.FillAsync("input[name=email]", email);
        await second.FillAsync("input[name=password]", password);
        await second.ClickAsync("form.stack button[type=submit]");
        await Chromium.Reached(second, Chromium.LeftSignIn);
        Assert.Equal("ru", await second.GetAttributeAsync("html", "lang"));
        // Money in Russian: a decimal comma.
        await second.GotoAsync("/p/balance");
        Assert.Matches(@"\d,\d\d [A-Z]{3}", await second.InnerTextAsync("#balances"));
        // A count agrees with its noun: the demo's four sub ids are "4 строки", never "4 строк".
        await second.GotoAsync("/p/reports?dimension=sub1");
        var rows = await second.Locator("#report tbody tr").CountAsync();
        Assert.InRange(rows, 2, 4);
        var russian = CultureInfo.GetCultureInfo("ru");
        Assert.Contains(LastClick.Web.Plural.Format("ru", russian, Text.GetString("{0} rows", russian)!, [rows]), await second.InnerTextAsync("body"), StringComparison.Ordinal);
        Assert.Contains(rows == 1 ? "строка" : "строки", await second.InnerTextAsync("body"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bcode\.[a-z_]+")]
    private static partial Regex RawKey();

    /// <summary>A text's place left as it was written: {0}, or a plural argument shown whole.</summary>
    [GeneratedRegex(@"\{\d+(\}|, ?plural)")]
    private static partial Regex Unfilled();

    [GeneratedRegex(@"\S+://\S+|\S+@\S+")]
    private static partial Regex Address();

    [GeneratedRegex(@"\b[a-z]+_[a-z_]+\b")]
    private static partial Regex Snake();
}
