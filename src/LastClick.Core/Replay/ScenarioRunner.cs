using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Ledger;
using LastClick.Orders;
using LastClick.Payouts;
using LastClick.Tracking;

namespace LastClick.Replay;

/// <summary>
/// Plays a scenario against a store through the same services the server uses, in time order (ties: input order,
/// section by section), and writes the outcome as JSON.
/// </summary>
public static class ScenarioRunner
{
    public static string Run(Scenario scenario, Store store, ClickClassifier? classifier = null) => Run(scenario, store, classifier, rollupsAtEnd: true);

    /// <param name="rollupsAtEnd">The report and quality rollups summed from the facts once at the end (a set-based sum,
    /// where the steps would upsert each row again and again); false: kept step by step, as the server keeps them (tests
    /// compare the two).</param>
    internal static string Run(Scenario scenario, Store store, ClickClassifier? classifier, bool rollupsAtEnd)
    {
        var timeline = Timeline(scenario).ToList();
        var clock = new ManualClock(timeline.Count > 0 ? timeline[0].At : scenario.Now ?? DateTimeOffset.UnixEpoch);
        store.Migrate(clock);
        var programs = new ProgramCatalog([scenario.Program]);
        var platform = new Platform(store, programs, clock, classifier);

        // One session for the whole story, committed every so often: each step still runs the services' own
        // checks and writes, only the commits are grouped (the store is temporary, and a failure fails the replay).
        using var session = store.Begin();
        // Only on a store that starts without facts: summing at the end recomputes every rollup from the clicks and
        // orders stored, and a store with a history may have dropped raw clicks whose rollups it keeps (retention).
        session.RollupsAtEnd = rollupsAtEnd && session.Scalar<long>("SELECT CASE WHEN EXISTS (SELECT 1 FROM clicks) OR EXISTS (SELECT 1 FROM orders) THEN 1 ELSE 0 END") == 0;
        foreach (var publisher in scenario.Publishers)
        {
            platform.Publishers.Upsert(session, publisher);
            if (publisher.PayoutDetailsComplete) PayoutService.SetDetails(session, publisher.Id, PayoutDetailsRules.ReplayWire(publisher.Id), "replay", clock.GetUtcNow());
        }
        // What the steps add to B13's turnover (which later steps read) is summed per row and written once before each
        // commit, as a group commit does (a failed step fails the replay, so nothing is kept apart); the report and
        // quality rollups, which no step reads, are summed from the facts at the end (rollupsAtEnd).
        var done = 0;
        session.BeginPiece();
        foreach (var (at, apply) in timeline)
        {
            clock.Set(at);
            apply(platform, session);
            if (++done % CheckpointEvery == 0)
            {
                session.EndPiece(kept: true);
                session.WriteFolded();
                session.Checkpoint();
                session.BeginPiece();
            }
        }
        var end = scenario.Now ?? (timeline.Count > 0 ? timeline[^1].At : clock.GetUtcNow());
        if (end > clock.GetUtcNow()) clock.Set(end);
        platform.Orders.Advance(session);
        session.EndPiece(kept: true);
        session.WriteFolded();
        if (!session.RollupsAtEnd)
        {
            var output = Output(scenario, session);
            session.Commit();
            return output;
        }
        session.Commit();
        return SumAndOutput(scenario, store);
    }

    /// <summary>
    /// The facts are final and committed: two more connections read them, one for quality's sums and one for the
    /// outcome, while this one sums the report rollups, so the replay's tail runs on every core (docs/performance.md).
    /// The rollups and quality's rows are written in one transaction of their own; nothing reads them before it commits
    /// (the store is the replay's).
    /// </summary>
    private static string SumAndOutput(Scenario scenario, Store store)
    {
        using var rollups = store.Begin();
        using var forQuality = store.BeginRead();
        using var forOutput = store.BeginRead();
        var quality = Task.Run(() => OrderRollup.SumQuality(forQuality.Connection, forQuality.Transaction));
        var output = Task.Run(() => Output(scenario, forOutput));
        try
        {
            rollups.SumReportRollups();
        }
        finally
        {
            // The read sessions are disposed only once their readers are done, whatever happened here.
            ((IAsyncResult)quality).AsyncWaitHandle.WaitOne();
            ((IAsyncResult)output).AsyncWaitHandle.WaitOne();
        }
        // Both readers' results first: a failed outcome commits no rollups. The read sessions only read; disposing
        // them ends their snapshots.
        var sums = quality.GetAwaiter().GetResult();
        var outcome = output.GetAwaiter().GetResult();
        Reports.QualityRollup.WriteNow(rollups, sums);
        rollups.Commit();
        return outcome;
    }

    // Fewer commits, fewer WAL checkpoints: at 100,000 orders committing every 2,000 steps spent 34 s of 110 in
    // commits (each copying the WAL's scattered pages back), every 10,000 steps 10 s (docs/performance.md).
    private const int CheckpointEvery = 10_000;

    private static IEnumerable<(DateTimeOffset At, Action<Platform, DbSession> Apply)> Timeline(Scenario s)
    {
        var items = new List<(DateTimeOffset At, Action<Platform, DbSession> Apply)>();
        items.AddRange(s.Clicks.Select(c => (c.At, (Action<Platform, DbSession>)((p, db) => p.Tracking.RecordClick(db, c)))));
        items.AddRange(s.Touches.Select(t => (t.At, (Action<Platform, DbSession>)((_, db) => TrackingService.RecordTouch(db, t)))));
        items.AddRange(s.Orders.Select(o => (o.At, (Action<Platform, DbSession>)((p, db) => p.Orders.Ingest(db, o, s.Program.Id)))));
        items.AddRange(s.Events.Select(e => (e.At, (Action<Platform, DbSession>)((p, db) => p.Orders.ApplyEvent(db, e)))));
        items.AddRange(s.PayoutRuns.Select(r => (r, (Action<Platform, DbSession>)((p, db) => p.Payouts.Run(db, s.Program.Id, r)))));
        // OrderBy is stable: equal times keep input order.
        return items.OrderBy(i => i.At);
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Output(Scenario scenario, DbSession session)
    {
        // Written straight into one growing buffer and decoded once: the outcome of a large replay is over 100 MB, and
        // each extra copy of it (a stream, an array, the newline appended to a string) cost the replay's tail seconds.
        var buffer = new ArrayBufferWriter<byte>(OutputCapacity(scenario));
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("program", scenario.Program.Id);
            w.WriteStartArray("orders");
            foreach (var (order, traces) in OrderService.Export(session, scenario.Orders.Select(o => o.Id).Distinct(StringComparer.Ordinal)))
            {
                w.WriteStartObject();
                w.WriteString("id", order.Id);
                w.WriteString("publisher", order.Publisher);
                w.WriteString("click", order.Click);
                w.WriteString("program", order.Program);
                w.WriteString("status", order.Status);
                w.WriteString("orderCurrency", order.OrderCurrency);
                w.WriteString("amount", order.Amount);
                w.WriteString("fxRate", Decimals.Canonical(Math.Round(order.FxRate, 10, MidpointRounding.AwayFromZero)));
                if (order.Capped) w.WriteBoolean("capped", true);
                w.WriteString("currency", order.Currency);
                w.WriteString("commission", order.Commission);
                if (order.Reason is not null) w.WriteString("reason", order.Reason);
                w.WriteStartArray("attribution");
                foreach (var step in order.AttributionTrace) w.WriteStringValue(step);
                w.WriteEndArray();
                w.WriteStartArray("lines");
                for (var i = 0; i < order.Lines.Count; i++)
                {
                    var line = order.Lines[i];
                    w.WriteStartObject();
                    w.WriteString("id", line.Id);
                    w.WriteString("rate", Decimals.Canonical(line.Rate));
                    w.WriteString("commission", line.Commission);
                    if (line.Reason is not null) w.WriteString("reason", line.Reason);
                    w.WritePropertyName("trace");
                    w.WriteRawValue(traces[i], skipInputValidation: true);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("balances");
            foreach (var b in LedgerQueries.Balances(session))
            {
                var currency = Currency.Of(b.Currency);
                w.WriteStartObject();
                w.WriteString("publisher", b.Publisher);
                w.WriteString("currency", b.Currency);
                w.WriteString("pending", currency.Format(b.Pending));
                w.WriteString("confirmed", currency.Format(b.Confirmed));
                w.WriteString("payable", currency.Format(b.Payable));
                w.WriteString("paid", currency.Format(b.Paid));
                w.WriteString("balance", currency.Format(b.Balance));
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("ledger");
            foreach (var t in LedgerQueries.Transfers(session))
            {
                w.WriteStartObject();
                w.WriteString("publisher", t.Publisher);
                if (t.Order is not null) w.WriteString("order", t.Order);
                if (t.PayoutRun is not null) w.WriteString("payoutRun", t.PayoutRun);
                w.WriteString("kind", t.Kind);
                w.WriteString("from", t.From);
                w.WriteString("to", t.To);
                w.WriteString("amount", Currency.Of(t.Currency).Format(t.Amount));
                w.WriteString("currency", t.Currency);
                w.WriteString("at", Times.Format(t.At));
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("payouts");
            foreach (var run in scenario.PayoutRuns.Distinct())
            {
                foreach (var line in PayoutService.Find(session, scenario.Program.Id, run))
                {
                    w.WriteStartObject();
                    w.WriteString("run", Times.Format(run));
                    w.WriteString("publisher", line.PublisherId);
                    w.WriteString("currency", line.Currency);
                    w.WriteString("amount", line.Amount);
                    w.WriteString("status", line.Status);
                    if (line.Reason is not null) w.WriteString("reason", line.Reason);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();

            w.WriteStartArray("approval");
            foreach (var a in LedgerQueries.ApprovalRates(session, scenario.Program.Id))
            {
                w.WriteStartObject();
                w.WriteString("publisher", a.Publisher);
                w.WriteNumber("approved", a.Approved);
                w.WriteNumber("declined", a.Declined);
                if (a.Rate is { } rate) w.WriteString("rate", Decimals.Canonical(rate)); else w.WriteNull("rate");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.Write("\n"u8);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // About 1.4 KB of outcome an order (measured: 143 MB for 100,000 orders with their ledger), so a large replay's
    // buffer grows once or twice instead of twenty times.
    private static int OutputCapacity(Scenario scenario) => (int)Math.Min(Array.MaxLength, 4096 + 1536L * scenario.Orders.Count);
}
