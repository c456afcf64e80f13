using System.Text.Json;
using LastClick.Cli;

namespace LastClick.Tests.Cli;

/// <summary>The `lastclick` command line as a user runs it: exit codes, one-line errors, nothing printed on failure.</summary>
/// <summary>Tests that change the process environment (TMPDIR) run alone, never beside other test classes.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public sealed class CliTests : IClassFixture<LastClick.Tests.Support.PostgresAvailability>
{
    /// <summary>The repository's folder (the one holding LastClick.slnx).</summary>
    internal static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "LastClick.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repo root not found");
        return dir;
    }

    [Fact]
    public void J2_programs_scorecard_prints_trust_overall_and_the_components_as_json()
    {
        var (code, output, error) = Run("programs", "scorecard", "aliexpress-ww");

        Assert.Equal((0, ""), (code, error));
        using var card = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal((5.2m, 5.5m), (card.RootElement.GetProperty("trust").GetDecimal(), card.RootElement.GetProperty("overall").GetDecimal()));
        Assert.Equal(9, card.RootElement.GetProperty("components").EnumerateObject().Count());
        Assert.Equal(2, Run("programs", "scorecard", "amazon").Code);
    }

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = LastClickCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Replay_of_the_quickstart_prints_the_outcome_as_json()
    {
        var (code, output, error) = Run("replay", Path.Combine(Root, "examples", "quickstart.json"));

        Assert.Equal((0, ""), (code, error));
        using var doc = JsonDocument.Parse(output);
        var order = doc.RootElement.GetProperty("orders")[0];
        Assert.Equal(("p1", "paid", "20.81"), (order.GetProperty("publisher").GetString(), order.GetProperty("status").GetString(), order.GetProperty("commission").GetString()));
        Assert.Equal("20.81", doc.RootElement.GetProperty("payouts")[0].GetProperty("amount").GetString());
    }

    [Fact]
    public void Replay_of_a_malformed_scenario_exits_non_zero_with_one_line_naming_the_field_and_prints_no_outcome()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.json");
        var json = File.ReadAllText(Path.Combine(Root, "examples", "quickstart.json")).Replace("\"price\": \"45.00\"", "\"price\": \"forty-five\"", StringComparison.Ordinal);
        File.WriteAllText(file, json);
        try
        {
            var (code, output, error) = Run("replay", file);
            Assert.Equal(LastClickCli.BadInput, code);
            Assert.Equal("", output);
            Assert.Equal("error: orders[0].lines[1].price: not a decimal" + Environment.NewLine, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Replay_on_postgresql_through_a_url_gives_the_same_outcome_as_on_sqlite()
    {
        var connectionString = LastClick.Tests.Support.PostgresServer.ForTest();
        if (connectionString is null) return;
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var url = $"postgres://{cs.Username}@{cs.Host}:{cs.Port}/{cs.Database}";
        var example = Path.Combine(Root, "examples", "antispam-after-payout.json");

        var (code, output, error) = Run("replay", example, "--store", url);

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(File.ReadAllText(Path.Combine(Root, "examples", "expected", "antispam-after-payout.json")), output);
        using var admin = new Npgsql.NpgsqlConnection(connectionString);
        admin.Open();
        using var schemas = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE 'replay_%'", admin);
        Assert.Equal(0L, (long)schemas.ExecuteScalar()!);
    }

    [Theory]
    [InlineData("sqlite:/tmp/x.db")]
    [InlineData("mysql://localhost/db")]
    public void Replay_refuses_a_store_that_is_not_postgresql(string store)
    {
        var (code, output, error) = Run("replay", Path.Combine(Root, "examples", "quickstart.json"), "--store", store);
        Assert.Equal((LastClickCli.BadInput, ""), (code, output));
        Assert.StartsWith("error: store: must be a PostgreSQL URL", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_on_an_unreachable_postgresql_is_a_clear_error()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var (code, output, error) = Run("replay", Path.Combine(Root, "examples", "quickstart.json"), "--store", $"postgres://postgres@127.0.0.1:{port}/none");

        Assert.Equal((LastClickCli.BadInput, ""), (code, output));
        Assert.StartsWith("error: store: cannot use the PostgreSQL server:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_of_a_missing_file_is_a_clear_error()
    {
        var (code, output, error) = Run("replay", "/nonexistent/scenario.json");
        Assert.Equal((LastClickCli.BadInput, ""), (code, output));
        Assert.Equal("error: file: no such file: /nonexistent/scenario.json" + Environment.NewLine, error);
    }

    [Fact]
    public void Replay_leaves_no_temporary_store_behind()
    {
        // A temporary folder of this test's own: other test assemblies replay in parallel in the shared one.
        var tmp = Directory.CreateTempSubdirectory("lastclick-cli-").FullName;
        var previous = Environment.GetEnvironmentVariable("TMPDIR");
        Environment.SetEnvironmentVariable("TMPDIR", tmp);
        try
        {
            Assert.Equal(0, Run("replay", Path.Combine(Root, "examples", "refunds.json")).Code);
            Assert.Empty(Directory.GetFileSystemEntries(tmp));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", previous);
            Directory.Delete(tmp, recursive: true);
        }
    }

    [Fact]
    public void Programs_list_names_both_programs()
    {
        var (code, output, _) = Run("programs", "list");
        Assert.Equal(0, code);
        Assert.Contains("aliexpress-ww", output, StringComparison.Ordinal);
        Assert.Contains("aliexpress-cis", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Programs_show_prints_the_effective_definition_with_category_rates_as_fractions()
    {
        var (code, output, _) = Run("programs", "show", "aliexpress-ww");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(0.024m, doc.RootElement.GetProperty("categoryRates").GetProperty("Mobile phones").GetDecimal());
        Assert.Equal(3, doc.RootElement.GetProperty("cookieWindowDays").GetInt32());
    }

    [Fact]
    public void Programs_show_of_an_unknown_program_is_a_clear_error()
    {
        var (code, output, error) = Run("programs", "show", "amazon");
        Assert.Equal((LastClickCli.BadInput, ""), (code, output));
        Assert.Equal("error: id: unknown program 'amazon' (known: aliexpress-cis, aliexpress-ww)" + Environment.NewLine, error);
    }

    [Fact]
    public void Programs_validate_names_the_first_wrong_field_of_a_definition_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"program-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, File.ReadAllText(Path.Combine(Root, "programs", "aliexpress-cis.json")).Replace("\"max\": \"0.648\"", "\"max\": \"0.001\"", StringComparison.Ordinal));
        try
        {
            var (code, _, error) = Run("programs", "validate", file);
            Assert.Equal(LastClickCli.BadInput, code);
            Assert.Equal("error: sellerRateBounds.max: must not be below min" + Environment.NewLine, error);
            Assert.Equal(0, Run("programs", "validate", Path.Combine(Root, "programs", "aliexpress-cis.json")).Code);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Keys_create_prints_a_key_once_and_refuses_an_unknown_role()
    {
        var db = Path.Combine(Path.GetTempPath(), $"keys-{Guid.NewGuid():N}.db");
        try
        {
            var (code, output, error) = Run("keys", "create", "--role", "marketplace", "--store", db);
            Assert.Equal((0, ""), (code, error));
            Assert.Matches("^lc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", output.Trim());
            Assert.Equal((LastClickCli.BadInput, "", "error: role: must be operator, marketplace or publisher" + Environment.NewLine),
                Run("keys", "create", "--role", "admin", "--store", db));
            Assert.Equal((LastClickCli.BadInput, "", "error: publisher: a publisher key names its publisher" + Environment.NewLine),
                Run("keys", "create", "--role", "publisher", "--store", db));
        }
        finally
        {
            LastClick.Data.SqliteStore.ReleaseFile(db);
            foreach (var f in new[] { db, db + "-wal", db + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public void Accounts_create_prints_a_password_that_signs_in_and_refuses_a_publisher_role_or_a_taken_email()
    {
        var db = Path.Combine(Path.GetTempPath(), $"accounts-{Guid.NewGuid():N}.db");
        try
        {
            var (code, output, error) = Run("accounts", "create", "--email", "Admin@Program.example", "--role", "admin", "--store", db);
            Assert.Equal((0, ""), (code, error));
            var password = System.Text.RegularExpressions.Regex.Match(output, "^admin@program.example \\(admin\\) password: (\\S{16})$", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(password.Success, output);
            using (var store = LastClick.Data.Store.Connect(db))
            {
                var account = new LastClick.Access.Accounts(store, TimeProvider.System).FindByEmail("admin@program.example")!;
                Assert.True(new LastClick.Web.Passwords().Verify(new Platform(store, LastClick.Programs.ProgramCatalog.BuiltIn(), TimeProvider.System), account, password.Groups[1].Value));
            }
            Assert.Equal((LastClickCli.BadInput, "", "error: role: must be admin or moderator (publishers apply at /apply)" + Environment.NewLine),
                Run("accounts", "create", "--email", "p@program.example", "--role", "publisher", "--store", db));
            Assert.Equal((LastClickCli.BadInput, "", "error: email: an account with this email already exists" + Environment.NewLine),
                Run("accounts", "create", "--email", "admin@program.example", "--role", "moderator", "--store", db));
        }
        finally
        {
            LastClick.Data.SqliteStore.ReleaseFile(db);
            foreach (var f in new[] { db, db + "-wal", db + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public void Serve_refuses_a_trusted_proxy_that_is_not_an_address()
    {
        var db = Path.Combine(Path.GetTempPath(), $"serve-{Guid.NewGuid():N}.db");
        try
        {
            var (code, output, error) = Run("serve", "--store", db, "--urls", "http://127.0.0.1:0", "--trusted-proxies", "10.0.0.1,proxy.local");
            Assert.Equal((LastClickCli.BadInput, ""), (code, output));
            Assert.Equal("error: trusted-proxies: 'proxy.local' is not an IP address" + Environment.NewLine, error);
        }
        finally
        {
            LastClick.Data.SqliteStore.ReleaseFile(db);
            foreach (var f in new[] { db, db + "-wal", db + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public void Migrate_creates_a_sqlite_store_and_can_run_again()
    {
        var db = Path.Combine(Path.GetTempPath(), $"migrate-{Guid.NewGuid():N}.db");
        try
        {
            Assert.Equal((0, "migrated (Sqlite)" + Environment.NewLine, ""), Run("migrate", "--store", db));
            Assert.Equal(0, Run("migrate", "--store", db).Code);
        }
        finally
        {
            LastClick.Data.SqliteStore.ReleaseFile(db);
            foreach (var f in new[] { db, db + "-wal", db + "-shm" }) File.Delete(f);
        }
    }
}
