using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Publishers;

namespace LastClick.Bench;

/// <summary>
/// The long version of the SIGKILL durability test (issue 3): `lastclick serve` as a child process, 8 connections
/// clicking, SIGKILL at a random moment mid-load, restart — N times. Every click that got a 302 must be in the store.
/// </summary>
internal static class DurabilityBench
{
    public static async Task<int> RunAsync(string dll, int kills)
    {
        var dir = Directory.CreateTempSubdirectory("lastclick-kill-").FullName;
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
        var random = new Random(5);
        var sw = Stopwatch.StartNew();
        try
        {
            for (var round = 0; round < kills; round++)
            {
                var port = FreePort();
                var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { dll, "serve", "--store", db, "--urls", $"http://127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
                using var server = Process.Start(psi)!;
                server.OutputDataReceived += (_, _) => { };
                server.ErrorDataReceived += (_, _) => { };
                server.BeginOutputReadLine();
                server.BeginErrorReadLine();
                using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 8 })
                {
                    BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5),
                };
                for (var i = 0; ; i++)
                {
                    if (server.HasExited || i == 200) throw new InvalidOperationException("the server did not start");
                    try
                    {
                        using var ok = await http.GetAsync("/healthz");
                        if (ok.IsSuccessStatusCode) break;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    await Task.Delay(50);
                }
                using var stop = new CancellationTokenSource();
                var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
                {
                    var mine = new List<string>();
                    for (var i = 0; i < 20_000 && !stop.IsCancellationRequested; i++)
                    {
                        try
                        {
                            using var response = await http.GetAsync($"/go/{code}", stop.Token);
                            if (response.StatusCode == HttpStatusCode.Redirect)
                            {
                                mine.Add(System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query)["lc_click"]!);
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
                        {
                            break;
                        }
                    }
                    return mine;
                })).ToArray();
                await Task.Delay(random.Next(200, 1500));
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
                await stop.CancelAsync();
                var before = answered.Count;
                foreach (var c in await Task.WhenAll(clients)) answered.AddRange(c);
                Console.Write($"\rkill {round + 1}/{kills}: {answered.Count - before} answered this round, {answered.Count:N0} in all   ");
            }
            Console.WriteLine();
            using var check = new SqliteStore(db);
            var stored = check.InSession(s => s.Query<string>("SELECT id FROM clicks")).ToHashSet(StringComparer.Ordinal);
            var lost = answered.Count(id => !stored.Contains(id));
            Console.WriteLine($"durability: {kills} SIGKILLs in {sw.Elapsed.TotalSeconds:F0} s; {answered.Count:N0} clicks answered with a 302, " +
                $"{stored.Count:N0} stored (the rest were committed but their 302 was cut off by the kill), lost: {lost}");
            return lost == 0 ? 0 : 1;
        }
        finally
        {
            SqliteStore.ReleaseFile(db);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
