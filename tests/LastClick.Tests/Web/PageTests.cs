using System.Net;
using System.Text.RegularExpressions;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>Every page of the dashboard renders for its audience over the demo's data, on SQLite and on PostgreSQL.</summary>
public sealed partial class PageTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Every_page_answers_its_audience_over_the_demo_data(string provider)
    {
        var store = WebHost.Store(provider);
        if (store is null) return;
        await using var host = await WebHost.StartAsync(store);
        var platform = host.Platform;
        var demo = Demo.Seed(platform, host.Passwords);
        var order = LastClick.Web.Dashboard.Commissions(platform.Store, Demo.PublisherId, null, null, null, 5, 0)[0].OrderId;
        var pending = platform.Applications.Queue()[0].Publisher.Id;
        // Mail of the demo publisher's (an address change asked for) and of the admin's (a reset): the links they carry open pages too.
        var publisherAccount = platform.Accounts.FindByEmail("publisher@demo.lastclick.dev")!;
        platform.AccountMail.RequestEmailChange(publisherAccount.Id, "publisher.new@demo.lastclick.dev");
        platform.AccountMail.RequestReset("admin@demo.lastclick.dev");
        var mails = LastClick.Notifications.Mailbox.List(platform.Store, null, null);
        string Token(string kind) => Regex.Match(LastClick.Notifications.Mailbox.Read(platform.Store, mails.First(m => m.Kind == kind).Id)!.Text, "token=([A-Za-z0-9_-]+)").Groups[1].Value;
        var mailId = mails.First(m => m.AccountId == publisherAccount.Id).Id;

        // A support thread of the demo publisher's, answered by the team, with a picture.
        var thread = host.Platform.Support.Open("demo-publisher", new LastClick.Support.SupportRequest("payment", "My payout", "When is it paid?",
            Attachments: [new LastClick.Support.AttachmentUpload("shot.gif", "image/gif", "GIF89a\u0001\u0000"u8.ToArray())]), "publisher@demo.lastclick.dev").Id;
        host.Platform.Support.Post(thread, LastClick.Support.SupportSides.Operator, null, "On Monday.", null, "admin@demo.lastclick.dev");
        using var admin = host.NewSession();
        await admin.SignInAsync("admin@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "admin").Password);
        using var publisher = host.NewSession();
        await publisher.SignInAsync("publisher@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "publisher").Password);
        using var anonymous = host.NewSession();

        var failures = new List<string>();
        var pages = 0;
        var forms = 0;
        foreach (var route in DashboardPages.All().Select(p => p.Route))
        {
            var path = DashboardPages.Fill(route, parameter => (route, parameter) switch
            {
                (_, "code") => demo.Links[0].Code,
                (_, "orderId") => order,
                (var r, "id") when r.StartsWith("/o/orders", StringComparison.Ordinal) => order,
                (var r, "id") when r.StartsWith("/o/publishers", StringComparison.Ordinal) => pending,
                ("/notifications/mail/{id:long}", "id") => $"{mailId}",
                (var r, "id") when r.Contains("/support/", StringComparison.Ordinal) => $"{thread}",
                (_, "id") => "aliexpress-cis",
                var (r, p) => throw new Xunit.Sdk.XunitException($"{r}: no sample for '{p}'"),
            });
            path += route switch
            {
                "/account/reset" => $"?token={Token(LastClick.Notifications.AccountMail.Reset)}",
                "/account/email/confirm" => $"?token={Token(LastClick.Notifications.AccountMail.EmailChange)}",
                _ => "",
            };
            var session = DashboardPages.IsPublisherRoute(route) || route.StartsWith("/notifications", StringComparison.Ordinal) ? publisher : route.StartsWith("/o", StringComparison.Ordinal) || route.StartsWith("/account", StringComparison.Ordinal) ? admin : anonymous;
            using var answer = await session.GetAsync(path);
            pages++;
            if (answer.StatusCode != HttpStatusCode.OK) failures.Add($"GET {path}: {(int)answer.StatusCode}");
            // Every form that posts carries its antiforgery token (the header's sign-out form included).
            foreach (Match form in PostForm().Matches(await answer.Content.ReadAsStringAsync()))
            {
                if (!form.Value.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal)) failures.Add($"GET {path}: a form without its token: {form.Value[..Math.Min(120, form.Value.Length)]}");
                forms++;
            }
        }
        // The charts' data answer too.
        foreach (var (session, path) in new[] { (publisher, "/p?handler=series"), (admin, "/o?handler=series&program=aliexpress-cis&currency=RUB") })
        {
            using var series = await session.GetAsync(path);
            var json = await series.Content.ReadAsStringAsync();
            if (series.StatusCode != HttpStatusCode.OK || !json.Contains("\"commission\"", StringComparison.Ordinal)) failures.Add($"GET {path}: {(int)series.StatusCode} {json[..Math.Min(json.Length, 200)]}");
        }
        Assert.True(pages >= 25, $"only {pages} pages found");
        Assert.True(forms >= 30, $"only {forms} forms found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();
}
