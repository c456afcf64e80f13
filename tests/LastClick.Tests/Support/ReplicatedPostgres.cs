namespace LastClick.Tests.Support;

/// <summary>
/// A PostgreSQL primary and a hot standby that streams from it, on loopback ports, as production runs them: the
/// standby is a base backup of the primary (pg_basebackup -R writes its primary_conninfo and standby.signal). The
/// standby can be stopped and started again. Both are stopped and deleted on dispose.
/// </summary>
public sealed class ReplicatedPostgres : IDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asRoot = Environment.UserName == "root";

    private ReplicatedPostgres(string bin, string root) => (_bin, _root) = (bin, root);

    public int PrimaryPort { get; private set; }
    public int StandbyPort { get; private set; }

    public string Primary => $"Host=127.0.0.1;Port={PrimaryPort};Username=postgres;Database=postgres";
    public string Standby => $"Host=127.0.0.1;Port={StandbyPort};Username=postgres;Database=postgres";

    private string PrimaryData => Path.Combine(_root, "primary");
    private string StandbyData => Path.Combine(_root, "standby");

    /// <summary>Both servers running, the standby streaming; null where PostgreSQL's binaries are not installed.</summary>
    public static ReplicatedPostgres? Start()
    {
        if (PostgresServer.Binaries() is not { } bin) return null;
        var root = Path.Combine(Path.GetTempPath(), $"lastclick-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(root);
        var pair = new ReplicatedPostgres(bin, root);
        try
        {
            if (pair._asRoot) PostgresServer.Run("chown", ["postgres:postgres", root]);
            pair.Pg("initdb", "-D", pair.PrimaryData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
            pair.PrimaryPort = pair.StartOnQuietPort(pair.PrimaryData, "primary.log");
            pair.Pg("pg_basebackup", "-h", "127.0.0.1", "-p", pair.PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
                "-D", pair.StandbyData, "-R", "-X", "stream", "--no-sync");
            pair.StandbyPort = pair.StartOnQuietPort(pair.StandbyData, "standby.log");
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Starts the standby again, on its port (the nodes' connection strings name it).</summary>
    public void StartStandby() => StartServer(StandbyData, StandbyPort, "standby.log");

    /// <summary>
    /// Starts a server on a port free at the moment and below the ephemeral range (the OS's 32768–60999 by default):
    /// no outgoing connection is given it as its own port, as one could be while the standby is down and waits to be
    /// started again on it. Another test's server may still take it between the look and the start: then another.
    /// </summary>
    private int StartOnQuietPort(string data, string log) => PostgresServer.StartOnFreePort(QuietPort, port => StartServer(data, port, log));

    private static int QuietPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 100)
            {
                // In use: another.
            }
        }
    }

    /// <summary>Stops the standby at once, as a crash or a lost machine would.</summary>
    public void StopStandby() => Pg("pg_ctl", "-D", StandbyData, "-m", "immediate", "-w", "stop");

    private void StartServer(string data, int port, string log) =>
        Pg("pg_ctl", "-D", data, "-l", Path.Combine(_root, log), "-w", "-t", "60",
            "-o", $"-p {port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100 -c hot_standby=on", "start");

    private void Pg(string tool, params string[] args) => PostgresServer.RunAs(_asRoot, Path.Combine(_bin, tool), args);

    public void Dispose()
    {
        foreach (var data in new[] { StandbyData, PrimaryData })
        {
            try
            {
                if (File.Exists(Path.Combine(data, "postmaster.pid"))) Pg("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // Not running.
            }
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Removed by the next run's stale-cluster sweep.
        }
    }
}
