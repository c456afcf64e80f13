using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LastClick.Access;
using AccessRoles = LastClick.Access.AccountRoles;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Notifications;
using LastClick.Publishers;
using LastClick.Tests.Support;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Notifications;

/// <summary>I2 over HTTP: postbacks delivered from the outbox to a real receiver on loopback, signed, retried, logged; SSRF refused.</summary>
public sealed class PostbackTests
{
    private sealed record Received(string Method, string Target, string Body, string? Signature);

    /// <summary>A tracker on loopback: records every request; the first <c>failures</c> answers are 500; /redirect sends elsewhere.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<Received> Requests { get; } = new();
        public int Failures;
        public string? RedirectTo;

        private Receiver(WebApplication app) => _app = app;

        public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                receiver.Requests.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString, body,
                    context.Request.Headers[Postbacks.SignatureHeader].FirstOrDefault()));
                if (context.Request.Path == "/redirect" && receiver.RedirectTo is { } to)
                {
                    context.Response.Redirect(to);
                    return;
                }
                if (Interlocked.Decrement(ref receiver.Failures) >= 0)
                {
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("tracker is down");
                    return;
                }
                await context.Response.WriteAsync("OK");
            });
            await app.StartAsync();
            return receiver;
        }

        public async Task<List<Received>> WaitForAsync(int count)
        {
            for (var i = 0; i < 200 && Requests.Count < count; i++) await Task.Delay(50);
            return [.. Requests];
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task I2_a_postback_is_signed_filled_with_its_macros_retried_after_a_failure_logged_and_redelivered_with_the_same_event_id()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Failures = 1;
        await using var host = await WebHost.StartAsync("--Outbound:AllowNetworks", "127.0.0.0/8", "--Postbacks:RetrySeconds", "1");
        var platform = host.Platform;
        platform.Publishers.Upsert(new Publisher("p1", "content", null));
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var p1 = new ApiClient(http, platform.Keys.Create(KeyRole.Publisher, "p1"));

        var (saved, setting) = await p1.PutAsync("/api/v1/postbacks", $$"""
            { "url": "{{receiver.BaseUrl}}/pb?cid={click_id}&oid={order_id}&status={status}&c={commission}&cur={currency}&eid={event_id}&s1={sub1}&x={unknown}",
              "events": ["created", "declined"] }
            """);
        Assert.Equal(200, saved);
        var secret = setting.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var now = platform.Clock.GetUtcNow();
        platform.Tracking.RecordClick(new Click("click-1", "aliexpress-ww", "p1", "v1", now.AddMinutes(-5), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null, null, "sub one"));
        platform.Orders.Ingest(new Order("o-1", now.AddMinutes(-1), Currency.Of("USD"), "DE",
            [new OrderLine("l1", "1", "Mobile phone accessories", null, 100m, 1, true, null, false, null, "CN")], "v1"), "aliexpress-ww");

        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(2, requests.Count); // a 500, then the retry
        Assert.Equal(requests[0].Target, requests[1].Target);
        var target = requests[1].Target;
        Assert.Contains("cid=click-1&oid=o-1&status=pending&c=", target, StringComparison.Ordinal);
        Assert.Contains("&cur=USD&eid=", target, StringComparison.Ordinal);
        Assert.Contains("&s1=sub%20one&x={unknown}", Uri.UnescapeDataString(target).Replace("sub one", "sub%20one", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(Postbacks.Verify(requests[1].Signature!, target, [secret], DateTimeOffset.UtcNow));
        Assert.False(Postbacks.Verify(requests[1].Signature!, target, ["whsec_wrong"], DateTimeOffset.UtcNow));
        Assert.False(Postbacks.Verify(requests[1].Signature!, target + "&tampered=1", [secret], DateTimeOffset.UtcNow));
        Assert.False(Postbacks.Verify(requests[1].Signature!, target, [secret], DateTimeOffset.UtcNow.AddSeconds(301)));

        // The receiver has the retry before the worker has its answer and writes it down: wait for that (10 s at most).
        var log = (await p1.GetAsync("/api/v1/postbacks/deliveries")).Json.GetProperty("deliveries")[0];
        for (var tries = 0; log.GetProperty("status").GetString() != "delivered" && tries < 200; tries++)
        {
            await Task.Delay(50);
            log = (await p1.GetAsync("/api/v1/postbacks/deliveries")).Json.GetProperty("deliveries")[0];
        }
        Assert.Equal(("delivered", "created", "o-1"), (log.GetProperty("status").GetString(), log.GetProperty("event").GetString(), log.GetProperty("orderId").GetString()));
        var attempts = log.GetProperty("log").EnumerateArray().Select(a => (a.GetProperty("httpStatus").GetInt32(), a.GetProperty("excerpt").GetString())).ToList();
        Assert.Equal([(500, "tracker is down"), (200, "OK")], attempts);

        // Redelivered by hand: the same event id again.
        var id = log.GetProperty("id").GetInt64();
        Assert.Equal(202, (await p1.PostAsync($"/api/v1/postbacks/deliveries/{id}/redeliver")).Status);
        requests = await receiver.WaitForAsync(3);
        Assert.Equal(target, requests[2].Target[..target.Length]);
        platform.Publishers.Upsert(new Publisher("p2", "content", null));
        Assert.Equal(404, (await new ApiClient(http, platform.Keys.Create(KeyRole.Publisher, "p2")).PostAsync($"/api/v1/postbacks/deliveries/{id}/redeliver")).Status);

        // POST: a JSON body, signed over the body; a rotated secret keeps the previous one valid.
        Assert.Equal(200, (await p1.PutAsync("/api/v1/postbacks", $$"""{ "url": "{{receiver.BaseUrl}}/json", "method": "POST" }""")).Status);
        var rotated = (await p1.PostAsync("/api/v1/postbacks/secret/rotate")).Json;
        Assert.Equal(secret, rotated.GetProperty("previousSecret").GetString());
        Assert.Equal(202, (await p1.PostAsync("/api/v1/postbacks/test")).Status);
        requests = await receiver.WaitForAsync(4);
        var posted = requests[3];
        Assert.Equal(("POST", "/json"), (posted.Method, posted.Target));
        Assert.Equal("test-click", JsonDocument.Parse(posted.Body).RootElement.GetProperty("click_id").GetString());
        Assert.True(Postbacks.Verify(posted.Signature!, posted.Body, [rotated.GetProperty("secret").GetString()!, secret], DateTimeOffset.UtcNow));

        // A redirect to an address outbound requests may not reach is not followed.
        receiver.RedirectTo = "http://10.0.0.1/steal";
        Assert.Equal(200, (await p1.PutAsync("/api/v1/postbacks", $$"""{ "url": "{{receiver.BaseUrl}}/redirect" }""")).Status);
        Assert.Equal(202, (await p1.PostAsync("/api/v1/postbacks/test")).Status);
        for (var i = 0; i < 100; i++)
        {
            var latest = (await p1.GetAsync("/api/v1/postbacks/deliveries")).Json.GetProperty("deliveries")[0].GetProperty("log");
            if (latest.GetArrayLength() > 0)
            {
                Assert.StartsWith("refused", latest[0].GetProperty("error").GetString(), StringComparison.Ordinal);
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("the redirected test postback was never attempted");
    }

    [Fact]
    public async Task I2_the_operators_webhooks_post_signed_news_of_applications_claims_and_attributed_orders()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var host = await WebHost.StartAsync("--Outbound:AllowNetworks", "127.0.0.0/8");
        var platform = host.Platform;
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var op = new ApiClient(http, platform.Keys.Create(KeyRole.Operator));
        Assert.Equal((400, "method"), await op.PutAsync("/api/v1/operator/webhooks", $$"""{ "url": "{{receiver.BaseUrl}}/hook", "method": "GET" }""") is var m
            ? (m.Status, m.Json.GetProperty("field").GetString()) : default);
        Assert.Equal((400, "events"), await op.PutAsync("/api/v1/operator/webhooks", $$"""{ "url": "{{receiver.BaseUrl}}/hook", "events": ["paid"] }""") is var e
            ? (e.Status, e.Json.GetProperty("field").GetString()) : default);
        var (saved, setting) = await op.PutAsync("/api/v1/operator/webhooks", $$"""{ "url": "{{receiver.BaseUrl}}/hook", "events": ["publisher_applied", "order_attributed"] }""");
        Assert.Equal(200, saved);
        var secret = setting.GetProperty("secret").GetString()!;

        var id = platform.Applications.Apply(new PublisherProfile("Ann", "ann@hooks.example", "DE", [new Channel("site", "https://ann.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], "hash", platform.Accounts);
        var now = platform.Clock.GetUtcNow();
        platform.Publishers.Upsert(new Publisher("p1", "content", null));
        platform.Tracking.RecordClick(new Click("click-1", "aliexpress-ww", "p1", "v1", now.AddMinutes(-5), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null));
        platform.Orders.Ingest(new Order("o-1", now.AddMinutes(-1), Currency.Of("USD"), "DE",
            [new OrderLine("l1", "1", "Mobile phone accessories", null, 100m, 1, true, null, false, null, "CN")], "v1"), "aliexpress-ww");

        var requests = await receiver.WaitForAsync(2);
        Assert.Equal(2, requests.Count);
        // Sent concurrently: in any order.
        var events = requests.Select(r => JsonDocument.Parse(r.Body).RootElement).OrderByDescending(x => x.GetProperty("event").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(["publisher_applied", "order_attributed"], events.Select(x => x.GetProperty("event").GetString()));
        Assert.Equal((id, "pending"), (events[0].GetProperty("data").GetProperty("publisher").GetString(), events[0].GetProperty("data").GetProperty("status").GetString()));
        Assert.Equal("o-1", events[1].GetProperty("data").GetProperty("orderId").GetString());
        Assert.All(requests, r => Assert.True(Postbacks.Verify(r.Signature!, r.Body, [secret], DateTimeOffset.UtcNow)));
        Assert.Equal(2, (await op.GetAsync("/api/v1/operator/webhooks/deliveries")).Json.GetProperty("deliveries").GetArrayLength());
    }

    [Fact]
    public async Task I2_on_the_dashboard_admins_set_webhooks_and_moderators_only_read_the_log()
    {
        await using var host = await WebHost.StartAsync("--Outbound:AllowNetworks", "127.0.0.0/8");
        host.Operator(AccessRoles.Moderator, "mod@hooks.example", "the moderator's password");
        host.Operator(AccessRoles.Admin, "admin@hooks.example", "the admin's password");
        var form = new KeyValuePair<string, string>[] { new("url", "http://127.0.0.1:9/hook"), new("events", "claim_filed") };

        using var moderator = host.NewSession();
        await moderator.SignInAsync("mod@hooks.example", "the moderator's password");
        var page = await (await moderator.GetAsync("/o/webhooks")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("whsec_", page, StringComparison.Ordinal);
        // Refused (the dashboard's access-denied answer): nothing saved.
        using (var refused = await moderator.PostFormAsync("/o/webhooks?handler=save", form)) Assert.DoesNotContain("/o/webhooks", refused.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Empty(host.Platform.Postbacks.Settings(PostbackService.Operator));

        using var admin = host.NewSession();
        await admin.SignInAsync("admin@hooks.example", "the admin's password");
        using (var saved = await admin.PostFormAsync("/o/webhooks?handler=save", form)) Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var webhook = host.Platform.Postbacks.Settings(PostbackService.Operator).Single();
        Assert.Equal("POST", webhook.Method);
        Assert.Equal(["claim_filed"], webhook.Events);
        Assert.Contains("whsec_", await (await admin.GetAsync("/o/webhooks")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1/pb")]
    [InlineData("https://127.0.0.1/pb")]
    [InlineData("https://[::1]/pb")]
    [InlineData("https://[::ffff:127.0.0.1]/pb")]
    [InlineData("https://10.0.0.1/pb")]
    [InlineData("https://192.168.1.10/pb")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://100.64.0.1/pb")]
    [InlineData("https://localhost/pb")]
    [InlineData("http://8.8.8.8/pb")]
    [InlineData("ftp://8.8.8.8/pb")]
    [InlineData("https://user:pass@8.8.8.8/pb")]
    [InlineData("not a url")]
    public async Task I2_a_postback_url_that_could_reach_inside_is_refused_naming_url_and_nothing_is_saved(string url)
    {
        await using var host = await WebHost.StartAsync();
        host.Platform.Publishers.Upsert(new Publisher("p1", "content", null));
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var p1 = new ApiClient(http, host.Platform.Keys.Create(KeyRole.Publisher, "p1"));

        var (status, problem) = await p1.PutAsync("/api/v1/postbacks", JsonSerializer.Serialize(new { url }));

        Assert.Equal((400, "url"), (status, problem.GetProperty("field").GetString()));
        Assert.Equal(0, (await p1.GetAsync("/api/v1/postbacks")).Json.GetProperty("postbacks").GetArrayLength());
    }
}
