using System.Net;
using System.Net.Http.Headers;
using Dapper;
using LastClick.Access;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tests.Support;
using Npgsql;

namespace LastClick.Tests.Server;

/// <summary>Two `lastclick serve` processes on one PostgreSQL database: a link changed through one redirects correctly on the other (F2).</summary>
public sealed class TwoNodeTests : IClassFixture<PostgresAvailability>
{
    [Fact]
    public async Task F2_a_link_changed_through_one_node_redirects_to_the_new_destination_on_the_other_within_a_second()
    {
        if (PostgresServer.ForTest() is not { } cs) return;
        var builder = new NpgsqlConnectionStringBuilder(cs);
        var schema = $"nodes_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(cs))
        {
            await admin.ExecuteAsync($"CREATE SCHEMA {schema}");
        }
        var url = $"postgres://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(builder.Password ?? "")}@{builder.Host}:{builder.Port}/{builder.Database}?Search%20Path={schema}";
        try
        {
            string code, key;
            using (var store = Store.Connect(url))
            {
                store.Migrate(TimeProvider.System);
                var platform = new Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
                platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
                code = platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html").Code;
                key = platform.Keys.Create(KeyRole.Publisher, "p1");
                platform.Accounts.Create("p1@example.com", "P1", new LastClick.Web.Passwords().Hash("a long enough password"), AccountRoles.Publisher, "p1", "test");
            }

            // Each node with a home of its own, as on two machines: nothing is shared but the database.
            var homes = new[] { Directory.CreateTempSubdirectory("node-one-").FullName, Directory.CreateTempSubdirectory("node-two-").FullName };
            using var one = await ServerProcess.StartInAsync(null, ["--store", url], new Dictionary<string, string> { ["HOME"] = homes[0] });
            using var two = await ServerProcess.StartInAsync(null, ["--store", url], new Dictionary<string, string> { ["HOME"] = homes[1] });
            foreach (var home in homes) Directory.Delete(home, recursive: true);

            // A dashboard sign-in made on one node is good on the other (the cookie keys live in the database).
            using (var onOne = new WebHost.Session(one.Http.BaseAddress!))
            {
                await onOne.SignInAsync("p1@example.com", "a long enough password");
                using var onTwo = onOne.With(two.Http.BaseAddress!);
                using var overview = await onTwo.GetAsync("/p/links");
                Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
            }
            Assert.Equal("/item/1.html", await Destination(two));  // node two now holds the link in memory

            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/links/{code}")
            {
                Content = new StringContent("""{ "destination": "https://www.aliexpress.com/item/2.html" }""", System.Text.Encoding.UTF8, "application/json"),
            };
            patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var changed = await one.Http.SendAsync(patch);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var at = System.Diagnostics.Stopwatch.StartNew();

            string seen;
            do
            {
                seen = await Destination(two);
            }
            while (seen != "/item/2.html" && at.Elapsed < TimeSpan.FromSeconds(1));
            Assert.True(seen == "/item/2.html", $"node two still redirects to {seen} {at.ElapsedMilliseconds} ms after the change");

            async Task<string> Destination(ServerProcess node)
            {
                using var response = await node.Http.GetAsync($"/go/{code}");
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                return response.Headers.Location!.AbsolutePath;
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            using var admin = new NpgsqlConnection(cs);
            await admin.ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }
}
