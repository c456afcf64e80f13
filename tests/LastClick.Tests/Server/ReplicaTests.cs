using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LastClick.Tests.Support;
using Npgsql;

namespace LastClick.Tests.Server;

/// <summary>
/// Reads off the primary (issue 19): a PostgreSQL primary and a hot standby streaming from it on loopback, two `serve`
/// nodes on them with ConnectionStrings:LastClickReplica. Reads go to the standby; a caller's read after its own write
/// does not miss it; a standby beyond the lag bound, or down, leaves the reads to the primary and is used again when it
/// catches up or comes back — every answer a 200 with the same data.
/// </summary>
[Collection(nameof(LastClick.Tests.Cli.ProcessEnvironment))]
public sealed class ReplicaTests : IClassFixture<PostgresAvailability>
{
    [Fact]
    public async Task Two_nodes_read_from_a_hot_standby_fall_back_to_the_primary_on_lag_or_failure_and_never_miss_their_own_writes()
    {
        if (PostgresServer.ForTest() is null) return;
        using var pair = ReplicatedPostgres.Start();
        if (pair is null) return;
        string[] replicaSettings = [$"--ConnectionStrings:LastClickReplica={pair.Standby}", "--Replica:MaxLagSeconds=1"];
        using var a = await ServerProcess.StartAsync(pair.Primary, ["--demo", .. replicaSettings]);
        Assert.True(SpinWait.SpinUntil(() => a.Output.Any(l => l.Contains("Publisher key", StringComparison.Ordinal)), TimeSpan.FromSeconds(20)));
        var key = a.Output.Single(l => l.Contains("Publisher key", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        using var b = await ServerProcess.StartAsync(pair.Primary, replicaSettings);

        // Reads: both nodes serve them from the standby, the same as the primary holds.
        var onA = await Until(a, "/api/v1/commissions?limit=1000", key, "replica");
        var onB = await Until(b, "/api/v1/commissions?limit=1000", key, "replica");
        Assert.Equal(onA.Body, onB.Body);
        using (var primary = new NpgsqlConnection(pair.Primary))
        {
            primary.Open();
            using var count = new NpgsqlCommand("SELECT COUNT(*) FROM orders WHERE publisher_id = 'demo-publisher'", primary);
            Assert.Equal((long)count.ExecuteScalar()!, JsonDocument.Parse(onB.Body).RootElement.GetArrayLength());
        }
        // (Polled as every read from the standby is: a sampler held up past the 1 s bound sends one read to the primary.)
        await Until(b, "/api/v1/reports/program?date_start=2026-01-01&date_end=2027-12-31", key, "replica");

        // A GET that writes (reading a thread the team answered marks it read) reads from the primary after its write,
        // and its answer carries the write's position for the caller's next reads.
        var threads = JsonDocument.Parse((await Until(a, "/api/v1/support/threads", key, "replica")).Body).RootElement;
        var thread = threads.GetProperty("threads")[0].GetProperty("id").GetInt64();
        var operatorKey = a.Output.Single(l => l.Contains("Operator key", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        using (var answer = await Send(b, HttpMethod.Post, $"/api/v1/operator/support/threads/{thread}/messages", operatorKey, """{ "body": "We are looking into it." }"""))
        {
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        }
        await Until(a, "/api/v1/support/threads", key, "replica"); // the answer has reached the standby
        using (var read = await Send(a, HttpMethod.Get, $"/api/v1/support/threads/{thread}", key, null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Contains(read.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lc_lsn=", StringComparison.Ordinal));
        }
        // The caller's next read sees its own write (read), whichever server answers it.
        var after = JsonDocument.Parse((await Get(a, "/api/v1/support/threads", key)).Body).RootElement;
        Assert.False(after.GetProperty("threads").EnumerateArray().Single(t => t.GetProperty("id").GetInt64() == thread).GetProperty("unread").GetBoolean());

        // The standby stops replaying (as when it falls behind). A write answered by node A is read back on node A at
        // once (its reads go to the primary until the standby has replayed it)...
        Standby(pair, "SELECT pg_wal_replay_pause()");
        using (var created = await Send(a, HttpMethod.Post, "/api/v1/links", key, """{ "program": "aliexpress-ww", "destination": "https://www.aliexpress.com/item/42.html", "sub1": "after-pause" }"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Contains(created.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lc_lsn=", StringComparison.Ordinal));
        }
        var mine = await Get(a, "/api/v1/links?limit=100", key);
        Assert.Contains("after-pause", mine.Body, StringComparison.Ordinal);
        Assert.Equal("primary", mine.Read);
        // ...and once the standby is more than the bound (1 s) behind, every node reads from the primary: fresh data.
        var lagging = await Until(b, "/api/v1/links?limit=100", key, "primary");
        Assert.Contains("after-pause", lagging.Body, StringComparison.Ordinal);
        await Said(b, "serves no reads");

        // Caught up again, it serves again.
        Standby(pair, "SELECT pg_wal_replay_resume()");
        var resumed = await Until(b, "/api/v1/links?limit=100", key, "replica");
        Assert.Contains("after-pause", resumed.Body, StringComparison.Ordinal);

        // The standby goes down: not one read fails, the primary answers them; back up, it is used again.
        pair.StopStandby();
        for (var i = 0; i < 20; i++)
        {
            var read = await Get(i % 2 == 0 ? a : b, "/api/v1/commissions?limit=1000", key);
            Assert.Equal(onA.Body, read.Body);
            Assert.Equal("primary", read.Read);
        }
        pair.StartStandby();
        Assert.Equal(onA.Body, (await Until(b, "/api/v1/commissions?limit=1000", key, "replica")).Body);

        // Writes and the redirect never go to the standby.
        using (var redirect = await a.Http.GetAsync(new Uri(JsonDocument.Parse(mine.Body).RootElement.GetProperty("links")[0].GetProperty("trackingUrl").GetString()!).PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.False(redirect.Headers.Contains("X-LastClick-Read"));
        }
        await a.KillAsync();
        await b.KillAsync();
    }

    [Fact]
    public void A_replica_of_a_SQLite_store_or_a_bad_lag_bound_is_refused_at_start_naming_the_setting()
    {
        using var store = LastClick.Replay.TemporaryStore.Create();
        var path = ((LastClick.Data.SqliteStore)store.Store).Path;
        var (code, output, error) = LastClick.Tests.Cli.CliTests.Run("serve", "--store", path, "--ConnectionStrings:LastClickReplica=Host=127.0.0.1;Port=1");
        Assert.Equal((2, ""), (code, output));
        Assert.Equal("error: ConnectionStrings:LastClickReplica: a read replica is a hot standby of a PostgreSQL store; this store is SQLite", error.TrimEnd());

        if (PostgresServer.ForTest() is not { } postgres) return;
        (code, output, error) = LastClick.Tests.Cli.CliTests.Run("serve", "--store", postgres, $"--ConnectionStrings:LastClickReplica={postgres}", "--Replica:MaxLagSeconds=0");
        Assert.Equal((2, "", "error: Replica:MaxLagSeconds: seconds, more than 0 and at most 3600"), (code, output, error.TrimEnd()));
    }

    private sealed record Answer(string Body, string? Read);

    private static async Task<Answer> Get(ServerProcess node, string path, string? key)
    {
        using var response = await Send(node, HttpMethod.Get, path, key, null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode} {body}");
        return new Answer(body, response.Headers.TryGetValues("X-LastClick-Read", out var read) ? read.Single() : null);
    }

    /// <summary>Reads until the node answers from <paramref name="source"/> (the monitor samples four times a second); at most 20 s.</summary>
    private static async Task<Answer> Until(ServerProcess node, string path, string key, string source)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var answer = await Get(node, path, key);
            if (answer.Read == source) return answer;
            Assert.True(DateTime.UtcNow < deadline, $"{path} on port {node.Port} still read from {answer.Read}, not {source}: {string.Join('\n', node.Output.Concat(node.Errors).TakeLast(20))}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the node has logged a line with <paramref name="text"/>; at most 20 s. The console logger writes from
    /// a queue of its own, so the line may come after the answer that the logged change already shaped.
    /// </summary>
    private static async Task Said(ServerProcess node, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!node.Output.Concat(node.Errors).Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"node on port {node.Port} never said '{text}': {string.Join('\n', node.Output.Concat(node.Errors).TakeLast(20))}");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> Send(ServerProcess node, HttpMethod method, string path, string? key, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await node.Http.SendAsync(request);
    }

    private static void Standby(ReplicatedPostgres pair, string sql)
    {
        using var standby = new NpgsqlConnection(pair.Standby);
        standby.Open();
        using var command = new NpgsqlCommand(sql, standby);
        command.ExecuteNonQuery();
    }
}
