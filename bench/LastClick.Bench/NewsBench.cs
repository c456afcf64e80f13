using System.Diagnostics;
using System.Globalization;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Replay;

namespace LastClick.Bench;

/// <summary>
/// The news worker's routing (I): N order messages over 500 publishers in the outbox, routed to the notification
/// centre (and mail, where a publisher chose it) as <c>serve</c>'s mail worker does, until none is left. Prints the
/// routing's rate and its cost a message.
/// </summary>
internal static class NewsBench
{
    public static void Run(int messages, int rounds)
    {
        for (var round = 1; round <= rounds; round++)
        {
            using var temporary = TemporaryStore.Create();
            var clock = new ManualClock(DateTimeOffset.Parse("2026-03-01T00:00:00Z", CultureInfo.InvariantCulture));
            temporary.Store.Migrate(clock);
            var platform = new Platform(temporary.Store, ProgramCatalog.BuiltIn(), clock);
            var now = clock.GetUtcNow();
            platform.Store.InSession(s =>
            {
                for (var p = 0; p < 500; p++) platform.Publishers.Upsert(s, new Publishers.Publisher($"p{p}", "content", null, true));
                for (var i = 0; i < messages; i++)
                {
                    Outbox.Write(s, now, "order_created", $"order:o{i}", new { orderId = $"o{i}", status = "pending", commission = "1.00", currency = "USD" },
                        "aliexpress-ww", $"p{i % 500}");
                }
            });
            var sw = Stopwatch.StartNew();
            var routed = 0;
            for (int n; (n = platform.News.Route()) > 0;) routed += n;
            sw.Stop();
            Console.WriteLine($"news: round {round}: {routed:N0} messages routed in {sw.Elapsed.TotalSeconds:F2} s " +
                $"({routed / sw.Elapsed.TotalSeconds:N0}/s, {sw.Elapsed.TotalMilliseconds * 1000 / routed:F1} µs a message)");
        }
    }
}
