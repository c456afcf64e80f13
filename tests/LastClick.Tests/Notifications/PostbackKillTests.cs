using System.Collections.Concurrent;
using System.Text.Json;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Data;
using LastClick.Notifications;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tests.Support;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Notifications;

/// <summary>
/// I2, at least once: `lastclick serve` is SIGKILLed while its postbacks are in flight to a tracker that is slow to
/// answer; after a restart every message is delivered, and a message sent twice carries the same event id both times.
/// </summary>
public sealed class PostbackKillTests
{
    private const int Orders = 24;

    [Fact]
    public async Task I2_a_server_killed_mid_delivery_delivers_every_message_after_restart_and_repeats_carry_the_same_event_id()
    {
        // The tracker: records every postback; while "slow" it holds each answer 30 s (the server dies meanwhile).
        var received = new ConcurrentQueue<(string EventId, string Target, bool Answered)>();
        var slow = 1;
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        await using var tracker = builder.Build();
        tracker.Run(async context =>
        {
            var eventId = context.Request.Query["event_id"].ToString();
            var target = context.Request.Path + context.Request.QueryString;
            if (Volatile.Read(ref slow) == 1)
            {
                received.Enqueue((eventId, target, false));
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return; // the sender died
                }
            }
            received.Enqueue((eventId, target, true));
            await context.Response.WriteAsync("OK");
        });
        await tracker.StartAsync();
        var trackerUrl = tracker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var dir = Directory.CreateTempSubdirectory("lastclick-postback-kill-").FullName;
        var db = Path.Combine(dir, "lastclick.db");
        try
        {
            // Before the server: a publisher with a postback for order news, and its orders (each one message).
            using (var store = new SqliteStore(db))
            {
                store.Migrate(TimeProvider.System);
                var platform = new Platform(store, ProgramCatalog.BuiltIn(), TimeProvider.System);
                platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
                platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
                await platform.Postbacks.SaveAsync("p1", $"{trackerUrl}/pb?event_id={{event_id}}&order={{order_id}}&status={{status}}", "GET", ["created"], null);
                var now = TimeProvider.System.GetUtcNow();
                for (var i = 0; i < Orders; i++)
                {
                    platform.Tracking.RecordClick(new Click($"c{i}", "aliexpress-ww", "p1", $"v{i}", now.AddMinutes(-10), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null, null, null));
                    platform.Orders.Ingest(new Order($"o{i}", now.AddMinutes(-5), Currency.Of("USD"), "DE",
                        [new OrderLine("l1", "1", "Mobile phone accessories", null, 100m, 1, true, null, false, null, "CN")], $"v{i}"), "aliexpress-ww");
                }
            }
            SqliteStore.ReleaseFile(db);
            string[] settings = ["--store", db, "--Outbound:AllowNetworks", "127.0.0.0/8", "--Postbacks:LeaseSeconds", "5", "--Postbacks:RetrySeconds", "1"];

            using (var first = await ServerProcess.StartAsync(db, settings[2..]))
            {
                // Killed once postbacks are in flight (the tracker holds at most four a host at a time).
                for (var i = 0; i < 200 && received.IsEmpty; i++) await Task.Delay(100);
                Assert.False(received.IsEmpty, "no postback was sent before the kill");
                await first.KillAsync();
            }
            var inFlight = received.Where(r => !r.Answered).Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
            Volatile.Write(ref slow, 0);

            using (var second = await ServerProcess.StartAsync(db, settings[2..]))
            {
                // Every message delivered: the leases of the killed sender ran out and the jobs went again.
                for (var i = 0; i < 300 && received.Where(r => r.Answered).Select(r => r.EventId).Distinct().Count() < Orders; i++) await Task.Delay(100);
            }
            var answered = received.Where(r => r.Answered).ToList();
            Assert.Equal(Orders, answered.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Count());
            // The postbacks in flight at the kill were sent again, each with its event id and the same request.
            Assert.NotEmpty(inFlight);
            foreach (var eventId in inFlight)
            {
                var targets = received.Where(r => r.EventId == eventId).Select(r => r.Target).Distinct(StringComparer.Ordinal).ToList();
                Assert.Single(targets);
                Assert.Contains(answered, r => r.EventId == eventId);
            }
            // Every order's one message, by its id in the outbox.
            using var check = new SqliteStore(db);
            var messages = check.Read(s => Outbox.Read(s, "p1", "order_created")).Select(m => $"{m.Id}").ToHashSet(StringComparer.Ordinal);
            Assert.Equal(messages.Order(StringComparer.Ordinal), answered.Select(r => r.EventId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        }
        finally
        {
            SqliteStore.ReleaseFile(db);
            Directory.Delete(dir, recursive: true);
        }
    }
}
