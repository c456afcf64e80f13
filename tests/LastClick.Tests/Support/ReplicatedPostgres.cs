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
            pair.PrimaryPort = PostgresServer.FreePort();
            pair.StartServer(pair.PrimaryData, pair.PrimaryPort, "primary.log");
            pair.Pg("pg_basebackup", "-h", "127.0.0.1", "-p", pair.PrimaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
                "-D", pair.StandbyData, "-R", "-X", "stream", "--no-sync");
            pair.StandbyPort = PostgresServer.FreePort();
            pair.StartStandby();
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    public void StartStandby() => StartServer(StandbyData, StandbyPort, "standby.log");

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
