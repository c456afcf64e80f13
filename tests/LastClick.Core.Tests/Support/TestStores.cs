using LastClick.Replay;

namespace LastClick.Tests.Support;

/// <summary>The two stores every store test runs on.</summary>
public static class TestStores
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> Providers => new() { Sqlite, Postgres };

    private static bool _reported;

    /// <summary>
    /// A fresh temporary store of the provider, or null when PostgreSQL cannot run here (reported once on stderr;
    /// in CI that throws instead, so the PostgreSQL half always runs there).
    /// </summary>
    public static TemporaryStore? Create(string provider)
    {
        if (provider == Sqlite) return TemporaryStore.Create();
        if (PostgresServer.ConnectionString is { } cs) return TemporaryStore.Create(cs);
        var why = $"PostgreSQL half did not run: {PostgresServer.UnavailableBecause}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(why + " (CI=true requires it)");
        }
        if (!_reported)
        {
            _reported = true;
            Console.Error.WriteLine(why);
        }
        return null;
    }
}
