using System.Net;
using LastClick.Tests.Support;

namespace LastClick.Tests.SupportThreads;

/// <summary>Support threads (I3) in the dashboard: a request with files from the publisher's page, the team's inbox and answer, the unread counts in the menu.</summary>
public sealed class SupportPageTests : DemoSessions
{
    [Fact]
    public async Task I3_a_request_with_files_reaches_the_teams_inbox_and_its_answer_is_new_for_the_publisher_until_read()
    {
        var link = Setup.Links[0].Code;
        var threadsBefore = Host.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM support_threads"));
        // (The demo's claims have threads of their own, unread by the team.)
        var teamUnread = MenuCount(await (await AdminSession.GetAsync("/o")).Content.ReadAsStringAsync(), "/o/support");
        var publisherUnread = MenuCount(await (await PublisherSession.GetAsync("/p")).Content.ReadAsStringAsync(), "/p/support");
        // A file that is no picture nor text is refused in place, naming it, and nothing is stored.
        using (var refused = await PublisherSession.PostFilesAsync("/p/support",
                   [new("topic", "tracking"), new("subject", "Clicks"), new("body", "Where are they?"), new("aboutKind", "link"), new("aboutId", link)],
                   [("files", "tool.exe", "application/octet-stream", [0x4D, 0x5A, 0x90, 0x00])], "/p/support"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await refused.Content.ReadAsStringAsync();
            Assert.Contains("attachments[0].data", page, StringComparison.Ordinal);
            Assert.Contains("Where are they?", page, StringComparison.Ordinal); // what was typed stays
        }
        Assert.Equal(threadsBefore, Host.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM support_threads")));

        using var sent = await PublisherSession.PostFilesAsync("/p/support",
            [new("topic", "tracking"), new("subject", "Clicks of my banner"), new("body", "Where are they?"), new("program", "aliexpress-ww"), new("aboutKind", "link"), new("aboutId", link)],
            [("files", "banner.png", "image/png", SupportApiTests.Png), ("files", "log.txt", "text/plain", "10:00 click\n10:01 click"u8.ToArray())], "/p/support");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var threadPath = sent.Headers.Location!.OriginalString;
        Assert.StartsWith("/p/support/", threadPath, StringComparison.Ordinal);
        var mine = await (await PublisherSession.GetAsync(threadPath)).Content.ReadAsStringAsync();
        Assert.Contains("Where are they?", mine, StringComparison.Ordinal);
        Assert.Contains("class=\"thumb\"", mine, StringComparison.Ordinal);
        Assert.Contains($"/p/links/{link}", mine, StringComparison.Ordinal);

        // The team's menu counts it; its inbox marks it new; its page shows both files.
        var id = threadPath.Split('/')[^1];
        var inbox = await (await AdminSession.GetAsync("/o/support")).Content.ReadAsStringAsync();
        Assert.Contains($"data-thread=\"{id}\" class=\"unread\"", inbox, StringComparison.Ordinal);
        Assert.Equal(teamUnread + 1, MenuCount(inbox, "/o/support"));
        var teamPage = await (await AdminSession.GetAsync($"/o/support/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("banner.png", teamPage, StringComparison.Ordinal);
        Assert.Contains("log.txt", teamPage, StringComparison.Ordinal);
        using (var answered = await AdminSession.PostFilesAsync($"/o/support/{id}?handler=message", [new("body", "The link was paused; it runs again.")], [], $"/o/support/{id}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }
        Assert.Equal(teamUnread, MenuCount(await (await AdminSession.GetAsync("/o/support")).Content.ReadAsStringAsync(), "/o/support"));

        // The publisher's menu counts the answer until the thread is read.
        Assert.Equal(publisherUnread + 1, MenuCount(await (await PublisherSession.GetAsync("/p")).Content.ReadAsStringAsync(), "/p/support"));
        var answer = await (await PublisherSession.GetAsync(threadPath)).Content.ReadAsStringAsync();
        Assert.Contains("The link was paused; it runs again.", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("admin@demo.lastclick.dev", answer, StringComparison.Ordinal); // the team answers as the program
        Assert.Equal(publisherUnread, MenuCount(await (await PublisherSession.GetAsync("/p")).Content.ReadAsStringAsync(), "/p/support"));
    }

    /// <summary>The unread count the menu shows beside a page (0 when it shows none).</summary>
    private static int MenuCount(string html, string page) =>
        System.Text.RegularExpressions.Regex.Match(html, $"href=\"{page}\">[^<]*<span class=\"count\"[^>]*> (\\d+)</span>") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
}
