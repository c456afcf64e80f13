using LastClick.Replay;

namespace LastClick.Tests.Support;

/// <summary>The two stores every store test runs on.</summary>
public static class TestStores
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> Providers => new() { Sqlite, Postgres };

    /// <summary>A fresh temporary store of the provider, or null when PostgreSQL cannot run here (see <see cref="PostgresServer.ForTest"/>).</summary>
    public static TemporaryStore? Create(string provider) =>
        provider == Sqlite ? TemporaryStore.Create() : PostgresServer.ForTest() is { } cs ? TemporaryStore.Create(cs) : null;
}
