using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Publishers;

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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var answered = new List<string>();
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var port = FreePort();
                using var server = StartServer(db, port);
                using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
                {
                    BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5),
                };
                await WaitHealthy(http, server);

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
                server.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
                await server.WaitForExitAsync();
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
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process StartServer(string db, int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "lastclick.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--store", db, "--urls", $"http://127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthy(HttpClient http, Process server)
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.False(server.HasExited, "the server exited on start");
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        Assert.Fail("the server did not become healthy in 10 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
