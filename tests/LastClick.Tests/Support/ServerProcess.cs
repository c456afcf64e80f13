using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LastClick.Tests.Support;

/// <summary>`lastclick serve` as a child process on a free loopback port, with a client for it.</summary>
public sealed class ServerProcess : IDisposable
{
    private ServerProcess(Process process, int port)
    {
        Process = process;
        Port = port;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5),
        };
    }

    public Process Process { get; }
    public int Port { get; }
    public HttpClient Http { get; }

    /// <summary>What the server printed on stdout so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    /// <summary>What the server printed on stderr so far.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Starts the server on the store and waits until /healthz answers.</summary>
    public static Task<ServerProcess> StartAsync(string store, params string[] extra) => StartInAsync(null, ["--store", store, .. extra]);

    /// <summary>Starts `serve` with exactly these arguments (plus a free port) in a folder, and waits until /healthz answers.</summary>
    public static Task<ServerProcess> StartInAsync(string? workingDirectory, string[] arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        OnFreePortAsync(port => StartOnAsync(port, workingDirectory, arguments, environment));

    private static async Task<ServerProcess> StartOnAsync(int port, string? workingDirectory, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "lastclick.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        foreach (var a in new[] { dll, "serve", "--urls", $"http://127.0.0.1:{port}" }.Concat(arguments)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        var server = new ServerProcess(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) server.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server.Errors.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthy();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private async Task WaitHealthy()
    {
        for (var i = 0; i < 150; i++)
        {
            if (Process.HasExited)
            {
                await Process.WaitForExitAsync(); // the rest of its output
                var said = string.Join('\n', Output.Concat(Errors));
                if (said.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) throw new PortTakenException(said);
                Assert.Fail("the server exited on start: " + said);
            }
            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        Assert.Fail("the server did not become healthy in 15 s");
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
        Process.Dispose();
        Http.Dispose();
    }

    /// <summary>
    /// Starts a server on a free loopback port, again on another one when the port was taken between choosing and
    /// binding it (another test's server, or an outgoing connection's ephemeral port — CI once lost a run to that).
    /// </summary>
    internal static async Task<T> OnFreePortAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(FreePort());
            }
            catch (Exception e) when (attempt < 5 && IsPortTaken(e))
            {
                // chosen port taken meanwhile: choose another
            }
        }
    }

    private static bool IsPortTaken(Exception e) => e switch
    {
        PortTakenException => true,
        Microsoft.AspNetCore.Connections.AddressInUseException => true,
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        _ => e.InnerException is { } inner && IsPortTaken(inner),
    };

    private sealed class PortTakenException(string message) : Exception(message);

    /// <summary>A loopback port nothing listens on now (for the servers the tests start).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
