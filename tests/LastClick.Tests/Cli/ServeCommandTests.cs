using System.Net;
using System.Net.Http.Headers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Cli;

/// <summary>
/// The README's run command: `serve` with nothing else starts on an embedded SQLite file under ./data and says where to
/// go; `--demo` keeps its data apart (data/demo.db), so a real install's store never gets demo accounts.
/// </summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_without_options_keeps_its_data_in_an_embedded_sqlite_file_under_data_and_prints_where_to_go_next()
    {
        var dir = Directory.CreateTempSubdirectory("lastclick-serve-").FullName;
        try
        {
            using (var server = await ServerProcess.StartInAsync(dir, ["--demo"]))
            {
                Assert.True(SpinWait.SpinUntil(() => server.Output.Any(l => l.Contains("Publisher key", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));
                var lines = server.Output.ToList();
                Assert.Contains(lines, l => l.StartsWith($"LastClick is running on http://127.0.0.1:{server.Port} (SQLite data/demo.db)", StringComparison.Ordinal));
                var key = lines.Single(l => l.Contains("Publisher key", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/commissions");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var response = await server.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await server.KillAsync();
            }
            Assert.True(File.Exists(Path.Combine(dir, "data", "demo.db")));
            Assert.False(File.Exists(Path.Combine(dir, "data", "lastclick.db")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_store_can_come_from_the_usual_aspnet_setting_instead_of_the_option()
    {
        var dir = Directory.CreateTempSubdirectory("lastclick-serve-").FullName;
        try
        {
            var db = Path.Combine(dir, "elsewhere", "from-env.db");
            using (var server = await ServerProcess.StartInAsync(dir, [], new Dictionary<string, string> { ["ConnectionStrings__LastClick"] = db }))
            {
                Assert.True(SpinWait.SpinUntil(() => server.Output.Any(l => l.Contains("LastClick is running", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));
                Assert.Contains(server.Output, l => l.Contains($"(SQLite {db})", StringComparison.Ordinal));
                // The next step is a command that works as printed, on this store.
                Assert.True(SpinWait.SpinUntil(() => server.Output.Any(l => l.Contains("accounts create", StringComparison.Ordinal)), TimeSpan.FromSeconds(5)));
                var next = server.Output.Single(l => l.Contains("accounts create", StringComparison.Ordinal)).Trim();
                Assert.Matches(@"^(lastclick|dotnet run --project src/LastClick --) accounts create --email you@example.com --role admin --store ", next);
                Assert.EndsWith($"--store {db}", next, StringComparison.Ordinal);
                await server.KillAsync();
            }
            Assert.True(File.Exists(db));
            Assert.False(File.Exists(Path.Combine(dir, "data", "lastclick.db")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
