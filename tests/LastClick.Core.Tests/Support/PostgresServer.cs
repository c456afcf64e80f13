using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LastClick.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb into a temporary folder, pg_ctl on a free loopback
/// port, stopped and deleted when the run ends. LASTCLICK_TEST_POSTGRES (a connection string) uses a server
/// you already have instead. Where neither is possible the PostgreSQL half cannot run: outside CI that is
/// reported on stderr; in CI (CI=true) it is a failure.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<(string? ConnectionString, string? Why)> Cluster = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string? ConnectionString => Cluster.Value.ConnectionString;

    public static string? UnavailableBecause => Cluster.Value.Why;

    private static int _reported;

    /// <summary>
    /// The connection string for a test's PostgreSQL half, or null where it cannot run here: reported once on
    /// stderr, and in CI (CI=true) an exception instead, so there the PostgreSQL half always runs.
    /// </summary>
    public static string? ForTest()
    {
        if (ConnectionString is { } cs) return cs;
        var why = $"PostgreSQL half did not run: {UnavailableBecause}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(why + " (CI=true requires it)");
        }
        if (Interlocked.Exchange(ref _reported, 1) == 0) Console.Error.WriteLine(why);
        return null;
    }

    private static (string?, string?) Start()
    {
        var given = Environment.GetEnvironmentVariable("LASTCLICK_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given)) return (given, null);

        var bin = Binaries();
        if (bin is null) return (null, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)");

        RemoveStaleClusters(bin);
        var root = Path.Combine(Path.GetTempPath(), $"lastclick-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", ["postgres:postgres", root]);
        RunAs(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        var port = StartOnFreePort(FreePort, port => RunAs(asRoot, Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
             "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
             "start"]));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAs(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"could not remove the test PostgreSQL cluster at {root}: {e.Message}");
            }
        };
        return ($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50", null);
    }

    /// <summary>The newest PostgreSQL server binaries' folder (/usr/lib/postgresql/*/bin), or null.</summary>
    internal static string? Binaries() => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
        : null;

    /// <summary>Clusters left by test runs that ended without their exit handler (killed, timed out): stop and delete.</summary>
    private static void RemoveStaleClusters(string bin)
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "lastclick-pg-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], out var pid) || ProcessAlive(pid)) continue;
            // "data": a test cluster; "primary" and "standby": a replicated pair (ReplicatedPostgres).
            foreach (var cluster in new[] { "data", "primary", "standby" })
            {
                try
                {
                    if (File.Exists(Path.Combine(dir, cluster, "postmaster.pid")))
                    {
                        RunAs(Environment.UserName == "root", Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, cluster), "-m", "immediate", "-w", "stop"]);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Not running any more: nothing to stop.
                }
            }
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Another test process (the other test assembly runs in parallel) is removing it too.
            }
        }
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts a server (<paramref name="start"/>, which throws <see cref="InvalidOperationException"/> when it fails) on a
    /// port <paramref name="choose"/> finds free, and answers the port. Another process may take the port between the
    /// look and the start (the server's log says so): then another port, three tries in all.
    /// </summary>
    internal static int StartOnFreePort(Func<int> choose, Action<int> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = choose();
            try
            {
                start(port);
                return port;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Taken between choosing and binding it: another one.
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static void RunAs(bool asRoot, string file, string[] args)
    {
        if (asRoot) Run("runuser", ["-u", "postgres", "--", file, .. args]);
        else Run(file, args);
    }

    internal static void Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {error}{output.Result}");
    }
}
