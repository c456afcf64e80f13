using Dapper;
using LastClick.Data;
using Npgsql;

namespace LastClick.Replay;

/// <summary>
/// A fresh store that is gone afterwards: a SQLite file in the temporary folder, or a new schema in the given
/// PostgreSQL database (dropped on dispose).
/// </summary>
public sealed class TemporaryStore : IDisposable
{
    private readonly Action _cleanup;

    private TemporaryStore(Store store, Action cleanup) => (Store, _cleanup) = (store, cleanup);

    public Store Store { get; }

    public static TemporaryStore Create(string? postgres = null)
    {
        if (postgres is null)
        {
            var path = Path.Combine(Path.GetTempPath(), $"lastclick-replay-{Guid.NewGuid():N}.db");
            var sqlite = new SqliteStore(path, durable: false);
            return new TemporaryStore(sqlite, () =>
            {
                sqlite.Dispose();
                foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
            });
        }

        if (!PostgresStore.Names(postgres))
        {
            throw Common.ProblemException.Invalid("store", "must be a PostgreSQL URL (postgres://user:password@host:port/database) or connection string (Host=…); the default is a temporary SQLite file");
        }
        string connectionString;
        try { connectionString = PostgresStore.ConnectionStringOf(postgres); }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw Common.ProblemException.Invalid("store", $"not a valid PostgreSQL address: {e.Message}");
        }
        var schema = $"replay_{Guid.NewGuid():N}";
        try
        {
            using var admin = new NpgsqlConnection(connectionString);
            admin.Open();
            admin.Execute($"CREATE SCHEMA {schema}");
        }
        catch (NpgsqlException e)
        {
            throw Common.ProblemException.Invalid("store", $"cannot use the PostgreSQL server: {e.Message}");
        }
        var store = new PostgresStore(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString);
        return new TemporaryStore(store, () =>
        {
            store.Dispose();
            using var admin = new NpgsqlConnection(connectionString);
            admin.Open();
            admin.Execute($"DROP SCHEMA {schema} CASCADE");
        });
    }

    public void Dispose() => _cleanup();
}
