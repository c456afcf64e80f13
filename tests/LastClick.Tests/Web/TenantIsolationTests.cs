using Dapper;
using System.Net;
using System.Net.Http.Headers;
using LastClick.Access;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Publishers;
using LastClick.Tests.Support;
using LastClick.Tracking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Web;

/// <summary>
/// Tenant isolation, generated from the app itself: every publisher-facing page handler and API route that takes the id
/// of a publisher's own thing (a link, an order, a key) is called by another publisher with the first one's ids and must
/// answer 404 and change nothing, while the owner gets an answer. Pages and routes without ids must not show the other
/// publisher's ids. A new parameter fails the test until it is classified here.
/// </summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private WebHost _host = null!;
    private Tenant _a = null!;
    private Tenant _b = null!;

    private sealed record Tenant(string Publisher, string Email, string Key, string Prefix, string LinkCode, string OrderId, string FeedCode, WebHost.Session Session,
        string FindingId, string RunId, string DeliveryId, string ThreadId, string AttachmentId);

    // Parameters naming something a publisher owns, and how to fill them with a tenant's own id.
    private static readonly Dictionary<string, Func<Tenant, string>> TenantIds = new(StringComparer.Ordinal)
    {
        ["code"] = t => t.LinkCode,
        ["orderId"] = t => t.OrderId,
        ["prefix"] = t => t.Prefix,
        ["feed"] = t => t.FeedCode,
        // A confirmed fraud finding (its publisher reads and answers it).
        ["id"] = t => t.FindingId,
        ["finding"] = t => t.FindingId,
        // A payout run with a line of the publisher's (its statement).
        ["run"] = t => t.RunId,
        // A postback delivery of the publisher's (redelivered).
        ["delivery"] = t => t.DeliveryId,
        // A file sent in one of the publisher's support threads (the thread itself is "id" under /support/).
        ["attachment"] = t => t.AttachmentId,
        // What a new support request is about: one of the publisher's links.
        ["aboutId"] = t => t.LinkCode,
    };

    // Parameters that are not anyone's: filters, paging, form fields. Sample values that are valid.
    private static readonly Dictionary<string, string> Neutral = new(StringComparer.Ordinal)
    {
        ["status"] = "pending", ["program"] = "aliexpress-ww", ["currency"] = "USD", ["offset"] = "0", ["label"] = "x",
        ["destination"] = "https://www.aliexpress.com/item/2.html", ["name"] = "Renamed", ["sub1"] = "s1", ["sub2"] = "", ["sub3"] = "", ["sub4"] = "", ["sub5"] = "",
        // A report by link would list the owner's link codes if it leaked them.
        ["dimension"] = "link",
        ["market"] = "DE",
        ["note"] = "an answer",
        ["format"] = "csv",
        ["from"] = "2000-01-01", ["to"] = "2099-12-31",
        ["url"] = "http://127.0.0.1:9/pb", ["method"] = "GET", ["events"] = "created",
        ["topic"] = "other", ["subject"] = "A question", ["body"] = "an answer", ["aboutKind"] = "link",
    };

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        _a = await Tenant_("anna@a.example", "a", runAgo: 2);
        _b = await Tenant_("boris@b.example", "b", runAgo: 1);
    }

    private async Task<Tenant> Tenant_(string email, string tag, int runAgo)
    {
        var p = _host.Platform;
        const string password = "a long enough password";
        var id = p.Applications.Apply(new PublisherProfile(tag, email, "DE", [new Channel("site", $"https://{tag}.example/")], "n", "content", ["content"], ["DE"]),
            null, ["aliexpress-ww"], _host.Passwords.Hash(password), p.Accounts);
        p.Applications.Decide(id, "aliexpress-ww", true, null, null, "mod");
        var link = p.Links.Create(id, "aliexpress-ww", "https://www.aliexpress.com/item/1.html", $"sub-{tag}");
        var now = p.Clock.GetUtcNow();
        p.Tracking.RecordClick(new Click($"click-{tag}", "aliexpress-ww", id, $"visitor-{tag}", now.AddMinutes(-5), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null, link.Code, $"sub-{tag}"));
        p.Orders.Ingest(new Order($"order-{tag}", now.AddMinutes(-1), Currency.Of("USD"), "DE",
            [new OrderLine("l1", "1", "Mobile phone accessories", null, 100m, 1, true, null, false, null, "CN")], $"visitor-{tag}"), "aliexpress-ww");
        var key = p.Keys.Create(KeyRole.Publisher, id, $"key-{tag}");
        var feed = p.Feeds.Create(id, new LastClick.Products.FeedRequest("aliexpress-ww", "DE", "en", LastClick.Products.FeedFormat.Json, new LastClick.Products.FeedFilter(), $"sub-{tag}"));
        var session = _host.NewSession();
        await session.SignInAsync(email, password);
        long finding;
        using (var c = p.Store.Open())
        {
            finding = c.Query<long>("""
                INSERT INTO fraud_findings (rule, program_id, publisher_id, sub1, day, score, summary, evidence, status, found_at)
                VALUES ('ctit_fast', 'aliexpress-ww', @id, @sub1, '2026-01-01', 90, @summary, @evidence, 'confirmed', 0)
                RETURNING id
                """, new { id, sub1 = $"sub-{tag}", summary = $"orders of order-{tag}", evidence = $$"""{"figures":{},"orders":["order-{{tag}}"],"clicks":["click-{{tag}}"]}""" }).Single();
        }
        // A payout run paying only this publisher (a bonus, exported before the other's).
        p.Payouts.SetDetails(id, LastClick.Payouts.PayoutDetailsRules.ReplayWire(id), "test");
        p.Payouts.Adjust("aliexpress-ww", id, "USD", 20m, "bonus", null, null, "test");
        var run = p.Payouts.Plan("aliexpress-ww", now.AddMinutes(-runAgo), "test").Id;
        p.Payouts.Approve(run, "test");
        p.Payouts.Export(run, "test");
        // A postback delivery that gave up (its setting is gone, so redelivering it sends nothing anywhere).
        long delivery;
        using (var c = p.Store.Open())
        {
            var message = c.Query<long>("SELECT MAX(id) FROM outbox_messages WHERE publisher_id = @id", new { id }).Single();
            delivery = c.Query<long>("""
                INSERT INTO postback_jobs (message_id, publisher_id, program_id, status, attempts, next_at, created_at)
                VALUES (@message, @id, '', 'dead', 1, 0, 0) RETURNING id
                """, new { message, id }).Single();
        }
        // A support request about its link, with a screenshot.
        var thread = p.Support.Open(id, new LastClick.Support.SupportRequest("tracking", $"Clicks of {link.Code}", "Where are my clicks?", "aliexpress-ww",
            new LastClick.Support.SupportAbout("link", link.Code), [new LastClick.Support.AttachmentUpload("clicks.txt", "text/plain", "click log"u8.ToArray())]), email);
        var attachment = p.Support.Read(thread.Id, "publisher", id)!.Messages[0].Attachments[0].Id;
        return new Tenant(id, email, key, key[3..15], link.Code, $"order-{tag}", feed.Code, session, $"{finding}", run, $"{delivery}", $"{thread.Id}", $"{attachment}");
    }

    public async Task DisposeAsync()
    {
        _a.Session.Dispose();
        _b.Session.Dispose();
        await _host.DisposeAsync();
    }

    private sealed record Call(string Name, HttpMethod Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Fields, bool Page, bool Addressed);

    /// <summary>Every publisher page handler (from the compiled pages and their models) and publisher API route, filled with <paramref name="owner"/>'s ids.</summary>
    private List<Call> Calls(Tenant owner)
    {
        var calls = new List<Call>();
        foreach (var page in DashboardPages.All().Where(p => DashboardPages.IsPublisherRoute(p.Route)))
        {
            var route = page.Route;
            Assert.True(page.Model is not null, $"{route} has no page model");
            var routeParams = page.Parameters;
            var path = DashboardPages.Fill(route, name => Fill(name, owner, route));
            foreach (var (handler, method, name) in page.Handlers())
            {
                var fields = handler.GetParameters().Where(p => !routeParams.Contains(p.Name!))
                    .Select(p => new KeyValuePair<string, string>(p.Name!, Fill(p.Name!, owner, $"{route} {handler.Name}"))).ToList();
                var addressed = routeParams.Concat(fields.Select(f => f.Key)).Any(TenantIds.ContainsKey);
                var query = name.Length > 0 ? $"?handler={name}" : "";
                if (method == HttpMethod.Get && fields.Count > 0) query += (query.Length == 0 ? "?" : "&") + string.Join("&", fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"));
                calls.Add(new Call($"{route} {handler.Name}", method, path + query, method == HttpMethod.Post ? fields : [], Page: true, addressed));
            }
        }
        var endpoints = _host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/api/v1/", StringComparison.Ordinal) || pattern.StartsWith("/api/v1/marketplace", StringComparison.Ordinal)
                || pattern.StartsWith("/api/v1/operator", StringComparison.Ordinal)) continue;
            var path = DashboardPages.Fill(pattern, name => Fill(name, owner, pattern));
            foreach (var verb in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                calls.Add(new Call($"{verb} {pattern}", new HttpMethod(verb), path, [], Page: false, endpoint.RoutePattern.Parameters.Any(p => TenantIds.ContainsKey(p.Name))));
            }
        }
        return calls;
    }

    private static string Fill(string parameter, Tenant owner, string where) =>
        parameter == "id" && where.Contains("/support/", StringComparison.Ordinal) ? owner.ThreadId
        : TenantIds.TryGetValue(parameter, out var id) ? id(owner)
        // Quality has no report by link: by store would show another publisher's store names if it leaked them.
        : parameter == "dimension" && where.Contains("/quality/", StringComparison.Ordinal) ? "store"
        : Neutral.TryGetValue(parameter, out var value) ? value
        : throw new Xunit.Sdk.XunitException($"{where}: parameter '{parameter}' is not classified as a tenant id or a neutral value in {nameof(TenantIsolationTests)}");

    private static async Task<HttpResponseMessage> Send(Tenant caller, Call call)
    {
        if (!call.Page)
        {
            using var request = new HttpRequestMessage(call.Method, call.Path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Key);
            if (call.Method != HttpMethod.Get) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            return await caller.Session.Http.SendAsync(request);
        }
        if (call.Method == HttpMethod.Get) return await caller.Session.GetAsync(call.Path);
        var token = await caller.Session.TokenAsync("/p/keys");
        return await caller.Session.SendAsync(HttpMethod.Post, call.Path, call.Fields.Append(new("__RequestVerificationToken", token)));
    }

    [Fact]
    public async Task Another_publishers_ids_give_404_on_every_publisher_page_and_api_route_and_change_nothing()
    {
        var calls = Calls(_a);
        var addressed = calls.Where(c => c.Addressed).ToList();
        // The matrix really covers the pages and routes that take ids (a guard against the generator finding nothing).
        Assert.Contains(addressed, c => c.Path.StartsWith("/p/links/", StringComparison.Ordinal) && c.Method == HttpMethod.Post);
        Assert.Contains(addressed, c => c.Path.StartsWith("/p/commissions/", StringComparison.Ordinal));
        Assert.Contains(addressed, c => c.Name.Contains("OnPostRevoke", StringComparison.Ordinal));
        Assert.Contains(addressed, c => c.Name == "PATCH /api/v1/links/{code}");
        Assert.Contains(addressed, c => c.Name == "GET /api/v1/commissions/{orderId}");
        Assert.Contains(addressed, c => c.Name == "GET /api/v1/feeds/{feed}/items");
        Assert.Contains(addressed, c => c.Name == "POST /api/v1/support/threads/{id:long}/messages");
        Assert.Contains(addressed, c => c.Name == "GET /api/v1/support/threads/{id:long}/attachments/{attachment:long}");
        Assert.Contains(addressed, c => c.Path.StartsWith("/p/support/", StringComparison.Ordinal) && c.Method == HttpMethod.Post);

        var failures = new List<string>();
        foreach (var call in addressed)
        {
            using var answer = await Send(_b, call);
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode != HttpStatusCode.NotFound) failures.Add($"{call.Name} as another publisher: {(int)answer.StatusCode}");
            // What A owns, except what the request itself carried (a 404 may name the id it was asked for).
            foreach (var secret in new[] { _a.OrderId, _a.LinkCode, _a.FeedCode, "sub-a", _a.Publisher, "https://a.example" }
                .Where(s => !Uri.UnescapeDataString(call.Path).Contains(s, StringComparison.Ordinal) && !call.Fields.Any(f => f.Value == s)))
            {
                if (body.Contains(secret, StringComparison.Ordinal)) failures.Add($"{call.Name} as another publisher shows '{secret}'");
            }
        }
        // Nothing of A's changed: its key works, its link still goes where it went, with its sub id.
        Assert.NotNull(_host.Platform.Keys.Verify(_a.Key));
        var link = _host.Platform.Links.Find(_a.LinkCode)!;
        Assert.Equal(("https://www.aliexpress.com/item/1.html", "sub-a"), (link.Destination, link.Sub1));

        // The owner is answered on the same calls (so the ids were real); the revocation comes last.
        foreach (var call in addressed.OrderBy(c => c.Name.Contains("Revoke", StringComparison.Ordinal)))
        {
            using var answer = await Send(_a, call);
            if (answer.StatusCode == HttpStatusCode.NotFound) failures.Add($"{call.Name} as its owner: 404");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Null(_host.Platform.Keys.Verify(_a.Key));
    }

    [Fact]
    public async Task Pages_and_routes_without_ids_never_show_another_publishers_data()
    {
        var calls = Calls(_a).Where(c => !c.Addressed && c.Method == HttpMethod.Get).ToList();
        Assert.True(calls.Count >= 12, $"only {calls.Count} id-less GETs found");
        var failures = new List<string>();
        foreach (var call in calls)
        {
            using var answer = await Send(_b, call);
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode != HttpStatusCode.OK) failures.Add($"{call.Name}: {(int)answer.StatusCode}");
            foreach (var secret in new[] { _a.OrderId, _a.LinkCode, _a.FeedCode, _a.Prefix, _a.Publisher, "sub-a", _a.Email })
            {
                if (body.Contains(secret, StringComparison.Ordinal)) failures.Add($"{call.Name} shows '{secret}'");
            }
            // …while it shows B's own (the page really lists things).
        }
        using var own = await _b.Session.GetAsync("/p/links");
        Assert.Contains(_b.LinkCode, await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

}
