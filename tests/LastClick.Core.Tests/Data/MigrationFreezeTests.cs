using System.Security.Cryptography;
using LastClick.Data;
using LastClick.Reports;

namespace LastClick.Tests.Data;

/// <summary>
/// A schema that upgrades in place (issue 19): the migrations are checked-in files, one set per provider, and a
/// released one never changes; what used to be generated at run time (0007's rollup tables) is frozen in its file and
/// still agrees with the code that generated it.
/// </summary>
public sealed class MigrationFreezeTests
{
    private static readonly string Folder = Path.Combine(LastClick.Tests.Support.Build.RepoRoot, "src", "LastClick.Core", "Data", "Migrations");

    [Fact]
    public void A_released_migration_never_changes_and_each_provider_has_the_same_versions()
    {
        var released = File.ReadAllLines(Path.Combine(Folder, "released.sha256"))
            .Where(l => l.Length > 0).Select(l => l.Split("  ", 2)).ToDictionary(p => p[1], p => p[0], StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(Folder, "*.sql", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        // Every file is listed (a new migration adds its line when it is released) and every listed file is there.
        Assert.Equal(released.Keys.Order(StringComparer.Ordinal), files);
        foreach (var file in files)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, file))));
            Assert.True(released[file] == hash, $"{file} changed after it was released: a store that ran it will never run it again, so make the change a new migration");
        }
        Assert.Equal(
            files.Where(f => f.StartsWith("sqlite/", StringComparison.Ordinal)).Select(f => f["sqlite/".Length..]),
            files.Where(f => f.StartsWith("postgres/", StringComparison.Ordinal)).Select(f => f["postgres/".Length..]));
        // The build carries exactly these files.
        Assert.Equal(files.Count(f => f.StartsWith("sqlite/", StringComparison.Ordinal)), Store.Migrations(StoreProvider.Sqlite).Count);
        Assert.Equal(files.Count(f => f.StartsWith("postgres/", StringComparison.Ordinal)), Store.Migrations(StoreProvider.Postgres).Count);
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite, "sqlite")]
    [InlineData(StoreProvider.Postgres, "postgres")]
    public void Migration_0007s_rollup_tables_are_frozen_as_the_generator_makes_them(StoreProvider provider, string folder)
    {
        var text = File.ReadAllText(Path.Combine(Folder, folder, "0007_reports.sql"));
        const string Begin = "-- rollups: begin\n", End = "-- rollups: end\n";
        var start = text.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var frozen = text[start..text.IndexOf(End, start, StringComparison.Ordinal)];

        // Changing Reports.Cubes or RollupRebuild without a new migration would leave older stores with the old tables.
        Assert.Equal(Cubes.Ddl(provider) + RollupRebuild.Sql(provider), frozen);
    }
}
