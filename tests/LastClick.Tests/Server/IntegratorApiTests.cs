using System.Globalization;
using System.Net;
using System.Text.Json;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Server;
using LastClick.Tests.Support;
using LastClick.Tracking;

namespace LastClick.Tests.Server;

/// <summary>What integrators expect of an affiliate API (issue 16): Admitad's, AliExpress Open Platform's and Everflow's habits.</summary>
public sealed class IntegratorApiTests
{
    [Fact]
    public async Task I1_commissions_carry_sub_ids_and_the_clicks_facts_and_a_reconciliation_pull_returns_what_changed()
    {
        await using var host = await WebHost.StartAsync();
        var p = host.Platform;
        var demo = Demo.Seed(p, host.Passwords);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var publisher = new ApiClient(http, demo.PublisherKey);
        var marketplace = new ApiClient(http, demo.MarketplaceKey);

        var (status, list) = await publisher.GetAsync("/api/v1/commissions?limit=100");
        Assert.Equal(200, status);
        var withClick = list.EnumerateArray().First(c => c.GetProperty("click").ValueKind == JsonValueKind.String);
        foreach (var field in (string[])["at", "updatedAt", "clickAt", "link", "sub1", "country", "device"])
        {
            Assert.True(withClick.GetProperty(field).ValueKind == JsonValueKind.String, $"{field}: {withClick}");
        }
        Assert.Equal(demo.Links.Single(l => l.Code == withClick.GetProperty("link").GetString()).Sub1, withClick.GetProperty("sub1").GetString());

        // "What changed since my last pull": nothing after now; an event moves one order into the window.
        var mark = p.Clock.GetUtcNow();
        string Since(DateTimeOffset t) => Uri.EscapeDataString(Times.Format(t));
        Assert.Empty((await publisher.GetAsync($"/api/v1/commissions?status_updated_start={Since(mark.AddSeconds(1))}")).Json.EnumerateArray());
        var order = withClick.GetProperty("id").GetString()!;
        await Task.Delay(1100);
        var (eventStatus, _) = await marketplace.PostAsync("/api/v1/marketplace/events",
            $$"""{"id":"recon-1","order":"{{order}}","type":"cancelled","at":"{{Times.Format(p.Clock.GetUtcNow())}}"}""");
        Assert.Equal(200, eventStatus);
        var changed = (await publisher.GetAsync($"/api/v1/commissions?status_updated_start={Since(mark.AddSeconds(1))}")).Json;
        Assert.Equal([order], changed.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("declined", changed[0].GetProperty("status").GetString());
        Assert.Equal(400, (await publisher.GetAsync("/api/v1/commissions?status_updated_start=yesterday")).Status);

        // Every list pages: the balance history too.
        var all = (await publisher.GetAsync("/api/v1/balance/history?limit=1000")).Json.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList();
        Assert.True(all.Count > 3);
        var page = (await publisher.GetAsync("/api/v1/balance/history?limit=2&offset=1")).Json.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(all.Skip(1).Take(2), page);
        Assert.Equal(400, (await publisher.GetAsync("/api/v1/balance/history?limit=0")).Status);
    }

    [Fact]
    public async Task I1_an_order_that_pays_nothing_says_why_at_its_own_level()
    {
        await using var host = await WebHost.StartAsync();
        var p = host.Platform;
        var now = p.Clock.GetUtcNow();
        p.Publishers.Upsert(new LastClick.Publishers.Publisher("anna", "content", null, true));
        p.Tracking.RecordClick(new Click("c-r", "aliexpress-ww", "anna", "v-r", now.AddHours(-1), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null, "anna-link", "s"));
        var view = p.Orders.Ingest(new Order("o-r", now.AddMinutes(-5), Currency.Of("USD"), "DE",
            [new OrderLine("l1", "1", "Mobile phone accessories", null, 10m, 1, false, null, false, null, "CN"),
             new OrderLine("l2", "2", "Mobile phone accessories", null, 20m, 1, false, null, false, null, "CN")], "v-r"), "aliexpress-ww");
        Assert.Equal("0.00", view.Commission);
        Assert.NotNull(view.Lines[0].Reason);
        Assert.Equal(view.Lines[0].Reason, view.Reason);
        Assert.Equal("anna", view.Publisher);
    }

    [Fact]
    public async Task I1_an_unknown_link_shows_browsers_a_page_or_the_configured_fallback_and_api_clients_a_problem()
    {
        await using var plain = await WebHost.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(plain.BaseUrl) };
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/go/nope");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var page = await http.SendAsync(browser);
        Assert.Equal((HttpStatusCode.NotFound, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
        Assert.Contains("This link is not active", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var api = await http.GetAsync("/go/nope");
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (api.StatusCode, api.Content.Headers.ContentType?.MediaType));

        await using var withFallback = await WebHost.StartAsync("--UnknownLinkUrl", "https://www.aliexpress.com/");
        using var http2 = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(withFallback.BaseUrl) };
        using var browser2 = new HttpRequestMessage(HttpMethod.Get, "/go/nope");
        browser2.Headers.Accept.ParseAdd("text/html");
        using var sent = await http2.SendAsync(browser2);
        Assert.Equal((HttpStatusCode.Redirect, "https://www.aliexpress.com/"), (sent.StatusCode, sent.Headers.Location?.OriginalString));
        Assert.Equal(0, withFallback.Platform.Store.Read(s => s.Scalar<long>("SELECT count(*) FROM clicks")));
    }

    [Fact]
    public async Task I1_a_key_over_its_rate_gets_429_with_retry_after_and_the_marketplace_is_not_limited()
    {
        await using var host = await WebHost.StartAsync("--RateLimits:Publisher", "2");
        var demo = Demo.Seed(host.Platform, host.Passwords);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var publisher = new ApiClient(http, demo.PublisherKey);
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 12; i++)
        {
            var response = await publisher.SendAsync(HttpMethod.Get, "/api/v1/balance");
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
            else response.Dispose();
        }
        Assert.Contains(200, statuses);
        Assert.NotNull(limited);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) >= 1);
        var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://lastclick.dev/problems/rate_limited", problem.GetProperty("type").GetString());
        limited.Dispose();

        var marketplace = new ApiClient(http, demo.MarketplaceKey);
        for (var i = 0; i < 12; i++)
        {
            Assert.NotEqual(429, (await marketplace.PostAsync("/api/v1/marketplace/touches", $$"""{"id":"t{{i}}","visitor":"v","at":"{{Times.Format(host.Platform.Clock.GetUtcNow())}}"}""")).Status);
        }
    }
}
