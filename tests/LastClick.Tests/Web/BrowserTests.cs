using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastClick.Access;
using LastClick.Tests.Support;
using Microsoft.Playwright;

namespace LastClick.Tests.Web;

/// <summary>The dashboard in real Chromium: a publisher's whole first day, from the application to the first commission.</summary>
[Collection(ChromiumTests.Name)]
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed class BrowserTests(Chromium chromium) : IAsyncLifetime
#pragma warning restore CA1001
{
    private WebHost _host = null!;

    public async Task InitializeAsync() => _host = await WebHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // Headless Chromium says "HeadlessChrome" in its user agent, which the click classifier rightly counts as a bot.
    // People use the dashboard and follow links with an ordinary browser: that is what the pages present.
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    private async Task<IPage> NewPage()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseUrl, UserAgent = Browser });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    internal static async Task SignIn(IPage page, string email, string password)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("form.stack button[type=submit]");
        await Chromium.Reached(page, Chromium.LeftSignIn);
    }

    [Fact]
    public async Task E1_E3_F1_F2_apply_moderate_sign_in_build_a_link_follow_it_and_see_the_click_and_the_commission()
    {
        const string password = "a long enough password";
        _host.Operator(AccountRoles.Moderator, "mod@program.example", "moderator's password");

        // Apply (E1): the public form.
        var applicant = await NewPage();
        await applicant.GotoAsync("/apply");
        await applicant.CheckAsync("input[name='Form.Programs'][value='aliexpress-ww']");
        await applicant.FillAsync("input[name='Form.ContactName']", "Lena Fischer");
        await applicant.FillAsync("input[name='Form.Country']", "DE");
        await applicant.FillAsync("input[name='Form.Email']", "lena@gadgets.example");
        await applicant.FillAsync("input[name='Form.Password']", password);
        await applicant.Locator("input[name='Form.ChannelUrls']").First.FillAsync("https://gadgets.example/reviews");
        await applicant.FillAsync("input[name='Form.Niche']", "phone accessories reviews");
        await applicant.SelectOptionAsync("select[name='Form.MainTrafficSource']", "content");
        await applicant.FillAsync("input[name='Form.TargetGeos']", "DE, AT");
        await applicant.ClickAsync("#apply button[type=submit]");
        await Chromium.Reached(applicant, new Regex(@"/signin\?applied="));

        // Signed in while waiting: the application is pending, and no link can be made yet.
        await SignIn(applicant, "lena@gadgets.example", password);
        Assert.EndsWith("/p", applicant.Url, StringComparison.Ordinal);
        Assert.Contains("Pending", await applicant.Locator("[data-application='aliexpress-ww']").InnerTextAsync(), StringComparison.Ordinal);

        // Moderate (E3): a moderator approves it from the queue.
        var moderator = await NewPage();
        await SignIn(moderator, "mod@program.example", "moderator's password");
        await moderator.GotoAsync("/o/moderation");
        var card = moderator.Locator("[data-application$='/aliexpress-ww']").Filter(new LocatorFilterOptions { HasText = "Lena Fischer" });
        await card.Locator("textarea[name=message]").FillAsync("Welcome aboard: your review site fits the program.");
        await card.Locator("button[value=approve]").ClickAsync();
        await moderator.WaitForSelectorAsync(".flash");
        Assert.Contains("Approved", await moderator.Locator(".flash").InnerTextAsync(), StringComparison.Ordinal);

        // Build a link (F1) with the link builder, then follow it (F2).
        await applicant.GotoAsync("/p/links");
        // A page of another program's marketplace is refused, naming the field (swapped in by htmx, nothing made).
        await applicant.SelectOptionAsync("#program", "aliexpress-ww");
        await applicant.FillAsync("#destination", "https://evil.example/item/1005001.html");
        await applicant.ClickAsync("#create-link");
        await applicant.WaitForSelectorAsync(".problem[data-field=destination]");
        Assert.Equal(0, await applicant.Locator("#links tbody tr[data-code]").CountAsync());
        await applicant.FillAsync("#destination", "https://www.aliexpress.com/item/1005001.html");
        await applicant.FillAsync("#sub1", "homepage-banner");
        await applicant.ClickAsync("#create-link");
        await applicant.WaitForSelectorAsync("#tracking-url");
        var trackingUrl = await applicant.InputValueAsync("#tracking-url");
        Assert.StartsWith($"{_host.BaseUrl}/go/", trackingUrl, StringComparison.Ordinal);
        Assert.True(await applicant.EvaluateAsync<bool>("() => document.querySelector('canvas.qr').width > 100"), "the QR code is drawn");

        // The visitor's browser follows the link; the marketplace itself is not reachable from this machine (no way out),
        // so the navigation ends at the 302, which is what is checked.
        var visitor = await NewPage();
        var answers = new List<IResponse>();
        visitor.Response += (_, r) => answers.Add(r);
        var navigation = await Record.ExceptionAsync(() => visitor.GotoAsync(trackingUrl));
        Assert.True(navigation is null or PlaywrightException, $"{navigation}");
        var redirect = answers.Single(r => r.Url == trackingUrl);
        Assert.Equal(302, redirect.Status);
        var location = new Uri((await redirect.HeaderValueAsync("location"))!);
        Assert.Equal("https://www.aliexpress.com/item/1005001.html", location.GetLeftPart(UriPartial.Path));
        var clickId = System.Web.HttpUtility.ParseQueryString(location.Query)["lc_click"];
        Assert.False(string.IsNullOrEmpty(clickId));
        var visitorId = (await visitor.Context.CookiesAsync([_host.BaseUrl])).Single(c => c.Name == "lc_vid").Value;

        // The click is on the overview.
        await applicant.GotoAsync("/p");
        Assert.Equal("1", await applicant.InnerTextAsync("#total-clicks"));
        await applicant.WaitForFunctionAsync("() => document.getElementById('traffic-chart').chart !== undefined");
        Assert.Equal(1, await applicant.EvaluateAsync<int>("() => document.getElementById('traffic-chart').chart.data.datasets[0].data.reduce((a, b) => a + b, 0)"));
        // The days under the chart as the page's language writes them (not 2026-11-05).
        Assert.DoesNotMatch(@"^\d{4}-\d{2}-\d{2}$", await applicant.EvaluateAsync<string>("() => document.getElementById('traffic-chart').chart.data.labels[0]"));

        // The marketplace reports the order (I1); the commission shows on the chart and in the list.
        var marketplaceKey = _host.Platform.Keys.Create(KeyRole.Marketplace);
        using var api = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", marketplaceKey);
        var order = JsonSerializer.Serialize(new
        {
            id = "order-lena-1", visitor = visitorId, at = DateTimeOffset.UtcNow.ToString("O"), currency = "USD", deliveryCountry = "DE",
            lines = new[] { new { id = "l1", productId = "1005001", category = "Mobile phone accessories", price = "100.00", quantity = 1 } },
        });
        using var created = await api.PostAsync("/api/v1/marketplace/orders", new StringContent(order, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await applicant.GotoAsync("/p");
        await applicant.WaitForFunctionAsync("() => document.getElementById('commission-chart').chart !== undefined");
        var pending = await applicant.EvaluateAsync<decimal>(
            "() => document.getElementById('commission-chart').chart.data.datasets.find(d => d.label === 'Pending').data.reduce((a, b) => a + b, 0)");
        Assert.Equal(5.60m, pending);
        Assert.Equal("1", await applicant.InnerTextAsync("#total-orders"));

        await applicant.GotoAsync("/p/commissions");
        var row = applicant.Locator("tr[data-order='order-lena-1']");
        Assert.Contains("5.60 USD", await row.Locator("td.commission").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("homepage-banner", await row.InnerTextAsync(), StringComparison.Ordinal);
        await row.Locator("a").First.ClickAsync();
        await applicant.WaitForSelectorAsync("#order-lines");
        Assert.Contains("Category rate", await applicant.InnerTextAsync("#order-lines"), StringComparison.Ordinal);
    }
}
