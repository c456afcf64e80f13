using System.Net;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>
/// An answered click is a stored click: `lastclick serve` runs as a child process on a loopback port, several
/// connections click, the process is killed with SIGKILL mid-load, again and again; every click that got its 302
/// must be in the store afterwards. (bench/ holds the long version.)
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task F2_every_click_answered_with_a_302_survives_sigkill_of_the_server()
    {
        var dir = Directory.CreateTempSubdirectory("lastclick-durability-").FullName;
        var db = Path.Combine(dir, "lastclick.db");
        string code;
        using (var store = new SqliteStore(db))
        {
            store.Migrate(TimeProvider.System);
            var platform = new Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
            platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
            code = platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html").Code;
        }
        SqliteStore.ReleaseFile(db);

        var answered = new List<string>();
        try
        {
            for (var round = 0; round < 3; round++)
            {
                using var server = await ServerProcess.StartAsync(db);
                var http = server.Http;

                using var stop = new CancellationTokenSource();
                var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
                {
                    var mine = new List<string>();
                    for (var i = 0; i < 2_000 && !stop.IsCancellationRequested; i++)
                    {
                        try
                        {
                            using var response = await http.GetAsync($"/go/{code}", stop.Token);
                            if (response.StatusCode != HttpStatusCode.Redirect) continue;
                            mine.Add(System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["lc_click"]!);
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
                        {
                            break; // the server is gone
                        }
                    }
                    return mine;
                })).ToArray();

                await Task.Delay(TimeSpan.FromMilliseconds(700 + 300 * round));
                await server.KillAsync();
                await stop.CancelAsync();
                foreach (var clicks in await Task.WhenAll(clients)) answered.AddRange(clicks);
            }

            Assert.True(answered.Count > 100, $"only {answered.Count} clicks were answered");
            using var check = new SqliteStore(db);
            var stored = check.InSession(s => s.Query<string>("SELECT id FROM clicks")).ToHashSet(StringComparer.Ordinal);
            var lost = answered.Where(id => !stored.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} answered clicks are not in the store");
        }
        finally
        {
            SqliteStore.ReleaseFile(db);
            Directory.Delete(dir, recursive: true);
        }
    }
}
