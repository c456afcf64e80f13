using System.Collections.Concurrent;
using System.Net;
using LastClick.Data;
using LastClick.Notifications;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Notifications;

/// <summary>I2's queue on both stores: what is dispatched, a sender dying mid-delivery, giving up after 72 hours.</summary>
public sealed class PostbackDeliveryTests : IClassFixture<PostgresAvailability>
{
    public static TheoryData<string> Stores => TestStores.Providers;

    /// <summary>Answers every request with a status the test chooses and records it (nothing leaves the process).</summary>
    private sealed class Tracker(Func<HttpStatusCode> answer) : HttpMessageHandler
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Enqueue(request.RequestUri!.PathAndQuery);
            return Task.FromResult(new HttpResponseMessage(answer()) { Content = new StringContent("ok") });
        }
    }

    private static async Task<Harness?> Setup(string provider, string events = "created,payable")
    {
        var h = Harness.Create(provider);
        if (h is null) return null;
        h.Publisher();
        h.Platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
        await h.Platform.Postbacks.SaveAsync("p1", "http://127.0.0.1:9/pb?o={order_id}&s={status}&e={event_id}", "GET", events.Split(','), null);
        return h;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task I2_only_the_events_asked_for_are_queued_once_each(string provider)
    {
        using var h = await Setup(provider);
        if (h is null) return;
        h.Click();
        h.Order("o1");
        h.Event("e1", "goods_received", "2026-02-04T00:00:00Z");
        h.Event("e2", "fraud", "2026-02-05T00:00:00Z");
        Assert.Equal(2, h.DispatchPostbacks()); // created and payable; declined was not asked for
        Assert.Equal(0, h.Platform.Postbacks.Dispatch());
        var tracker = new Tracker(() => HttpStatusCode.OK);
        using var http = new HttpClient(tracker);
        Assert.Equal(2, await h.Platform.Postbacks.DeliverDueAsync(http));
        Assert.Equal(0, await h.Platform.Postbacks.DeliverDueAsync(http));
        Assert.Equal(["s=pending", "s=payable"], tracker.Seen.Select(q => q.Split('&')[1]));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task I2_the_worker_s_dispatch_goes_on_past_rounds_that_queued_nothing_until_a_round_reads_less_than_a_batch(string provider)
    {
        // Only declined is asked for: the order's first messages queue nothing, its last one a job.
        using var h = await Setup(provider, "declined");
        if (h is null) return;
        h.Click();
        h.Order("o1");
        h.Event("e1", "goods_received", "2026-02-04T00:00:00Z");
        h.Event("e2", "fraud", "2026-02-05T00:00:00Z");
        var messages = h.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM outbox_messages"));
        Assert.True(messages >= 3, $"{messages} messages");
        await using var commits = new GroupCommit(h.Platform.Store);
        var (calls, read, queued) = (0, 0, 0);
        // One message a round, as the worker runs it once a second (PostgreSQL: again while other tests hold the outbox back).
        OutboxReaders.ReadAll(h.Platform.Store, "postbacks", () =>
        {
            var d = h.Platform.Postbacks.DispatchAllAsync(commits, batch: 1).GetAwaiter().GetResult();
            (calls, read, queued) = (calls + 1, read + d.Read, queued + d.Queued);
            return d.Queued;
        });
        Assert.Equal((messages, 1), (read, queued));
        if (provider == TestStores.Sqlite) Assert.Equal(1, calls); // caught up in one run of the worker
        // Committed when answered: the job is there before the group commit is disposed.
        Assert.Equal(["order_declined"], h.Platform.Store.Read(s => s.Query<string>(
            "SELECT m.kind FROM postback_jobs j JOIN outbox_messages m ON m.id = j.message_id")));
        Assert.Equal(default, await h.Platform.Postbacks.DispatchAllAsync(commits));
        Assert.Equal(0, h.Platform.Postbacks.Dispatch());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task I2_the_worker_s_delivery_in_the_orders_group_commit_claims_sends_and_records_each_postback_once(string provider)
    {
        using var h = await Setup(provider);
        if (h is null) return;
        h.Click();
        h.Order("o1");
        h.Event("e1", "goods_received", "2026-02-04T00:00:00Z");
        Assert.Equal(2, h.DispatchPostbacks());
        var tracker = new Tracker(() => HttpStatusCode.OK);
        using var http = new HttpClient(tracker);
        await using var commits = new GroupCommit(h.Platform.Store);
        // Batches of one: the first batch's results go with the second's claim, and so on until a claim finds none.
        Assert.Equal(2, await h.Platform.Postbacks.DeliverAllAsync(http, commits, batch: 1));
        Assert.Equal(0, await h.Platform.Postbacks.DeliverAllAsync(http, commits));
        Assert.Equal(["s=payable", "s=pending"], tracker.Seen.Select(q => q.Split('&')[1]).Order(StringComparer.Ordinal));
        // Committed when answered (the group commit is still running): each sent once, recorded once.
        Assert.Equal([("delivered", 1L, 1L), ("delivered", 1L, 1L)], h.Platform.Store.Read(s => s.Query<(string, long, long)>(
            "SELECT j.status, j.attempts, (SELECT COUNT(*) FROM postback_attempts a WHERE a.job_id = j.id) FROM postback_jobs j ORDER BY j.id")));
        Assert.Equal(0, await h.Platform.Postbacks.DeliverDueAsync(http));
        Assert.Equal(2, tracker.Seen.Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task I2_a_sender_that_dies_after_claiming_leaves_the_delivery_to_the_next_one_with_the_same_event_id(string provider)
    {
        using var h = await Setup(provider);
        if (h is null) return;
        h.Click();
        h.Order("o1");
        h.DispatchPostbacks();
        // The first sender claims the job, then the process is killed before it records anything.
        var dying = new Tracker(() => throw new OperationCanceledException("killed"));
        using (var http = new HttpClient(dying))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Platform.Postbacks.DeliverDueAsync(http));
        }
        var tracker = new Tracker(() => HttpStatusCode.OK);
        using var next = new HttpClient(tracker);
        Assert.Equal(0, await h.Platform.Postbacks.DeliverDueAsync(next)); // still leased
        h.Clock.Set(h.Clock.GetUtcNow() + h.Platform.Postbacks.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.Platform.Postbacks.DeliverDueAsync(next));
        Assert.Equal(dying.Seen.Single(), tracker.Seen.Single());
        Assert.Equal("delivered", h.Platform.Postbacks.Deliveries("p1").Single().Status);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task I2_a_failing_tracker_is_retried_with_backoff_then_given_up_after_72_hours(string provider)
    {
        using var h = await Setup(provider);
        if (h is null) return;
        h.Click();
        h.Order("o1");
        h.DispatchPostbacks();
        var tracker = new Tracker(() => HttpStatusCode.ServiceUnavailable);
        using var http = new HttpClient(tracker);
        var tries = 0;
        for (var hour = 0; hour <= 80; hour++)
        {
            h.Clock.Set(T("2026-02-02T09:00:00Z").AddHours(hour));
            tries += await h.Platform.Postbacks.DeliverDueAsync(http);
        }
        var delivery = h.Platform.Postbacks.Deliveries("p1").Single();
        Assert.Equal("dead", delivery.Status);
        Assert.Equal(tries, delivery.Attempts);
        // 30 s, 1, 2, 4 … minutes (one try an hour while the clock steps hourly), then every 6 hours ±20%, until 72 hours
        // are past: 19 to 22 tries over the jitter's whole range (simulated), 18 to 22 allowed.
        Assert.InRange(tries, 18, 22);
        Assert.All(delivery.Log, a => Assert.Equal(503, a.HttpStatus));
        // Redelivered by hand, a dead delivery goes once more.
        h.Platform.Postbacks.Redeliver("p1", delivery.Id);
        Assert.Equal(1, await h.Platform.Postbacks.DeliverDueAsync(http));
    }
}
