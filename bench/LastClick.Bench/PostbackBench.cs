using System.Diagnostics;
using System.Globalization;
using LastClick.Common;
using LastClick.Notifications;
using LastClick.Programs;
using LastClick.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Bench;

/// <summary>
/// Postbacks (issue 15): (1) outbox delivery to a tracker on loopback — messages dispatched to jobs, jobs sent and
/// logged — in postbacks per second (goal ≥ 2,000/s); (2) order ingestion with every publisher's postback on and the
/// delivery worker running beside it, against the same with postbacks off, interleaved in one run (goal: at most 10%
/// slower).
/// </summary>
internal static class PostbackBench
{
    public static async Task RunAsync(int messages, int orders, int rounds)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        var tracker = builder.Build();
        long received = 0;
        tracker.Run(context =>
        {
            Interlocked.Increment(ref received);
            return context.Response.WriteAsync("OK");
        });
        await tracker.StartAsync();
        var url = tracker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        try
        {
            await Delivery(url, messages, () => Interlocked.Read(ref received));
            var ratios = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var off = await Ingest(url, orders, postbacks: false);
                var on = await Ingest(url, orders, postbacks: true);
                ratios.Add(on / off);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ingestion round {round + 1}: postbacks off {off:N0} orders/s, on {on:N0} orders/s (ratio {on / off:0.00})"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingestion with postbacks on / off: median ratio {ratios.Order().ElementAt(ratios.Count / 2):0.00} (goal ≥ 0.90)"));
        }
        finally
        {
            await tracker.StopAsync();
            await tracker.DisposeAsync();
        }
    }

    private static async Task Delivery(string url, int count, Func<long> received)
    {
        using var temporary = TemporaryStore.Create();
        var clock = TimeProvider.System;
        temporary.Store.Migrate(clock);
        var platform = new Platform(temporary.Store, ProgramCatalog.BuiltIn(), clock);
        platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
        const int publishers = 200;
        for (var p = 0; p < publishers; p++)
        {
            platform.Publishers.Upsert(new Publishers.Publisher($"p{p}", "content", null));
            await platform.Postbacks.SaveAsync($"p{p}", $"{url}/pb?cid={{click_id}}&oid={{order_id}}&status={{status}}&c={{commission}}&eid={{event_id}}", "GET", null, null);
        }
        platform.Store.InSession(s =>
        {
            var now = clock.GetUtcNow();
            for (var i = 0; i < count; i++)
            {
                LastClick.Data.Outbox.Write(s, now, "order_created", $"order:o{i}", new { orderId = $"o{i}", clickId = $"c{i}", status = "pending", commission = "7.20", currency = "USD", eventTime = now },
                    "aliexpress-ww", $"p{i % publishers}");
            }
        });
        var before = received();
        using var http = PostbackService.CreateClient(platform.Postbacks.Policy);
        var watch = Stopwatch.StartNew();
        var dispatched = 0;
        int n;
        while ((n = platform.Postbacks.Dispatch()) > 0 || dispatched < count)
        {
            dispatched += n;
            if (n == 0) break;
        }
        var dispatch = watch.Elapsed;
        while (await platform.Postbacks.DeliverDueAsync(http, batch: 200) > 0) { }
        watch.Stop();
        var delivered = platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM postback_jobs WHERE status = 'delivered'"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"delivery: {delivered:N0} of {count:N0} postbacks delivered and logged in {watch.Elapsed.TotalSeconds:0.00} s (dispatch {dispatch.TotalSeconds:0.00} s): " +
            $"{delivered / watch.Elapsed.TotalSeconds:N0} postbacks/s (goal ≥ 2,000/s); the tracker saw {received() - before:N0}"));
    }

    private static async Task<double> Ingest(string url, int count, bool postbacks)
    {
        using var temporary = TemporaryStore.Create();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-03-01T00:00:00Z", CultureInfo.InvariantCulture));
        temporary.Store.Migrate(clock);
        var platform = new Platform(temporary.Store, ProgramCatalog.BuiltIn(), clock);
        platform.Postbacks.Policy = OutboundPolicy.Parse("127.0.0.0/8");
        var (work, _) = OrderIngestBench.Prepare(platform, count, clock.GetUtcNow());
        if (postbacks)
        {
            for (var p = 0; p < 500; p++) await platform.Postbacks.SaveAsync($"p{p}", $"{url}/pb?oid={{order_id}}&status={{status}}&eid={{event_id}}", "GET", null, null);
        }
        using var stop = new CancellationTokenSource();
        using var http = PostbackService.CreateClient(platform.Postbacks.Policy);
        var worker = postbacks
            ? Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    platform.Postbacks.Dispatch();
                    if (await platform.Postbacks.DeliverDueAsync(http) == 0) await Task.Delay(100).ConfigureAwait(false);
                }
            })
            : Task.CompletedTask;
        var watch = Stopwatch.StartNew();
        foreach (var order in work) platform.Orders.Ingest(order, "aliexpress-ww");
        watch.Stop();
        await stop.CancelAsync();
        await worker;
        return work.Count / watch.Elapsed.TotalSeconds;
    }
}
