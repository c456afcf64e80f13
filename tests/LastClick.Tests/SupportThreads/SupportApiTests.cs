using System.Net;
using System.Text.Json;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.SupportThreads;

/// <summary>Support threads (I3) through the API: a publisher's request, the team's answer, assignment and closing, files, news by mail and in the centre.</summary>
public sealed class SupportApiTests : IClassFixture<PostgresAvailability>
{
    internal static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task I3_a_publishers_request_is_answered_assigned_and_closed_by_the_team_and_each_side_sees_what_is_new(string provider)
    {
        var store = WebHost.Store(provider);
        if (store is null) return;
        await using var host = await WebHost.StartAsync(store);
        await host.StopBackgroundAsync(); // the news is routed here, when the test says
        var demo = Demo.Seed(host.Platform, host.Passwords);
        OutboxReaders.ReadAll(host.Platform.Store, "news", () => host.Platform.News.Route());
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var publisher = new ApiClient(http, demo.PublisherKey);
        var team = new ApiClient(http, demo.OperatorKey);
        var link = demo.Links[0].Code;
        long Threads() => host.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM support_threads"));

        // Refused requests name their field and write nothing.
        var before = Threads();
        foreach (var (body, field) in new[]
        {
            ("""{"topic":"fraud","subject":"s","body":"b"}""", "topic"),
            ("""{"topic":"other","subject":"s","body":"b","about":{"kind":"invoice","id":"1"}}""", "about.kind"),
            ("""{"topic":"other","subject":"s","body":"b","attachments":[{"name":"a.png","data":"not base64!"}]}""", "attachments[0].data"),
            ("""{"topic":"other","subject":"s","body":"b","attachments":[{"name":"a.svg","data":"PHN2Zz48c2NyaXB0PjwvIGF0dGFjaz4AAA=="}]}""", "attachments[0].data"),
            ("""{"topic":"other","subject":"s","body":"b","publisher":"demo-publisher"}""", "publisher"),
            ($$"""{"topic":"other","subject":"{{new string('s', 201)}}","body":"b"}""", "subject"),
        })
        {
            var (status, problem) = await publisher.PostAsync("/api/v1/support/threads", body);
            Assert.True(status == 400 && problem.GetProperty("field").GetString() == field, $"{body}: {status} {problem}");
        }
        Assert.Equal(before, Threads());

        var (opened, thread) = await publisher.PostAsync("/api/v1/support/threads", $$"""
            {"topic":"tracking","subject":"Clicks of my banner","body":"Yesterday's clicks are missing.","program":"aliexpress-ww",
             "about":{"kind":"link","id":"{{link}}"},"attachments":[{"name":"banner.png","contentType":"image/png","data":"{{Convert.ToBase64String(Png)}}"}]}
            """);
        Assert.Equal(201, opened);
        var id = thread.GetProperty("thread").GetProperty("id").GetInt64();
        var file = thread.GetProperty("messages")[0].GetProperty("attachments")[0];
        Assert.Equal(("banner.png", "image/png", 16), (file.GetProperty("name").GetString(), file.GetProperty("contentType").GetString(), file.GetProperty("size").GetInt32()));

        // The team sees it new, reads it, takes it, answers and closes it.
        var (_, inbox) = await team.GetAsync("/api/v1/operator/support/threads?status=open");
        Assert.True(inbox.GetProperty("unread").GetInt64() >= 1);
        Assert.Contains(inbox.GetProperty("threads").EnumerateArray(), t => t.GetProperty("id").GetInt64() == id && t.GetProperty("unread").GetBoolean());
        Assert.Equal(400, (await team.GetAsync("/api/v1/operator/support/threads?state=open")).Status);
        Assert.Equal(200, (await team.GetAsync($"/api/v1/operator/support/threads/{id}")).Status);
        var (_, assigned) = await team.JsonAsync(HttpMethod.Patch, $"/api/v1/operator/support/threads/{id}", """{"assignee":"admin@demo.lastclick.dev"}""");
        Assert.Equal(host.Platform.Accounts.FindByEmail("admin@demo.lastclick.dev")!.Id, assigned.GetProperty("assignee").GetString());
        Assert.Equal(201, (await team.PostAsync($"/api/v1/operator/support/threads/{id}/messages", """{"body":"The link was paused by the marketplace; it runs again."}""")).Status);
        var (_, closed) = await team.JsonAsync(HttpMethod.Patch, $"/api/v1/operator/support/threads/{id}", """{"status":"closed"}""");
        Assert.Equal("closed", closed.GetProperty("status").GetString());

        // The publisher sees the answer as new, without the team's assignment; reading it clears that.
        var (_, mine) = await publisher.GetAsync("/api/v1/support/threads");
        Assert.Equal(1, mine.GetProperty("unread").GetInt64());
        var (_, read) = await publisher.GetAsync($"/api/v1/support/threads/{id}");
        Assert.Equal(["publisher:", "operator:", "operator:closed"],
            read.GetProperty("messages").EnumerateArray().Select(m => $"{m.GetProperty("side").GetString()}:{(m.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : "")}"));
        Assert.Equal(0, (await publisher.GetAsync("/api/v1/support/threads")).Json.GetProperty("unread").GetInt64());

        // The file comes back as it was sent, as a download that is never sniffed.
        using (var download = await publisher.SendAsync(HttpMethod.Get, $"/api/v1/support/threads/{id}/attachments/{file.GetProperty("id").GetInt64()}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal(("image/png", "attachment", "banner.png"), (download.Content.Headers.ContentType?.MediaType, download.Content.Headers.ContentDisposition?.DispositionType,
                download.Content.Headers.ContentDisposition?.FileName?.Trim('"')));
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        }

        // Writing again opens the thread again. Each side was told: the team in its centre, the publisher by mail too.
        Assert.Equal(201, (await publisher.PostAsync($"/api/v1/support/threads/{id}/messages", """{"body":"Thank you!"}""")).Status);
        Assert.Equal("open", (await team.GetAsync($"/api/v1/operator/support/threads/{id}")).Json.GetProperty("thread").GetProperty("status").GetString());
        OutboxReaders.ReadAll(host.Platform.Store, "news", () => host.Platform.News.Route());
        var mail = host.Platform.Store.Read(s => s.Query<string>("SELECT subject FROM mail_messages WHERE kind = 'support_reply' AND to_address = 'publisher@demo.lastclick.dev'"));
        Assert.Equal(["Re: Clicks of my banner (request #" + id + ")"], mail);
        var admin = host.Platform.Accounts.FindByEmail("admin@demo.lastclick.dev")!;
        var centre = host.Platform.News.List(admin).Where(n => n.Kind == "support_request").ToList();
        Assert.Equal(2, centre.Count);
        Assert.All(centre, n => Assert.Equal($"/o/support/{id}", n.Link));
        var audited = host.Platform.Store.Read(s => LastClick.Data.AuditLog.Recent(s, 50, LastClick.Support.SupportService.Subject(id)).Select(e => e.Action).ToList());
        Assert.Equal(6, audited.Count); // opened, assigned, message, closed, reopened, message
    }

    [Fact]
    public async Task I3_a_claim_filed_through_the_api_is_a_thread_of_its_own_that_its_decision_closes()
    {
        await using var host = await WebHost.StartAsync();
        await host.StopBackgroundAsync();
        var demo = Demo.Seed(host.Platform, host.Passwords);
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var publisher = new ApiClient(http, demo.PublisherKey);
        var today = host.Platform.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (filed, claim) = await publisher.PostAsync("/api/v1/claims",
            $$"""{"program":"aliexpress-ww","orderId":"never-seen","orderDate":"{{today}}","amount":"12.50","currency":"USD","comment":"Bought from my review page."}""");
        Assert.Equal(201, filed);
        var claimId = claim.GetProperty("id").GetInt64();
        host.Platform.Claims.Decline(claimId, "admin@demo.lastclick.dev", "not_reported", "No such order at the marketplace.");

        var thread = (await publisher.GetAsync("/api/v1/support/threads")).Json.GetProperty("threads").EnumerateArray()
            .Single(t => t.GetProperty("about").ValueKind == JsonValueKind.Object && t.GetProperty("about").GetProperty("id").GetString() == $"{claimId}");
        Assert.Equal(("claim", "closed", true), (thread.GetProperty("topic").GetString(), thread.GetProperty("status").GetString(), thread.GetProperty("unread").GetBoolean()));
        var messages = (await publisher.GetAsync($"/api/v1/support/threads/{thread.GetProperty("id").GetInt64()}")).Json.GetProperty("messages");
        Assert.Equal(["Bought from my review page.", "No such order at the marketplace."], messages.EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        Assert.Equal("not_reported", messages[1].GetProperty("reason").GetString());
        // A second thread about the same claim is refused, pointing to its own.
        var (status, problem) = await publisher.PostAsync("/api/v1/support/threads", $$"""{"topic":"claim","subject":"s","body":"b","about":{"kind":"claim","id":"{{claimId}}"} }""");
        Assert.Equal((409, "about"), (status, problem.GetProperty("field").GetString()));
    }
}
