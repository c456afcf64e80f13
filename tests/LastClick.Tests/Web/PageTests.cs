using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;
using LastClick.Programs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Web;

/// <summary>Every page of the dashboard renders for its audience over the demo's data, on SQLite and on PostgreSQL.</summary>
public sealed partial class PageTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Every_page_answers_its_audience_over_the_demo_data(string provider)
    {
        using var store = provider == "sqlite" ? TemporaryStore.Create() : PostgresServer.ForTest() is { } cs ? TemporaryStore.Create(cs) : null;
        if (store is null) return;
        var port = FreePort();
        var app = LastClickServer.Build(store.Store, ProgramCatalog.BuiltIn(), ["--urls", $"http://127.0.0.1:{port}"]);
        await app.StartAsync();
        try
        {
            var platform = app.Services.GetRequiredService<Platform>();
            var demo = Demo.Seed(platform, app.Services.GetRequiredService<LastClick.Web.Passwords>());
            var baseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            var order = Dashboard(platform).First();
            var pending = platform.Applications.Queue()[0].Publisher.Id;

            using var admin = new WebHost.Session(baseUri);
            await admin.SignInAsync("admin@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "admin").Password);
            using var publisher = new WebHost.Session(baseUri);
            await publisher.SignInAsync("publisher@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "publisher").Password);
            using var anonymous = new WebHost.Session(baseUri);

            var failures = new List<string>();
            var pages = 0;
            var forms = 0;
            foreach (var item in typeof(LastClickServer).Assembly.GetCustomAttributes<RazorCompiledItemAttribute>().Where(i => i.Kind == "mvc.1.0.razor-page"))
            {
                var route = item.Type.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().Single(m => m.Key == "RouteTemplate").Value;
                var path = Parameter().Replace(route, m => (route, m.Groups[1].Value) switch
                {
                    (_, "code") => demo.Links[0].Code,
                    (_, "orderId") => order,
                    (var r, "id") when r.StartsWith("/o/orders", StringComparison.Ordinal) => order,
                    (var r, "id") when r.StartsWith("/o/publishers", StringComparison.Ordinal) => pending,
                    (_, "id") => "aliexpress-cis",
                    var (r, p) => throw new Xunit.Sdk.XunitException($"{r}: no sample for '{p}'"),
                });
                var session = route == "/p" || route.StartsWith("/p/", StringComparison.Ordinal) ? publisher : route.StartsWith("/o", StringComparison.Ordinal) || route.StartsWith("/account", StringComparison.Ordinal) ? admin : anonymous;
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
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static IEnumerable<string> Dashboard(Platform platform) =>
        LastClick.Web.Dashboard.Commissions(platform.Store, LastClick.Server.Demo.PublisherId, null, null, null, 5, 0).Select(c => c.OrderId);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();
}
